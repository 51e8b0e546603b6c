import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.editorial import permissions
from reports.editorial.actions import importing, workflow
from reports.models import Report, ReportEvent
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user, submit

Status = Report.Status


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


class RolesTestCase(SitrepTestCase):
    """A writer, an editor and a series, shared by the tests below."""

    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.series = make_series()


class WorkflowFunctionTests(RolesTestCase):
    """reports.editorial.actions.workflow on its own: every transition from every state, for each role."""

    def report_in(self, state):
        future = timezone.now() + datetime.timedelta(days=3)
        if state == "scheduled":
            return make_report(status=Status.PUBLISHED, published_at=future)
        return make_report(status=state)

    # (transition, state) -> allowed for an editor; writers may only submit drafts.
    EXPECTED = {
        ("submit_for_review", "draft"): True,
        ("submit_for_review", "review"): False,
        ("submit_for_review", "published"): False,
        ("submit_for_review", "scheduled"): False,
        ("publish", "draft"): True,
        ("publish", "review"): True,
        ("publish", "published"): False,
        ("publish", "scheduled"): True,
        ("request_changes", "draft"): False,
        ("request_changes", "review"): True,
        ("request_changes", "published"): False,
        ("request_changes", "scheduled"): False,
        ("unpublish", "draft"): False,
        ("unpublish", "review"): False,
        ("unpublish", "published"): True,
        ("unpublish", "scheduled"): True,
    }

    def run_transition(self, name, report, user):
        kwargs = {"note": "Fix the dates."} if name == "request_changes" else {}
        getattr(workflow, name)(report, by=user, **kwargs)

    def test_every_transition_from_every_state_for_each_role(self):
        for role in ("writer", "editor"):
            user = getattr(self, role)
            for (name, state), editor_may in self.EXPECTED.items():
                allowed = editor_may and (role == "editor" or name == "submit_for_review")
                with self.subTest(role=role, transition=name, state=state):
                    report = self.report_in(state)
                    before = Report.objects.values().get(pk=report.pk)
                    events_before = report.events.count()
                    if allowed:
                        self.run_transition(name, report, user)
                        event = report.events.get()
                        self.assertEqual((event.actor, event.from_status), (user, before["status"]))
                        self.assertEqual(Report.objects.get(pk=report.pk).status, event.to_status)
                    else:
                        with self.assertRaises(workflow.TransitionRefused) as refused:
                            self.run_transition(name, report, user)
                        self.assertTrue(str(refused.exception))
                        self.assertEqual(Report.objects.values().get(pk=report.pk), before)
                        self.assertEqual(report.events.count(), events_before)

    def test_publish_now_stamps_both_dates(self):
        report = make_report(status=Status.REVIEW)
        workflow.publish(report, by=self.editor)
        report.refresh_from_db()
        self.assertTrue(report.is_public)
        self.assertEqual(report.published_at, report.first_published_at)
        self.assertIn(report, Report.objects.published())

    def test_scheduled_report_is_hidden_until_its_time(self):
        report = make_report(status=Status.DRAFT)
        at = timezone.now() + datetime.timedelta(hours=2)
        event = workflow.publish(report, by=self.editor, at=at)
        self.assertEqual(event.action, ReportEvent.Action.SCHEDULE)
        self.assertTrue(report.is_scheduled)
        self.assertEqual(report.status_label, "Scheduled")
        self.assertNotIn(report, Report.objects.published())
        Report.objects.filter(pk=report.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assertIn(report, Report.objects.published())

    def test_publish_in_the_past_is_refused(self):
        report = make_report(status=Status.DRAFT)
        with self.assertRaises(workflow.TransitionRefused):
            workflow.publish(report, by=self.editor, at=timezone.now() - datetime.timedelta(minutes=1))
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.DRAFT)

    def test_republishing_keeps_the_first_publication_date(self):
        report = make_report(status=Status.PUBLISHED)
        first = report.first_published_at
        workflow.unpublish(report, by=self.editor)
        workflow.publish(report, by=self.editor)
        report.refresh_from_db()
        self.assertEqual(report.first_published_at, first)
        self.assertGreater(report.published_at, first)

    def test_unpublishing_a_schedule_forgets_its_publication_date(self):
        report = make_report(status=Status.DRAFT)
        workflow.publish(report, by=self.editor, at=timezone.now() + datetime.timedelta(days=1))
        workflow.unpublish(report, by=self.editor)
        report.refresh_from_db()
        self.assertIsNone(report.first_published_at)
        self.assertIsNone(report.published_at)

    def test_request_changes_needs_a_note(self):
        report = make_report(status=Status.REVIEW)
        with self.assertRaisesMessage(workflow.TransitionRefused, "note is required"):
            workflow.request_changes(report, by=self.editor, note="  ")
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.REVIEW)

    def test_transition_checks_the_stored_state_not_a_stale_object(self):
        report = make_report(status=Status.REVIEW)
        stale = Report.objects.get(pk=report.pk)
        workflow.publish(report, by=self.editor)
        with self.assertRaises(workflow.TransitionRefused):
            workflow.request_changes(stale, by=self.editor, note="Too late")
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.PUBLISHED)

    def test_a_user_without_any_group_can_do_nothing(self):
        nobody = get_user_model().objects.create_user("nobody", is_staff=True)
        report = make_report(status=Status.DRAFT)
        for name in workflow.TRANSITIONS:
            with self.subTest(name):
                self.assertIsNotNone(workflow.refusal(name, report, nobody))


