import io

from django.core.management import call_command
from django.db import connection

from reports.models import Report
from tests.base import SitrepTestCase


class MigrationTests(SitrepTestCase):
    def test_models_and_migrations_agree_on_this_database(self):
        # --check exits non-zero when a model change has no migration.
        call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())

    def test_search_index_exists_on_postgresql_only(self):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "reports_report")
        self.assertEqual("report_search_document_idx" in constraints, connection.vendor == "postgresql")

    def test_stored_search_document_column_exists_on_postgresql_only(self):
        with connection.cursor() as cursor:
            columns = [
                column.name for column in connection.introspection.get_table_description(cursor, "reports_report")
            ]
        self.assertEqual("search_document" in columns, connection.vendor == "postgresql")
        # Not a model field, so no ordinary query fetches the tsvector.
        self.assertNotIn("search_document", [field.column for field in Report._meta.get_fields() if field.concrete])
        self.assertNotIn("search_document", str(Report.objects.all().query))
