"""What a tag merge did."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from reports.models.report import AUDIT_USER


class TagMerge(models.Model):
    """What a tag merge did: which reports carried the merged tag, so that nothing goes without trace.

    Written by reports.editorial.tags.merge_tags only.
    """

    source_name = models.CharField(max_length=100)
    source_slug = models.SlugField(max_length=100, allow_unicode=True)
    target = models.ForeignKey("taggit.Tag", null=True, on_delete=models.SET_NULL, related_name="merges_in")
    target_name = models.CharField(max_length=100)
    # Reports that carried the source tag, and those among them that already had the target.
    report_ids = models.JSONField(default=list, blank=True)
    already_tagged_ids = models.JSONField(default=list, blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)
    merged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_name=F("target_name")),
                name="tagmerge_source_is_not_target",
                violation_error_message="A tag cannot be merged into itself.",
            ),
        ]

    def __str__(self):
        return f"“{self.source_name}” merged into “{self.target_name}”"
