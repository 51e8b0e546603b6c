"""The editorial desk in the report admin: the review queue and reports returned to writers.

ReportAdmin takes these in as a mixin; every view here is an admin view (staff only,
CSRF-protected) and checks its own permission.
"""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from . import desk

PUBLISH_PERMISSION = "reports.publish_report"


class ReportDeskAdminMixin:
    """Mixed into ReportAdmin: the desk's pages."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review-queue/", view(self.review_queue_view), name="reports_report_review_queue"),
            path("returned/", view(self.returned_view), name="reports_report_returned"),
            *super().get_urls(),
        ]

    # Pages ---------------------------------------------------------------------------------

    def desk_page(self, request, template, title, **context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, template, context)

    def review_queue_view(self, request):
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied("Only editors see the review queue.")
        reports = desk.with_people(desk.review_queue(), submitted_by="submitted_by_id")
        return self.desk_page(
            request, "admin/reports/report/review_queue.html", "Review queue", reports=reports, now=timezone.now()
        )

    def returned_view(self, request):
        if not request.user.has_perm("reports.change_report"):
            raise PermissionDenied("Only writers and editors have reports returned to them.")
        reports = desk.with_people(desk.returned_to(request.user), returned_by="returned_by_id")
        return self.desk_page(request, "admin/reports/report/returned.html", "Returned to you", reports=reports)
