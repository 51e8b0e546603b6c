"""The desk's list of translations to update: those whose original was corrected after they
were made (reports.editorial.desk.translations_to_update)."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from reports.editorial import desk, permissions


class TranslationDeskMixin:
    """Mixed into ReportAdmin: /admin/reports/report/translations-to-update/."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.translations_to_update_view)
        name = "reports_report_translations_to_update"
        return [path("translations-to-update/", view, name=name), *super().get_urls()]

    def translations_to_update_view(self, request):
        if not permissions.is_writer(request.user):
            raise PermissionDenied("Only writers and editors update translations.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Translations to update",
            "reports": list(desk.translations_to_update()),
        }
        return TemplateResponse(request, "admin/reports/report/translations_to_update.html", context)
