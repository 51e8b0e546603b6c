"""Who may do what with a report's history, each action sent as a direct request.

Writers may read every history and restore what they may edit (drafts and reports in review);
only editors change a live report, restore included. Nobody adds, changes or deletes an audit
event. Anonymous visitors are sent to log in.
"""

from django.test import Client
from django.urls import reverse

from reports.editorial import concurrency
from reports.models import Correction, Report, ReportEvent
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series
from tests.history_helpers import change_url, compare_url, edit, history_url, kept, restore_url, staff_by_role

Status = Report.Status
ROLES = ("anonymous", "writer", "editor", "superuser")
LOGIN = "login"  # a redirect to the admin's login page

# action -> report kind -> expected answer for (writer, editor, superuser)
EXPECTED = {
    "history": {"draft": (200, 200, 200), "live": (200, 200, 200)},
    "compare": {"draft": (200, 200, 200), "live": (200, 200, 200)},
    "restore page": {"draft": (200, 200, 200), "live": (403, 200, 200)},
    "restore": {"draft": (302, 302, 302), "live": (403, 302, 302)},
    "edit": {"draft": (302, 302, 302)},
    "correction": {"live": (403, 302, 302)},
    "audit list": {"draft": (200, 200, 200)},
    "audit detail": {"draft": (200, 200, 200)},
    "audit add": {"draft": (403, 403, 403)},
    "audit change": {"draft": (403, 403, 403)},
    "audit delete page": {"draft": (403, 403, 403)},
    "audit delete": {"draft": (403, 403, 403)},
}


class HistoryRoleMatrixTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = staff_by_role()
        cls.series = make_series()

    def report_with_two_revisions(self, kind):
        """A draft or live report edited once through the admin by an editor."""
        report = make_report(status=Status.DRAFT if kind == "draft" else Status.PUBLISHED, summary="Before.")
        setup = Client()
        setup.force_login(self.users["editor"])
        response = edit(setup, report, summary="After.", **({"correction_note": "Fixed."} if kind == "live" else {}))
        assert response.status_code == 302, response.status_code
        report.refresh_from_db()
        return report

    def form_data(self, report, **changes):
        """The change form's fields, as a direct POST carrying a current edit token."""
        data = {
            "series": report.series_id, "title": report.title, "slug": report.slug,
            "period_start": report.period_start.isoformat(), "period_end": report.period_end.isoformat(),
            "summary": report.summary, "body": report.body, "tags": "", "edit_token": concurrency.token_for(report),
            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",  # the read-only workflow history inline
        }  # fmt: skip
        data.update(changes)
        return data

    def send(self, client, action, report):
        """Send one action as a direct request; return the response and whether it changed something."""
        before = (Report.objects.values().get(pk=report.pk), ReportEvent.objects.count(), Correction.objects.count())
        first = kept(report)[0]
        event = report.events.first()
        token = concurrency.token_for(report)
        note = {"correction_note": "Restored the first wording."}
        requests = {
            "history": lambda: client.get(history_url(report)),
            "compare": lambda: client.get(compare_url(report), {"from": first.id, "to": kept(report)[-1].id}),
            "restore page": lambda: client.get(restore_url(report, first)),
            "restore": lambda: client.post(restore_url(report, first), {"edit_token": token, **note}),
            "edit": lambda: client.post(change_url(report), self.form_data(report, summary="Edited directly.")),
            "correction": lambda: client.post(
                change_url(report), self.form_data(report, summary="Corrected directly.", correction_note="Fixed it.")
            ),
            "audit list": lambda: client.get(reverse("admin:reports_reportevent_changelist")),
            "audit detail": lambda: client.get(reverse("admin:reports_reportevent_change", args=[event.pk])),
            "audit add": lambda: client.post(reverse("admin:reports_reportevent_add"), {"report": report.pk}),
            "audit change": lambda: client.post(
                reverse("admin:reports_reportevent_change", args=[event.pk]), {"note": "Rewritten."}
            ),
            "audit delete page": lambda: client.get(reverse("admin:reports_reportevent_delete", args=[event.pk])),
            "audit delete": lambda: client.post(
                reverse("admin:reports_reportevent_delete", args=[event.pk]), {"post": "yes"}
            ),
        }
        response = requests[action]()
        after = (Report.objects.values().get(pk=report.pk), ReportEvent.objects.count(), Correction.objects.count())
        return response, before != after

    def test_every_history_action_for_every_role(self):
        for action, kinds in EXPECTED.items():
            for kind, answers in kinds.items():
                for role in ROLES:
                    with self.subTest(action=action, report=kind, role=role):
                        report = self.report_with_two_revisions(kind)
                        client = Client()
                        if role != "anonymous":
                            client.force_login(self.users[role])
                        response, changed = self.send(client, action, report)
                        expected = LOGIN if role == "anonymous" else answers[ROLES.index(role) - 1]
                        if expected == LOGIN:
                            self.assertEqual(response.status_code, 302)
                            self.assertIn("/admin/login/", response["Location"])
                        else:
                            self.assertEqual(response.status_code, expected)
                        # Only an allowed POST changes anything; a refused one leaves no trace.
                        self.assertEqual(changed, expected == 302)
