"""Published states of a report: each has a permanent, citable address /reports/<slug>/v/<n>/.

A ReportVersion is written by the editorial actions (reports.editorial.versions) in the same
transaction as the change that makes it: a publication (the first, or again after an
unpublish) and every later change readers saw. It keeps, as plain JSON, everything the
report's page shows (see SNAPSHOT_KEYS), so later edits never change it. Numbers run 1, 2, …
in the order the states went public.

A version of a scheduled report is pending (`published_at` in the future) until the report
goes live by the clock: edits before then rewrite it, unscheduling removes it. When a report
is deleted its versions stay as tombstones (report and snapshot emptied, slug and number kept),
so that a cited address answers 410 Gone rather than 404.
"""

import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.models.aggregates import JSONGroupArray, json_moment

VERSION_NUMBER_MESSAGE = "Version numbers start at 1."
# What a snapshot holds; figures and the PDF can be added as keys later (format stays readable).
SNAPSHOT_FORMAT = 1
SNAPSHOT_KEYS = (
    "format",
    "title",
    "slug",
    "series",  # {"name", "slug"}
    "period_start",  # ISO date
    "period_end",
    "summary",
    "body",
    "tags",  # [[name, slug], ...]
    "authors",  # [[name, slug], ...], in byline order
    "corrections",  # [[ISO datetime, note], ...], oldest first: those made up to this version
    "first_published_at",  # ISO datetime
    "figures",  # [FigureData as a list, ...], in order (absent from versions recorded before figures)
    "pdf",  # PdfRef as a dict, or null (absent likewise)
)


class ReportVersion(models.Model):
    report = models.ForeignKey("reports.Report", null=True, on_delete=models.SET_NULL, related_name="versions")
    number = models.PositiveIntegerField()
    # The slug the report had in this state: what a tombstone answers to once the report is deleted.
    slug = models.SlugField(max_length=255)
    published_at = models.DateTimeField(help_text=_("When readers first saw this state."))
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="reportversion_unique_number_per_report"),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="reportversion_number_from_one",
                violation_error_message=VERSION_NUMBER_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["slug", "number"], name="reportversion_slug_number_idx")]

    def __str__(self):
        return f"{self.slug} v{self.number}"

    def clean(self):
        if self.number is not None and self.number < 1:
            raise ValidationError({"number": VERSION_NUMBER_MESSAGE})


def published_versions_json(moment):
    """Each report's versions published by now, as JSON [number, published_at] pairs, for
    Report.objects.with_versions() (read back by Report.version_list)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import JSONArray

    versions = (
        ReportVersion.objects.filter(report=OuterRef("pk"), published_at__lte=moment)
        .order_by()
        .values("report")
        .annotate(pairs=JSONGroupArray(JSONArray("number", "published_at")))
        .values("pairs")
    )
    return Subquery(versions, output_field=models.JSONField())


class VersionRef(NamedTuple):
    """One published state of a report, as its version history lists it."""

    number: int
    published_at: datetime.datetime


def version_refs(pairs):
    """VersionRefs, oldest first, from published_versions_json()'s pairs (ISO moments: from
    PostgreSQL with their offset, from SQLite in UTC without)."""

    return tuple(sorted(VersionRef(number, json_moment(at)) for number, at in pairs or []))
