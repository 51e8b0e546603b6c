"""Public correction notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
