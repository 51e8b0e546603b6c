"""What the public site looks like now, as one row."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class PublicationState(models.Model):
    """One row: what the public site looks like, as a generation number.

    Every change a reader could see (a transition, an edit to a published report, a renamed
    series or tag) bumps `generation` in the same transaction; cached public pages are keyed
    by it. `next_scheduled_at` is the next moment a scheduled report goes live, when the
    public site changes with nobody acting.
    """

    generation = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)
    next_scheduled_at = models.DateTimeField(null=True, blank=True)
    # The tags and series readers can see, as reports.caching.vocabulary computes them.
    vocabulary = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="publicationstate_single_row")]

    def __str__(self):
        return f"generation {self.generation} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
