"""Two indexes for requests nobody made before, on PostgreSQL only (the model state is unchanged).

- report_archive_covering_idx: the archive's order (period_start, id) with what published()
  tests (status, published_at) carried along, so that skipping to a deep page of the archive
  (OFFSET) reads index entries only, never the reports' rows with their long texts.
- report_period_range_idx: the period as a date range (GiST), so that the week, year and
  date filters (periods overlapping a span: reports.public.filters) find their few reports
  without reading the whole archive.
"""

from django.db import migrations

from reports.migration_operations import OnPostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("reports", "0014_bylines_from_creators")]

    operations = [
        OnPostgreSQLOnly(
            migrations.RunSQL(
                "CREATE INDEX report_archive_covering_idx ON reports_report (period_start, id) "
                "INCLUDE (status, published_at)",
                "DROP INDEX report_archive_covering_idx",
            )
        ),
        OnPostgreSQLOnly(
            migrations.RunSQL(
                "CREATE INDEX report_period_range_idx ON reports_report "
                "USING gist (daterange(period_start, period_end, '[]'))",
                "DROP INDEX report_period_range_idx",
            )
        ),
    ]
