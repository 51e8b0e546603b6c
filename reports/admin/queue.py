"""The review queue as a desk: each report previewed, compared with its live version, and
published or sent back with a note from its row.

The row's buttons are plain POST forms (CSRF-protected, no JavaScript needed) that call the
same workflow actions, through the same admin buttons (reports.admin.transitions), as the
change form; the workflow checks the user and the report's state itself. A refusal shows the
queue again with the reason at the row, the note as typed, and a 4xx status.

Beside it, the desk's list of translations to update: those whose original was corrected after
they were made (reports.editorial.desk.translations_to_update).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from reports.admin import transitions
from reports.editorial import desk, permissions
from reports.editorial.actions import workflow

QUEUE_BUTTONS = ("publish", "request_changes")
CHANGED = _("%(who)s changed this report after you opened the queue: look at it again, then decide.")


class ReviewQueueMixin:
    """Mixed into ReportAdmin: the queue page and its row actions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review-queue/", view(self.review_queue_view), name="reports_report_review_queue"),
            path(
                "review-queue/<path:object_id>/compare/",
                view(self.review_queue_compare_view),
                name="reports_report_review_queue_compare",
            ),
            path(
                "review-queue/<path:object_id>/act/",
                view(require_POST(self.review_queue_act_view)),
                name="reports_report_review_queue_act",
            ),
            *super().get_urls(),
        ]

    def queue_rows(self, reports):
        # No query a row: what the editor saw is its last change; the comparison is worked out on click.
        for report in reports:
            report.seen = report.updated_at.isoformat()
            report.ever_published = report.first_published_at is not None
        return reports

    def review_queue_page(self, request, *, status=200, row_error=None):
        if not permissions.is_editor(request.user):
            raise PermissionDenied(gettext("Only editors see the review queue."))
        reports = self.queue_rows(desk.with_people(desk.review_queue(), submitted_by="submitted_by_id"))
        if row_error:  # a report no longer in the queue has no row to show its error at
            row_error["elsewhere"] = all(report.pk != row_error["pk"] for report in reports)
        response = self.desk_page(
            request, "admin/reports/report/review_queue.html", gettext("Review queue"),
            reports=reports, now=timezone.now(), row_error=row_error or {},
        )  # fmt: skip
        response.status_code = status
        return response

    def review_queue_view(self, request):
        return self.review_queue_page(request)

    def review_queue_compare_view(self, request, object_id):
        """The report's current revision against the one readers were last given."""
        report = self.get_object(request, object_id)
        if report is None or not self.has_view_permission(request, report):
            raise Http404(gettext("There is no such report."))
        comparison = self.published_comparison(report)
        if comparison is None:
            same = gettext("“%(report)s” is the same as the version readers were last given.")
            self.message_user(request, same % {"report": report})
            return redirect(self.url("history", report))
        return redirect(self.compare_url(report, *comparison))

    def review_queue_act_view(self, request, object_id):
        if not permissions.is_editor(request.user):
            raise PermissionDenied(gettext("Only editors act from the review queue."))
        name = request.POST.get("_transition", "")
        note = request.POST.get("workflow_note", "")
        report = self.get_object(request, object_id)
        if report is None:
            self.message_user(request, gettext("That report no longer exists."), messages.ERROR)
            return self.review_queue_page(request, status=404)
        error = {"pk": report.pk, "title": report.title, "note": note, "field": None}
        if name not in QUEUE_BUTTONS:
            error["message"] = gettext("“%(name)s” cannot be done from the review queue.") % {"name": name}
            return self.review_queue_page(request, status=400, row_error=error)
        if not permissions.may_change(request.user, report):
            raise PermissionDenied(gettext("You may not change this report."))
        if request.POST.get("seen") != report.updated_at.isoformat():
            error["message"] = CHANGED % {"who": report.updated_by or gettext("Someone")}
            return self.review_queue_page(request, status=409, row_error=error)
        try:
            event = transitions.apply(name, report, request.user, note=note)
        except workflow.TransitionRefused as refused:
            error |= {"message": str(refused), "field": refused.field}
            status = 400 if refused.field else 409  # bad input, or the report moved on
            return self.review_queue_page(request, status=status, row_error=error)
        done = {"action": event.get_action_display(), "report": report}
        self.message_user(request, gettext("%(action)s: “%(report)s”.") % done, messages.SUCCESS)
        return redirect(reverse("admin:reports_report_review_queue"))


class TranslationDeskMixin:
    """Mixed into ReportAdmin: /admin/reports/report/translations-to-update/."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.translations_to_update_view)
        name = "reports_report_translations_to_update"
        return [path("translations-to-update/", view, name=name), *super().get_urls()]

    def translations_to_update_view(self, request):
        if not permissions.is_writer(request.user):
            raise PermissionDenied(gettext("Only writers and editors update translations."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Translations to update"),
            "reports": list(desk.translations_to_update()),
        }
        return TemplateResponse(request, "admin/reports/report/translations_to_update.html", context)
