"""The audit trail: every transition and every edit, recorded and shown read-only."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse

from reports import workflow
from reports.models import Report, ReportEvent

from .helpers import make_report, make_series, make_user

Status = Report.Status
Action = ReportEvent.Action


def event_url(name, *args):
    return reverse(f"admin:reports_reportevent_{name}", args=args)


class AuditTrailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.series = make_series()

    def test_an_edit_event_cannot_change_the_status_even_in_the_database(self):
        report = make_report(status=Status.DRAFT)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReportEvent.objects.create(report=report, action=Action.EDIT, from_status="draft", to_status="published")


class AuditAdminTests(TestCase):
    """The audit trail's own admin pages: list and detail for reading, nothing else for anyone."""

    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "writer": make_user("writer"),
            "editor": make_user("editor"),
            "superuser": get_user_model().objects.create_superuser("root", password="pw-root"),
        }
        make_series()
        cls.report = make_report(status=Status.REVIEW, title="Report under audit")
        cls.event = workflow.request_changes(cls.report, by=cls.users["editor"], note="Original note.")

    def test_staff_can_read_the_list_and_each_event(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.client.force_login(user)
                listing = self.client.get(event_url("changelist"))
                self.assertContains(listing, "Report under audit")
                self.assertContains(listing, "Changes requested")
                self.assertContains(listing, "In review → Draft")
                self.assertNotContains(listing, 'name="action"')  # no bulk actions, no delete
                detail = self.client.get(event_url("change", self.event.pk))
                self.assertContains(detail, "Original note.")
                self.assertNotContains(detail, "<textarea")
                self.assertNotContains(detail, 'name="_save"')
                self.assertNotContains(detail, event_url("delete", self.event.pk))

    def test_nobody_can_add_change_or_delete_an_event_even_by_a_direct_post(self):
        for role, user in self.users.items():
            self.client.force_login(user)
            requests = {
                "add page": lambda: self.client.get(event_url("add")),
                "add": lambda: self.client.post(event_url("add"), {"report": self.report.pk, "action": "publish"}),
                "change": lambda: self.client.post(event_url("change", self.event.pk), {"note": "Rewritten."}),
                "delete page": lambda: self.client.get(event_url("delete", self.event.pk)),
                "delete": lambda: self.client.post(event_url("delete", self.event.pk), {"post": "yes"}),
            }
            for name, request in requests.items():
                with self.subTest(role=role, request=name):
                    self.assertEqual(request().status_code, 403)
            with self.subTest(role=role, request="bulk delete"):
                self.client.post(
                    event_url("changelist"),
                    {"action": "delete_selected", "_selected_action": [self.event.pk], "post": "yes"},
                )
        self.event.refresh_from_db()
        self.assertEqual(self.event.note, "Original note.")
        self.assertEqual(ReportEvent.objects.count(), 1)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        for url in (event_url("changelist"), event_url("change", self.event.pk), event_url("delete", self.event.pk)):
            with self.subTest(url):
                response = self.client.post(url, {"note": "x"})
                self.assertEqual(response.status_code, 302)
                self.assertIn("/admin/login/", response["Location"])
        self.assertEqual(ReportEvent.objects.get().note, "Original note.")

    def test_a_report_with_an_audit_trail_cannot_be_deleted_through_the_admin(self):
        self.client.force_login(self.users["editor"])
        url = reverse("admin:reports_report_delete", args=[self.report.pk])
        page = self.client.get(url)
        self.assertContains(page, "audit event")
        self.assertEqual(self.client.post(url, {"post": "yes"}).status_code, 403)
        self.assertTrue(Report.objects.filter(pk=self.report.pk).exists())
        self.assertEqual(ReportEvent.objects.count(), 1)
