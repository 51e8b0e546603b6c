"""Aggregates the models' JSON annotations share."""

from django.db import models


class JSONGroupArray(models.Aggregate):
    """The aggregated values as one JSON array: JSONB_AGG on PostgreSQL (jsonb, which DISTINCT
    can compare and Django reads as JSONField text), JSON_GROUP_ARRAY on SQLite."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)
