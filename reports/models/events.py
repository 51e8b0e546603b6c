"""The audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models.report import Report


class ReportEvent(models.Model):
    """The audit trail: one row per workflow transition (written by reports.editorial.actions.workflow) and per
    edit (written by reports.editorial.audit from the admin's save path). Nobody edits or deletes it."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Submitted for review"
        PUBLISH = "publish", "Published"
        SCHEDULE = "schedule", "Scheduled"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        UNPUBLISH = "unpublish", "Unpublished"
        IMPORT = "import", "Imported"
        CREATE = "create", "Created"
        EDIT = "edit", "Edited"
        CORRECT = "correct", "Corrected"
        RESTORE = "restore", "Restored a revision"

    # Edits change the content, never the status.
    EDIT_ACTIONS = (Action.CREATE, Action.EDIT, Action.CORRECT, Action.RESTORE)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=10, choices=Report.Status.choices)
    to_status = models.CharField(max_length=10, choices=Report.Status.choices)
    note = models.TextField(blank=True)
    changed_fields = models.JSONField(
        default=list, blank=True, help_text=_("For edits: the names of the fields that changed.")
    )
    publish_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__in=["create", "edit", "correct", "restore"]) | Q(from_status=F("to_status")),
                name="reportevent_edit_keeps_status",
                violation_error_message="An edit cannot change the report's status.",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor or 'unknown'}"
