"""Aggregates the models' JSON annotations share, and what reads their moments back."""

import datetime

import psycopg
from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONArray
from psycopg.adapt import Loader

TIMESTAMPTZ_OID = psycopg.postgres.types["timestamptz"].oid


class JSONGroupArray(models.Aggregate):
    """The aggregated values as one JSON array: JSONB_AGG on PostgreSQL (jsonb, which DISTINCT
    can compare and Django reads as JSONField text), JSON_GROUP_ARRAY on SQLite."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_moment(text):
    """A moment from a JSON annotation: PostgreSQL writes its offset, SQLite UTC without one."""
    at = datetime.datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=datetime.UTC)


def json_rows(model, link, *fields):
    """Each report's rows of `model` (joined by its foreign key `link`) as one JSON array of
    [fields...] arrays, in the report's own row: a subquery to annotate with."""
    rows = (
        model.objects.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(rows=JSONGroupArray(JSONArray(*fields)))
        .values("rows")
    )
    return Subquery(rows, output_field=models.JSONField())


class UTCMomentLoader(Loader):
    """psycopg's own C loader for timestamptz, where Django registers a Python subclass of
    psycopg's Python loader that parses each value with a regular expression (3.5 against 0.6
    microseconds a value, about 8% of a 50-entry feed). Both give the same datetimes in
    datetime.UTC on a UTC session (psycopg answers one in it): see read_moments_in_c."""

    timezone = datetime.UTC  # Django's cursors register their own loader when this differs
    c_loader = psycopg.adapters.get_loader(TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT)

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._load = self.c_loader(oid, context).load

    def load(self, data):
        return self._load(data)


def read_moments_in_c(sender, connection, **kwargs):
    """On a new PostgreSQL connection in UTC (USE_TZ, as settings.py has it), moments are read by
    UTCMomentLoader. Connected in reports.apps."""
    if connection.vendor == "postgresql" and connection.timezone == datetime.UTC:
        connection.connection.adapters.register_loader(TIMESTAMPTZ_OID, UTCMomentLoader)
