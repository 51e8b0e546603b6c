"""The editorial desk in the report admin: review queue, returned drafts and preview links.

ReportAdmin takes these in as a mixin; every view here is an admin view (staff only,
CSRF-protected) and checks its own permission.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import desk, previews
from .models import PreviewLink, Report

PUBLISH_PERMISSION = "reports.publish_report"


def _local_input(moment):
    """A moment as <input type="datetime-local"> shows it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class ReportDeskAdminMixin:
    """Mixed into ReportAdmin: the desk's pages, preview-link actions and change-form additions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review-queue/", view(self.review_queue_view), name="reports_report_review_queue"),
            path("returned/", view(self.returned_view), name="reports_report_returned"),
            path(
                "<path:object_id>/preview-links/",
                view(require_POST(self.create_preview_link_view)),
                name="reports_report_preview_link_create",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(require_POST(self.revoke_preview_link_view)),
                name="reports_report_preview_link_revoke",
            ),
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

    # Preview links -------------------------------------------------------------------------

    def _report_or_redirect(self, request, object_id):
        report = self.get_object(request, object_id)
        if report is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return report, None

    def _back_to(self, report):
        return redirect(reverse("admin:reports_report_change", args=[report.pk]) + "#preview-links")

    def create_preview_link_view(self, request, object_id):
        report, missing = self._report_or_redirect(request, object_id)
        if missing:
            return missing
        if not previews.may_share(report, request.user):
            raise PermissionDenied("Only editors and the report’s writer can share its preview links.")
        try:
            expires_at = previews.parse_expiry(request.POST.get("expires_at"))
            link = previews.create_link(report, by=request.user, expires_at=expires_at)
        except (ValueError, previews.PreviewRefused) as refused:
            self.message_user(request, f"No preview link was created: {refused}", messages.ERROR)
        except ValidationError as invalid:
            self.message_user(request, f"No preview link was created: {' '.join(invalid.messages)}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"Preview link created, valid until {timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}: "
                f"{request.build_absolute_uri(link.get_absolute_url())}",
                messages.SUCCESS,
            )
        return self._back_to(report)

    def revoke_preview_link_view(self, request, object_id, link_id):
        report, missing = self._report_or_redirect(request, object_id)
        if missing:
            return missing
        if not previews.may_share(report, request.user):
            raise PermissionDenied("Only editors and the report’s writer can revoke its preview links.")
        link = PreviewLink.objects.filter(report=report, pk=link_id).first()
        if link is None:
            self.message_user(request, "That preview link does not exist.", messages.ERROR)
            return self._back_to(report)
        try:
            previews.revoke_link(link, by=request.user)
        except previews.PreviewRefused as refused:
            self.message_user(request, str(refused), messages.WARNING)
        else:
            self.message_user(request, "Preview link revoked: it no longer shows the report.", messages.SUCCESS)
        return self._back_to(report)

    # The change form -----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        report = obj or Report()
        if report.pk:
            context["preview_links"] = previews.links_for(report)
            context["can_revoke_preview"] = previews.may_share(report, request.user)
            context["can_share_preview"] = context["can_revoke_preview"] and not report.is_public
            context["preview_expiry_default"] = _local_input(previews.default_expiry())
            context["preview_expiry_max"] = _local_input(timezone.now() + PreviewLink.MAX_LIFETIME)
        return super().render_change_form(request, context, add, change, form_url, obj)
