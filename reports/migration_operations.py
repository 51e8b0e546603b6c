"""Migration operations for what only one database can do."""

from django.db.migrations.operations.base import Operation


class OnPostgreSQLOnly(Operation):
    """Applies the wrapped schema operation on PostgreSQL and does nothing elsewhere.

    The project's model state is left unchanged, so `makemigrations --check` stays clean on
    every database: the wrapped object (e.g. a GIN index) exists only in the database.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, operation):
        self.operation = operation

    def deconstruct(self):
        return self.__class__.__qualname__, [self.operation], {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL only)"