class CreateImportedTests(RolesTestCase):
    """importing.create_imported: the one way an import gives its new reports their state."""

    def unsaved(self, count):
        return [
            Report(
                series=self.series,
                title=f"Imported {number}",
                slug=f"imported-{number}",
                period_start=datetime.date(2020, 1, 1 + number),
                period_end=datetime.date(2020, 1, 1 + number),
                summary="Imported.",
            )
            for number in range(count)
        ]

    def test_reports_are_created_in_their_state_with_one_import_event_each_in_bulk(self):
        moment = timezone.now() - datetime.timedelta(days=400)
        published = workflow.ImportedState(Status.PUBLISHED, published_at=moment)
        was_published = workflow.ImportedState(Status.DRAFT, first_published_at=moment)
        self.editor.has_perm(permissions.PUBLISH)  # the permissions are cached from here on
        reports = self.unsaved(30)
        with CaptureQueriesContext(connection) as for_two:
            importing.create_imported([(reports[0], published), (reports[1], was_published)], by=self.editor)
        states = [published] * 27 + [workflow.ImportedState()]
        with CaptureQueriesContext(connection) as for_many:
            events = importing.create_imported(
                zip(reports[2:], states, strict=True), by=self.editor, note="From old.txt"
            )
        self.assertEqual(len(for_many), len(for_two))  # two inserts: not a query per report
        self.assertEqual(Report.objects.published().count(), 28)
        report = Report.objects.get(slug="imported-2")
        self.assertEqual((report.published_at, report.first_published_at), (moment, moment))
        once = Report.objects.get(slug="imported-1")
        self.assertEqual((once.status, once.published_at, once.first_published_at), (Status.DRAFT, None, moment))
        self.assertEqual(len(events), 28)
        self.assertEqual(
            set(ReportEvent.objects.filter(note="From old.txt").values_list("action", "from_status", "to_status")),
            {("import", "draft", "published"), ("import", "draft", "draft")},
        )
        self.assertEqual(set(ReportEvent.objects.values_list("actor", flat=True)), {self.editor.pk})

    def test_a_report_that_exists_is_refused_and_nothing_is_written(self):
        existing = make_report(status=Status.DRAFT)
        new = self.unsaved(1)[0]
        with self.assertRaisesMessage(workflow.TransitionRefused, "already exists: an import cannot change"):
            importing.create_imported([(new, workflow.ImportedState()), (existing, workflow.ImportedState())])
        self.assertEqual(list(Report.objects.all()), [existing])
        self.assertFalse(ReportEvent.objects.exists())

    def test_an_import_needs_the_permission_the_matching_button_needs(self):
        published = workflow.ImportedState(Status.PUBLISHED, published_at=timezone.now())
        cases = [
            ("writer", workflow.ImportedState(), True),
            ("writer", workflow.ImportedState(Status.REVIEW), True),
            ("writer", published, False),
            ("editor", published, True),
        ]
        for number, (role, state, allowed) in enumerate(cases):
            with self.subTest(role=role, status=state.status):
                report = self.unsaved(number + 1)[number]
                if allowed:
                    importing.create_imported([(report, state)], by=getattr(self, role))
                    self.assertEqual(Report.objects.get(slug=report.slug).status, state.status)
                else:
                    with self.assertRaisesMessage(workflow.TransitionRefused, "do not have permission"):
                        importing.create_imported([(report, state)], by=getattr(self, role))
                    self.assertFalse(Report.objects.filter(slug=report.slug).exists())

    def test_a_state_the_workflow_cannot_reach_is_refused(self):
        cases = [
            (workflow.ImportedState("live"), "“live” is not a status (draft, review, published)"),
            (workflow.ImportedState(Status.PUBLISHED), "a published report needs its publication date"),
            (
                workflow.ImportedState(Status.REVIEW, published_at=timezone.now()),
                "only a published report has a publication date",
            ),
        ]
        for state, reason in cases:
            with self.subTest(reason):
                self.assertEqual(workflow.imported_state_refusal(state), reason)
                with self.assertRaisesMessage(workflow.TransitionRefused, reason):
                    importing.create_imported([(self.unsaved(1)[0], state)])
        self.assertFalse(Report.objects.exists())


