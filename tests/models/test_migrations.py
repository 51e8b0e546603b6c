import io

from django.core.management import call_command
from django.db import connection

from tests.base import SitrepTestCase


class MigrationTests(SitrepTestCase):
    def test_models_and_migrations_agree_on_this_database(self):
        # --check exits non-zero when a model change has no migration.
        call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())

    def test_the_report_table_carries_no_search_document(self):
        # Searches read reports_search (0019); 0025 dropped 0009's column and its index, which
        # every write recomputed and nothing read.
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "reports_report")
            columns = [c.name for c in connection.introspection.get_table_description(cursor, "reports_report")]
        self.assertNotIn("report_search_document_idx", constraints)
        self.assertNotIn("search_document", columns)
