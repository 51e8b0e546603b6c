"""Drop the stored search document of 0009/0017 from reports_report (PostgreSQL only).

Since 0019 searches read the narrow reports_search table and its functions; the generated
column and its GIN index on reports_report were read by nothing, yet every write of a report
recomputed the tsvector and updated the index, and every row the archive's facets and deep
pages scan carried it (about 4.7 kB a report, most of the table's heap). Backwards, the column
and its index are rebuilt as 0017 left them.
"""

from django.db import migrations

from reports.migration_operations import OnPostgreSQLOnly

SEARCH_CONFIG = "(CASE WHEN language = 'ar' THEN 'arabic'::regconfig ELSE 'english'::regconfig END)"
SEARCH_DOCUMENT = f"""
    setweight(to_tsvector({SEARCH_CONFIG}, coalesce(title, '')), 'A')
    || setweight(to_tsvector({SEARCH_CONFIG}, coalesce(summary, '')), 'B')
    || setweight(to_tsvector({SEARCH_CONFIG}, coalesce(body, '')), 'C')
    || setweight(to_tsvector({SEARCH_CONFIG}, coalesce(pdf_text, '')), 'D')
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0024_interface_labels")]

    operations = [
        OnPostgreSQLOnly(
            migrations.RunSQL(
                sql=[
                    'DROP INDEX IF EXISTS "report_search_document_idx"',
                    'ALTER TABLE "reports_report" DROP COLUMN IF EXISTS "search_document"',
                ],
                reverse_sql=[
                    'ALTER TABLE "reports_report" ADD COLUMN "search_document" tsvector '
                    f"GENERATED ALWAYS AS ({SEARCH_DOCUMENT}) STORED",
                    'CREATE INDEX "report_search_document_idx" ON "reports_report" USING gin ("search_document")',
                ],
            )
        ),
    ]