class AdminWorkflowTests(RolesTestCase):
    """The same rules, driven through the admin's buttons and through forged requests."""

    def login(self, role):
        self.client.force_login(getattr(self, role))

    def test_groups_exist_after_migrate_and_publish_permission_separates_them(self):
        self.assertFalse(self.writer.has_perm("reports.publish_report"))
        self.assertTrue(self.editor.has_perm("reports.publish_report"))
        for role in ("writer", "editor"):
            with self.subTest(role=role):
                self.assertTrue(getattr(self, role).has_perm("reports.change_report"))

    def test_writer_writes_a_draft_and_submits_it_for_review(self):
        self.login("writer")
        add_url = reverse("admin:reports_report_add")
        page = self.client.get(add_url)
        self.assertContains(page, "Submit for review")
        self.assertNotContains(page, ">Publish<")
        response = submit(
            self.client,
            add_url,
            button=("_transition", "submit_for_review"),
            series=str(self.series.pk),
            title="Iraq Situation Report: July 1-7, 2020",
            slug="iraq-july-1-7-2020",
            period_start="2020-07-01",
            period_end="2020-07-07",
            summary="Kata’ib Hezbollah retaliates.",
            body="Some *markdown*.",
            tags="Kata’ib Hezbollah, Baghdad",
        )
        self.assertRedirects(response, reverse("admin:reports_report_changelist"))
        report = Report.objects.get(slug="iraq-july-1-7-2020")
        self.assertEqual(report.status, Status.REVIEW)
        self.assertEqual((report.created_by, report.updated_by), (self.writer, self.writer))
        self.assertEqual(sorted(report.tags.names()), ["Baghdad", "Kata’ib Hezbollah"])
        # The audit trail holds the creation (an edit) and then the transition, both by the writer.
        created, event = report.events.order_by("pk")
        self.assertEqual((created.action, created.actor), (ReportEvent.Action.CREATE, self.writer))
        self.assertEqual((event.action, event.actor), (ReportEvent.Action.SUBMIT, self.writer))

    def test_writer_cannot_publish_whatever_request_they_send(self):
        report = make_report(status=Status.DRAFT, title="Original title")
        self.login("writer")
        for transition in ("publish", "request_changes", "unpublish"):
            with self.subTest(transition=transition):
                response = submit(
                    self.client,
                    change_url(report),
                    button=("_transition", transition),
                    title="Edited title",
                    workflow_note="sneaky",
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Only editors can")
                self.assertContains(response, 'value="Edited title"')  # the writer's text is kept on screen
                report.refresh_from_db()
                self.assertEqual((report.status, report.title), (Status.DRAFT, "Original title"))
                self.assertFalse(report.events.exists())

    def test_writer_cannot_change_a_published_or_scheduled_report(self):
        future = timezone.now() + datetime.timedelta(days=1)
        for label, published_at in (("published", None), ("scheduled", future)):
            with self.subTest(label):
                kwargs = {"published_at": published_at} if published_at else {}
                report = make_report(status=Status.PUBLISHED, title=f"{label} report", **kwargs)
                self.login("writer")
                page = self.client.get(change_url(report))
                self.assertEqual(page.status_code, 200)  # may read it
                self.assertNotContains(page, "Unpublish")
                response = self.client.post(change_url(report), {"title": "x", "_transition": "unpublish"})
                self.assertEqual(response.status_code, 403)
                report.refresh_from_db()
                self.assertEqual((report.status, report.title), (Status.PUBLISHED, f"{label} report"))

    def test_editor_publishes_a_report_in_review_now(self):
        report = make_report(status=Status.REVIEW)
        self.login("editor")
        page = self.client.get(change_url(report))
        for label in ("Publish", "Request changes"):
            self.assertContains(page, f">{label}</button>")
        response = submit(
            self.client, change_url(report), button=("_transition", "publish"), summary="Edited on publish."
        )
        self.assertEqual(response.status_code, 302)
        report.refresh_from_db()
        self.assertTrue(report.is_public)
        self.assertEqual(report.summary, "Edited on publish.")  # edits saved with the transition
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 200)

    def test_editor_schedules_a_report_and_the_change_list_says_scheduled(self):
        report = make_report(status=Status.REVIEW, title="Future report")
        at = timezone.now() + datetime.timedelta(days=2)
        self.login("editor")
        submit(
            self.client,
            change_url(report),
            button=("_transition", "publish"),
            publish_at_0=at.strftime("%Y-%m-%d"),
            publish_at_1=at.strftime("%H:%M:%S"),
        )
        report.refresh_from_db()
        self.assertTrue(report.is_scheduled)
        changelist = self.client.get(reverse("admin:reports_report_changelist"))
        self.assertContains(changelist, "Scheduled")
        self.client.logout()
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/"), "Future report")

    def test_publishing_at_a_past_time_is_refused_and_keeps_the_edits_on_screen(self):
        report = make_report(status=Status.REVIEW)
        self.login("editor")
        response = submit(
            self.client,
            change_url(report),
            button=("_transition", "publish"),
            publish_at_0="2020-01-01",
            publish_at_1="10:00:00",
            summary="Kept text",
        )
        self.assertContains(response, "Choose a time in the future")
        self.assertContains(response, "Kept text")
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.REVIEW)

    def test_editor_requests_changes_and_the_writer_sees_the_note(self):
        report = make_report(status=Status.REVIEW)
        self.login("editor")
        refused = submit(self.client, change_url(report), button=("_transition", "request_changes"))
        self.assertContains(refused, "the note is required")
        submit(
            self.client,
            change_url(report),
            button=("_transition", "request_changes"),
            workflow_note="Cite the source for the Ghaani meeting.",
        )
        report.refresh_from_db()
        self.assertEqual(report.status, Status.DRAFT)
        self.login("writer")
        page = self.client.get(change_url(report))
        self.assertContains(page, "Changes requested by editor")
        self.assertContains(page, "Cite the source for the Ghaani meeting.")

    def test_editor_unpublishes_and_the_report_leaves_the_public_site_at_once(self):
        report = make_report(status=Status.PUBLISHED)
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 200)
        self.login("editor")
        submit(self.client, change_url(report), button=("_transition", "unpublish"))
        self.client.logout()
        self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 404)
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.DRAFT)

    def test_transition_not_allowed_from_the_current_state_is_refused_with_a_message(self):
        cases = [
            (Status.DRAFT, "request_changes"),
            (Status.DRAFT, "unpublish"),
            (Status.REVIEW, "submit_for_review"),
            (Status.PUBLISHED, "publish"),
            (Status.PUBLISHED, "submit_for_review"),
        ]
        self.login("editor")
        for state, transition in cases:
            with self.subTest(state=state, transition=transition):
                report = make_report(status=state, title=f"{state} {transition}")
                response = submit(
                    self.client, change_url(report), button=("_transition", transition), workflow_note="note"
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "errornote")
                self.assertEqual(Report.objects.get(pk=report.pk).status, state)

    def test_unknown_transition_is_refused(self):
        report = make_report(status=Status.DRAFT)
        self.login("editor")
        response = submit(self.client, change_url(report), button=("_transition", "approve_everything"))
        self.assertContains(response, "is not a workflow action")
        for forged in ("%", "%s", "%(x)s"):  # quoted as it was posted, never read as formatting
            with self.subTest(forged):
                response = submit(self.client, change_url(report), button=("_transition", forged))
                self.assertContains(response, f"“{forged}” is not a workflow action")

    def test_status_is_not_a_form_field(self):
        report = make_report(status=Status.DRAFT)
        self.login("editor")
        response = submit(self.client, change_url(report), status="published", published_at="2020-01-01 00:00")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.DRAFT)

    def test_period_order_is_checked_in_the_form_with_a_clear_message(self):
        report = make_report(status=Status.DRAFT)
        self.login("writer")
        response = submit(self.client, change_url(report), period_start="2020-07-10", period_end="2020-07-01")
        self.assertContains(response, "The period end cannot be before the period start.")

    def test_change_list_shows_status_tags_and_filters_without_a_query_per_row(self):
        # (Staff bypass the public page cache, so nothing here depends on it.)
        other = make_series("Syria Situation Report", "syria")
        for i in range(3):
            make_report(title=f"Report {i}", tags=["Iran", f"tag {i}"], series=other if i else None)
        self.login("editor")
        url = reverse("admin:reports_report_changelist")
        self.client.get(url)  # warm the session and content types
        with self.assertNumQueries(11) as first:
            self.client.get(url)
        for i in range(3, 10):
            make_report(title=f"Report {i}", tags=["Iran", f"tag {i}"])
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.client.get(url)
        for text in ("Published", "Iran, tag 9", "By status", "By series", "By tag"):
            self.assertContains(response, text)
        for query in ("?status=scheduled", "?status=draft", "?tag=iran", "?q=Report", "?period_start__year=2020"):
            with self.subTest(query):
                self.assertEqual(self.client.get(url + query).status_code, 200)

    def test_workflow_history_is_shown_read_only(self):
        report = make_report(status=Status.REVIEW)
        workflow.request_changes(report, by=self.editor, note="Shorter, please.")
        self.login("writer")
        page = self.client.get(change_url(report))
        self.assertContains(page, "Workflow history")
        self.assertContains(page, "Shorter, please.")
        self.assertNotContains(page, 'name="events-0-note"')

    def test_an_empty_slug_is_proposed_from_the_title_and_must_be_unique(self):
        self.login("writer")
        add_url = reverse("admin:reports_report_add")
        fields = dict(
            series=str(self.series.pk), title="Iraq Situation Report: June 24-30, 2020", slug="",
            period_start="2020-06-24", period_end="2020-06-30", summary="Takeaways.",
        )  # fmt: skip
        self.assertEqual(submit(self.client, add_url, **fields).status_code, 302)
        self.assertTrue(Report.objects.filter(slug="iraq-situation-report-june-24-30-2020").exists())
        duplicate = submit(self.client, add_url, **fields)
        self.assertContains(duplicate, "Report with this Slug already exists.")
        self.assertContains(duplicate, "Takeaways.")
