"""The audit trail in the admin: a list and a page per event, read-only for everyone."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from reports.editorial import permissions
from reports.editorial.audit import changed_fields_display


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

    @admin.display(description="status")
    def transition(self, event):
        if event.from_status == event.to_status:
            return event.get_to_status_display()
        return f"{event.get_from_status_display()} → {event.get_to_status_display()}"

    @admin.display(description="fields changed")
    def fields_changed(self, event):
        return changed_fields_display(event) or "—"

    @admin.display(description="report")
    def report_link(self, event):
        url = reverse("admin:reports_report_change", args=[event.report_id])
        return format_html('<a href="{}">{}</a>', url, event.report)
