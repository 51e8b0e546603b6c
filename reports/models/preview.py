"""Preview links: secret, expiring addresses of unpublished reports."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from reports.models.report import AUDIT_USER, Report

PREVIEW_EXPIRY_MESSAGE = "A preview link must expire after it is created."
PREVIEW_REVOKED_MESSAGE = "A preview link cannot be revoked before it is created."


def new_preview_token():
    # 32 random bytes: unguessable, and safe in a URL path.
    return secrets.token_urlsafe(32)


class PreviewLink(models.Model):
    """A secret address at which anyone may read one unpublished report, until it expires or is revoked.

    reports.editorial.actions.previews creates and revokes them; reports.editorial.permissions
    decides who may. The longest lifetime is a
    rule of clean() only: a CHECK comparing two timestamps plus an interval cannot be written
    portably for SQLite.
    """

    DEFAULT_LIFETIME = datetime.timedelta(days=7)
    MAX_LIFETIME = datetime.timedelta(days=30)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="preview_links")
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)
    expires_at = models.DateTimeField("expires at")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", **AUDIT_USER)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="previewlink_expires_after_creation",
                violation_error_message=PREVIEW_EXPIRY_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="previewlink_revoked_after_creation",
                violation_error_message=PREVIEW_REVOKED_MESSAGE,
            ),
            models.CheckConstraint(condition=~Q(token=""), name="previewlink_token_not_empty"),
        ]

    def __str__(self):
        return f"Preview link for “{self.report}”"

    def get_absolute_url(self):
        return reverse("reports:preview", kwargs={"token": self.token})

    def clean(self):
        if self.expires_at is None:
            return
        if self.expires_at <= self.created_at:
            raise ValidationError({"expires_at": PREVIEW_EXPIRY_MESSAGE})
        if self.expires_at - self.created_at > self.MAX_LIFETIME:
            raise ValidationError({"expires_at": f"A preview link may last {self.MAX_LIFETIME.days} days at most."})

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_active(self):
        return not (self.is_revoked or self.is_expired)

    @property
    def state(self):
        return "revoked" if self.is_revoked else "expired" if self.is_expired else "active"
