"""A stored weighted tsvector column for search, on PostgreSQL only, replacing 0007's index.

0007 indexed an expression: the @@ filter used the index, but ranking had to recompute
to_tsvector over the whole body of every match, which took seconds (and timed out at
100,000 reports). PostgreSQL now keeps the document in a generated column, recomputed
only when a row is written, and the GIN index of the same name is on that column.

The column is deliberately not a model field: Django never selects it, so listings and the
admin never fetch the large tsvector; reports.search.StoredSearchDocument names it in the
search query only. The model state is unchanged, so `makemigrations --check` stays clean
on every database. Adding the column rewrites reports_report under an exclusive lock.
"""

from django.db import migrations

from reports.migration_operations import OnPostgreSQLOnly

# Title weighs A, summary B, body C, English stemming: as 0007's expression index did.
SEARCH_DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
"""

# 0007's index exactly as it created it, for migrating backwards.
EXPRESSION_INDEX = (
    'CREATE INDEX "report_search_document_idx" ON "reports_report" USING gin '
    "((((setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'A') "
    "|| setweight(to_tsvector('english'::regconfig, COALESCE(\"summary\", '')), 'B')) "
    "|| setweight(to_tsvector('english'::regconfig, COALESCE(\"body\", '')), 'C'))))"
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_preview_links_and_tag_merges")]

    operations = [
        OnPostgreSQLOnly(
            migrations.RunSQL(
                sql=[
                    'DROP INDEX "report_search_document_idx"',
                    'ALTER TABLE "reports_report" ADD COLUMN "search_document" tsvector '
                    f"GENERATED ALWAYS AS ({SEARCH_DOCUMENT}) STORED",
                    'CREATE INDEX "report_search_document_idx" ON "reports_report" USING gin ("search_document")',
                ],
                reverse_sql=[
                    # Dropping the column drops its index too.
                    'ALTER TABLE "reports_report" DROP COLUMN "search_document"',
                    EXPRESSION_INDEX,
                ],
            )
        )
    ]
