import io

from django.core.management import call_command
from django.db import connection
from django.test import TestCase


class MigrationTests(TestCase):
    def test_models_and_migrations_agree_on_this_database(self):
        # --check exits non-zero when a model change has no migration.
        call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())

    def test_search_index_exists_on_postgresql_only(self):
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "reports_report")
        self.assertEqual("report_search_document_idx" in constraints, connection.vendor == "postgresql")
