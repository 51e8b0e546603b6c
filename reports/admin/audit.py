"""The audit trail in the admin: a list and a page per event, and the workflow history inline on a
report's change form; read-only for everyone."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.editorial import permissions
from reports.editorial.audit import changed_fields_display
from reports.models import ReportEvent


class ReportEventAdmin(admin.ModelAdmin):
    """No one adds, changes or deletes an event here, superusers included."""

    list_display = ("created_at", "report", "action", "transition", "actor", "fields_changed", "note")
    list_filter = ("action",)
    list_select_related = ("report", "actor")
    search_fields = ("report__title", "note", "actor__username")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "report_link",
        "action",
        "from_status",
        "to_status",
        "fields_changed",
        "publish_at",
        "actor",
        "note",
    )
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return permissions.may_view(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def transition(self, event):
        if event.from_status == event.to_status:
            return event.get_to_status_display()
        return f"{event.get_from_status_display()} → {event.get_to_status_display()}"

    @admin.display(description=_("fields changed"))
    def fields_changed(self, event):
        return changed_fields_display(event) or "—"

    @admin.display(description=pgettext_lazy("column", "report"))
    def report_link(self, event):
        url = reverse("admin:reports_report_change", args=[event.report_id])
        return format_html('<a href="{}">{}</a>', url, event.report)


class ReportEventInline(admin.TabularInline):
    """Who moved the report through the workflow, and when: read-only for everyone."""

    model = ReportEvent
    verbose_name = _("workflow event")
    verbose_name_plural = _("workflow history")
    fields = readonly_fields = (
        "created_at", "actor", "action", "from_status", "to_status", "fields_changed", "publish_at", "note"
    )  # fmt: skip
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.may_view(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")  # one query however long the history

    @admin.display(description=_("fields changed"))
    def fields_changed(self, event):
        return changed_fields_display(event)
