"""Public correction notes."""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.aggregates import json_moment, json_rows

CORRECTION_NOTE_MESSAGE = "Say what was corrected: the correction note is required."


class Correction(models.Model):
    """A public note on a change made to a report while readers could see it."""

    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="corrections")
    note = models.CharField(
        _("note"), max_length=300, help_text=_("Public, e.g. “Corrected the date of the Ghaani meeting.”")
    )
    created_at = models.DateTimeField(default=timezone.now)
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]  # as the report page lists them: oldest first
        constraints = [
            models.CheckConstraint(
                condition=GreaterThan(Length(Trim("note")), 0),
                name="correction_note_not_blank",
                violation_error_message=CORRECTION_NOTE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.note

    def clean(self):
        if not self.note.strip():
            raise ValidationError({"note": CORRECTION_NOTE_MESSAGE})


class CorrectionNote(NamedTuple):
    """A correction as pages and feeds print it."""

    created_at: datetime.datetime
    note: str


def corrections_json():
    """Each report's correction notes in the same query, as JSON [id, created_at, note] rows:
    annotate as `correction_data`, read back by correction_notes()."""
    return json_rows(Correction, "report", "pk", "created_at", "note")


def correction_notes(report):
    """A report's CorrectionNotes, oldest first: from its `correction_data` annotation when the
    query has one (no query of its own), otherwise its corrections."""
    if hasattr(report, "correction_data"):
        rows = sorted((json_moment(at), pk, note) for pk, at, note in report.correction_data or [])
        return [CorrectionNote(at, note) for at, _, note in rows]
    return [CorrectionNote(c.created_at, c.note) for c in report.corrections.all()]
