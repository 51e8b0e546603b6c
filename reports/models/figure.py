"""Figures: the images of a report (its map first), in order, each with its alt text.

A figure's file lives at figures/<key>/original.<ext>, its renditions beside it; the key is
new for every uploaded file, so a public file's address never changes when the report is
edited. A figure replaced or removed while readers could see it is kept, retired, so the
file they saw stays at its own address.
"""

import json
import secrets
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.models.aggregates import JSONGroupArray

ALT_TEXT_MESSAGE = "Describe the image for people who cannot see it: the alt text is required."
FIGURES_PREFIX = "figures"


def new_figure_key():
    return secrets.token_urlsafe(12)


def figure_upload_to(figure, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
    return f"{FIGURES_PREFIX}/{figure.key}/original.{extension}"


class FigureQuerySet(models.QuerySet):
    def current(self):
        """The figures a report shows now, in order (not the retired ones)."""
        return self.filter(retired_at__isnull=True).order_by("position", "pk")


class Figure(models.Model):
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="figures")
    key = models.CharField(max_length=32, unique=True, default=new_figure_key, editable=False)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Lower numbers come first; the first is the lead image.")
    )
    image = models.FileField(
        _("image"),
        upload_to=figure_upload_to,
        max_length=200,
        help_text=_("JPEG, PNG, WebP or AVIF; at most 20 MB and 50 megapixels."),
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        _("alt text"), max_length=400, help_text=_("What the image shows, for people who cannot see it (required).")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("e.g. “Map: sitrep / OpenStreetMap contributors”.")
    )
    long_description = models.TextField(
        _("long description"),
        blank=True,
        help_text=_("For a map or chart: what it shows in words (readers open it under the image)."),
    )
    # [{"kind": "w"|"card", "ext": "avif"|"webp"|"jpg", "width": int, "height": int, "name": str}]
    renditions = models.JSONField(default=list, blank=True, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FigureQuerySet.as_manager()
    FILES_PREFIX = FIGURES_PREFIX

    class Meta:
        verbose_name, verbose_name_plural = pgettext_lazy("model", "figure"), pgettext_lazy("model", "figures")
        ordering = ["report", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("alt_text")), 0),
                name="figure_alt_text_not_blank",
                violation_error_message=ALT_TEXT_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["report", "position"],
                condition=Q(retired_at__isnull=True),
                name="figure_one_per_position",
                violation_error_message="Two figures cannot have the same position.",
            ),
        ]

    def __str__(self):
        return self.alt_text[:60]

    def clean(self):
        if not (self.alt_text or "").strip():
            raise ValidationError({"alt_text": ALT_TEXT_MESSAGE})


class FigureData(NamedTuple):
    """A figure as pages show it, in plain values (what listings and report pages keep)."""

    position: int
    image: str  # the storage name of the original
    width: int
    height: int
    alt_text: str
    caption: str
    credit: str
    long_description: str
    renditions: tuple  # of dicts, as Figure.renditions

    @classmethod
    def from_row(cls, row):
        """From one entry of the with_figures() JSON annotation."""
        position, image, width, height, alt, caption, credit, description, renditions = row
        if isinstance(renditions, str):  # SQLite hands a nested JSON column back as text
            renditions = json.loads(renditions or "[]")
        return cls(position, image, width, height, alt, caption, credit, description, tuple(renditions or ()))

    @classmethod
    def of(cls, figure):
        return cls(figure.position, figure.image.name, figure.width, figure.height, figure.alt_text,
                   figure.caption, figure.credit, figure.long_description, tuple(figure.renditions))  # fmt: skip


FIGURE_DATA_COLUMNS = (
    "position", "image", "width", "height", "alt_text", "caption", "credit", "long_description", "renditions",
)  # fmt: skip


def current_figures_json():
    """Each report's current figures as JSON rows, for Report.objects.with_figures()."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import JSONArray

    figures = (
        Figure.objects.filter(report=OuterRef("pk"), retired_at__isnull=True)
        .order_by()
        .values("report")
        .annotate(rows=JSONGroupArray(JSONArray(*FIGURE_DATA_COLUMNS)))
        .values("rows")
    )
    return Subquery(figures, output_field=models.JSONField())


def figure_refs(report):
    """A report's current figures in order, as FigureData: from the listing's JSON annotation
    when the query has it, else one query."""
    if hasattr(report, "figure_data"):
        return tuple(sorted((FigureData.from_row(row) for row in report.figure_data or []), key=lambda f: f.position))
    if report.pk is None:
        return ()
    return tuple(FigureData.of(figure) for figure in report.figures.current())
