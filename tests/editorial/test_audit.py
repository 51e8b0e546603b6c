"""The audit trail: every transition and every edit, recorded and shown read-only."""

from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.editorial.actions import workflow
from reports.models import Report, ReportEvent
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user, submit
from tests.history_helpers import add_url, change_url, edit, kept, restore, staff_by_role

Status = Report.Status
Action = ReportEvent.Action


def event_url(name, *args):
    return reverse(f"admin:reports_reportevent_{name}", args=args)


class AuditTrailTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.series = make_series()

    def test_every_transition_and_every_edit_is_recorded_with_who_states_fields_and_note(self):
        writer, editor = self.client, self.client_class()
        writer.force_login(self.writer)
        editor.force_login(self.editor)
        submit(
            writer, add_url(), series=str(self.series.pk), title="Audited", slug="audited",
            period_start="2020-08-01", period_end="2020-08-07", summary="First.", tags="Iran",
        )  # fmt: skip
        report = Report.objects.get(slug="audited")
        edit(writer, report, summary="Second.", tags="Iran, Iraq", revision_message="Add Iraq")
        edit(writer, report, button=("_transition", "submit_for_review"))
        edit(editor, report, button=("_transition", "request_changes"), workflow_note="Shorter.")
        edit(writer, report, button=("_transition", "submit_for_review"), body="A body.")
        edit(editor, report, button=("_transition", "publish"))
        edit(editor, report, title="Audited (corrected)", correction_note="Corrected the title.")
        restore(editor, report, kept(report)[-2], correction_note="Restored the title.")
        edit(editor, report, button=("_transition", "unpublish"), workflow_note="Withdrawn.")
        created = ["series", "title", "slug", "period_start", "period_end", "summary", "tags"]  # all but the empty body
        expected = [
            (Action.CREATE, self.writer, "draft", "draft", created, ""),
            (Action.EDIT, self.writer, "draft", "draft", ["summary", "tags"], "Add Iraq"),
            (Action.SUBMIT, self.writer, "draft", "review", [], ""),
            (Action.REQUEST_CHANGES, self.editor, "review", "draft", [], "Shorter."),
            (Action.EDIT, self.writer, "draft", "draft", ["body"], ""),
            (Action.SUBMIT, self.writer, "draft", "review", [], ""),
            (Action.PUBLISH, self.editor, "review", "published", [], ""),
            (Action.CORRECT, self.editor, "published", "published", ["title"], "Corrected the title."),
            (Action.RESTORE, self.editor, "published", "published", ["title"], "Restored the title."),
            (Action.UNPUBLISH, self.editor, "published", "draft", [], "Withdrawn."),
        ]  # fmt: skip
        recorded = [
            (e.action, e.actor, e.from_status, e.to_status, e.changed_fields, e.note)
            for e in report.events.order_by("created_at", "pk")
        ]
        self.assertEqual(recorded, expected)

    def test_the_writer_still_sees_the_change_request_after_editing(self):
        report = make_report(status=Status.REVIEW)
        workflow.request_changes(report, by=self.editor, note="Cite the source.")
        self.client.force_login(self.writer)
        edit(self.client, report, summary="Work in progress.")
        self.assertContains(self.client.get(change_url(report)), "Cite the source.")

    def test_the_workflow_history_on_the_report_shows_edits_read_only(self):
        report = make_report(status=Status.DRAFT)
        self.client.force_login(self.writer)
        edit(self.client, report, summary="Edited.", body="Body.")
        page = self.client.get(change_url(report))
        self.assertContains(page, "Workflow history")
        self.assertContains(page, "Summary, Body")
        self.assertNotContains(page, 'name="events-0-note"')

    def test_an_edit_event_cannot_change_the_status_even_in_the_database(self):
        report = make_report(status=Status.DRAFT)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReportEvent.objects.create(report=report, action=Action.EDIT, from_status="draft", to_status="published")


class AuditAdminTests(SitrepTestCase):
    """The audit trail's own admin pages: list and detail for reading, nothing else for anyone."""

    @classmethod
    def setUpTestData(cls):
        cls.users = staff_by_role()
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
