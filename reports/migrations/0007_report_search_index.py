"""A GIN index over the weighted search document of reports.search, on PostgreSQL only.

The expression must stay identical to reports.search.search_document(): PostgreSQL uses an
expression index only for the very same expression (tests/test_search.py checks the plan).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

from reports.migration_operations import OnPostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_correction")]

    operations = [
        OnPostgreSQLOnly(
            migrations.AddIndex(
                model_name="report",
                index=GinIndex(
                    SearchVector("title", weight="A", config="english")
                    + SearchVector("summary", weight="B", config="english")
                    + SearchVector("body", weight="C", config="english"),
                    name="report_search_document_idx",
                ),
            )
        )
    ]
