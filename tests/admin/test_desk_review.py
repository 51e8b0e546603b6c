"""The review side of the desk: the editors' queue, the writers' returned reports, and the
e-mail that tells editors a report is waiting."""

import datetime
import os
import re
import runpy
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from reports.editorial import concurrency
from reports.editorial.actions import workflow
from reports.models import Report, ReportEvent
from tests.base import SitrepTestCase
from tests.desk_helpers import ROLE_MATRIX, change_url, log_in_as, make_staff
from tests.helpers import make_report, make_series, make_user, submit

Status = Report.Status
QUEUE_URL = reverse("admin:reports_report_review_queue")
RETURNED_URL = reverse("admin:reports_report_returned")


def submitted(report, by, minutes_ago):
    """Submit `report` as `by`, recorded as happening `minutes_ago`."""
    event = workflow.submit_for_review(report, by=by)
    ReportEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return event


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


class ReviewQueueTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer", first_name="Wanda", last_name="Writer")
        cls.other_writer = make_staff("other", "writer")
        cls.editor = make_user("editor")
        make_series()
        cls.recent = make_report("Recent", status=Status.DRAFT, created_by=cls.writer)
        cls.oldest = make_report("Oldest", status=Status.DRAFT, created_by=cls.other_writer)
        cls.middle = make_report("Middle", status=Status.DRAFT, created_by=cls.writer)
        submitted(cls.recent, cls.writer, 5)
        submitted(cls.oldest, cls.other_writer, 3 * 24 * 60)
        submitted(cls.middle, cls.writer, 60)
        cls.published = make_report("Already out")
        cls.draft = make_report("Still a draft", status=Status.DRAFT)

    def test_editor_sees_reports_in_review_longest_waiting_first_with_submitter_and_time(self):
        self.client.force_login(self.editor)
        response = self.client.get(QUEUE_URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r.title for r in response.context["reports"]], ["Oldest", "Middle", "Recent"])
        table = re.search(r'<table id="review-queue".*?</table>', response.content.decode(), re.S).group(0)
        rows = table.split("<tr>")[2:]
        self.assertIn("other", rows[0])
        self.assertIn("3\xa0days", rows[0])
        self.assertIn("Wanda Writer", rows[2])
        self.assertIn(f'href="{change_url(self.oldest)}"', rows[0])
        self.assertNotContains(response, "Already out")
        self.assertNotContains(response, "Still a draft")

    def test_resubmission_counts_from_the_latest_submission(self):
        workflow.request_changes(self.oldest, by=self.editor, note="Sources, please.")
        submitted(self.oldest, self.other_writer, 1)
        self.client.force_login(self.editor)
        reports = self.client.get(QUEUE_URL).context["reports"]
        self.assertEqual([r.title for r in reports], ["Middle", "Recent", "Oldest"])

    def test_a_report_in_review_without_a_recorded_submission_is_listed_first_as_not_recorded(self):
        make_report("Imported", status=Status.REVIEW)
        self.client.force_login(self.editor)
        response = self.client.get(QUEUE_URL)
        self.assertEqual(response.context["reports"][0].title, "Imported")
        self.assertContains(response, "not recorded")

    def test_empty_queue_says_so(self):
        Report.objects.filter(status=Status.REVIEW).update(status=Status.DRAFT)
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(QUEUE_URL), "Nothing is waiting for review.")

    def test_queue_is_for_editors_only(self):
        expected = {"anonymous": 302, "writer": 403, "editor": 200}
        for role in ROLE_MATRIX:
            with self.subTest(role=role):
                log_in_as(self.client, getattr(self, role, None))
                status = expected[role]
                response = self.client.get(QUEUE_URL)
                self.assertEqual(response.status_code, status)
                if role == "anonymous":
                    self.assertIn(reverse("admin:login"), response["Location"])

    def test_queue_takes_the_same_number_of_queries_however_long_it_is(self):
        self.client.force_login(self.editor)
        self.client.get(QUEUE_URL)
        with self.assertNumQueries(6) as first:
            self.client.get(QUEUE_URL)
        for i in range(5):
            submitted(make_report(f"More {i}", status=Status.DRAFT, created_by=self.writer), self.writer, i)
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.client.get(QUEUE_URL)
        self.assertEqual(len(response.context["reports"]), 8)

    def test_admin_index_and_change_list_link_to_the_queue_for_editors(self):
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(reverse("admin:index")), "Review queue (3 waiting)")
        self.assertContains(self.client.get(reverse("admin:reports_report_changelist")), f'href="{QUEUE_URL}"')
        self.client.force_login(self.writer)
        for url in (reverse("admin:index"), reverse("admin:reports_report_changelist")):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertNotContains(response, QUEUE_URL)
                self.assertContains(response, f'href="{RETURNED_URL}"')


class ReturnedReportsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.other_writer = make_staff("other", "writer")
        cls.editor = make_user("editor", first_name="Eddie", last_name="Editor")
        make_series()
        cls.returned = make_report("Came back", status=Status.DRAFT, created_by=cls.writer)
        submitted(cls.returned, cls.writer, 60)
        workflow.request_changes(cls.returned, by=cls.editor, note="Cite the source\nfor the Ghaani meeting.")
        cls.resubmitted = make_report("Sent again", status=Status.DRAFT, created_by=cls.writer)
        workflow.submit_for_review(cls.resubmitted, by=cls.writer)
        workflow.request_changes(cls.resubmitted, by=cls.editor, note="Shorter.")
        workflow.submit_for_review(cls.resubmitted, by=cls.writer)
        cls.someone_elses = make_report("Not mine", status=Status.DRAFT, created_by=cls.other_writer)
        workflow.submit_for_review(cls.someone_elses, by=cls.other_writer)
        workflow.request_changes(cls.someone_elses, by=cls.editor, note="Theirs.")
        cls.plain_draft = make_report("Never submitted", status=Status.DRAFT, created_by=cls.writer)

    def test_writer_sees_their_returned_reports_with_the_editors_note(self):
        self.client.force_login(self.writer)
        response = self.client.get(RETURNED_URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r.title for r in response.context["reports"]], ["Came back"])
        self.assertContains(response, "Cite the source<br>for the Ghaani meeting.")
        self.assertContains(response, "Eddie Editor")
        self.assertContains(response, f'href="{change_url(self.returned)}"')
        for title in ("Sent again", "Not mine", "Never submitted"):
            self.assertNotContains(response, title)

    def test_admin_index_counts_the_returned_reports(self):
        self.client.force_login(self.writer)
        self.assertContains(self.client.get(reverse("admin:index")), "Returned to you (1)")

    def test_returned_list_needs_a_login_and_is_personal(self):
        self.assertEqual(self.client.get(RETURNED_URL).status_code, 302)
        self.client.force_login(self.other_writer)
        self.assertEqual([r.title for r in self.client.get(RETURNED_URL).context["reports"]], ["Not mine"])
        self.client.force_login(self.editor)
        response = self.client.get(RETURNED_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "No report of yours is waiting for changes.")


class SubmissionEmailTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer", email="writer@example.org")
        cls.editor = make_user("editor", email="editor@example.org")
        cls.quiet_editor = make_staff("quiet", "editor")  # no address
        cls.gone_editor = make_staff("gone", "editor", email="gone@example.org", is_active=False)
        cls.boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
        cls.series = make_series()

    def writer_submits(self, report):
        self.client.force_login(self.writer)
        with self.captureOnCommitCallbacks(execute=True):
            response = submit(self.client, change_url(report), button=("_transition", "submit_for_review"))
        self.assertEqual(response.status_code, 302)
        return response

    def test_submitting_in_the_admin_emails_each_editor_with_an_address(self):
        report = make_report(
            "Iraq Situation Report: July 1-7, 2020",
            start=(2020, 7, 1),
            end=(2020, 7, 7),
            status=Status.DRAFT,
            created_by=self.writer,
        )
        self.writer_submits(report)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), ["boss@example.org", "editor@example.org"])
        message = mail.outbox[0]
        self.assertEqual(message.subject, "Review requested: Iraq Situation Report: July 1-7, 2020")
        self.assertEqual(message.from_email, settings.DEFAULT_FROM_EMAIL)
        self.assertIn("writer submitted a report for review", message.body)
        self.assertIn("Iraq Situation Report, July 1–7, 2020", message.body)
        self.assertIn(change_url(report), message.body)
        self.assertIn(QUEUE_URL, message.body)
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.REVIEW)

    def test_submit_role_matrix_as_direct_posts(self):
        # Who is mailed when each role posts "Submit for review" straight to the change view.
        expected = {
            "anonymous": [],
            "writer": ["boss@example.org", "editor@example.org"],
            "editor": ["boss@example.org"],  # not the submitter
        }
        for role in ROLE_MATRIX:
            with self.subTest(role=role):
                mail.outbox = []
                report = make_report(f"Submitted by {role}", status=Status.DRAFT, created_by=self.writer)
                log_in_as(self.client, getattr(self, role, None))
                data = {"series": self.series.pk, "title": report.title, "slug": report.slug, "summary": "S.",
                        "period_start": "2020-06-24", "period_end": "2020-06-30", "tags": "",
                        "_transition": "submit_for_review", "edit_token": concurrency.token_for(report),
                        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}  # fmt: skip
                with self.captureOnCommitCallbacks(execute=True):
                    response = self.client.post(change_url(report), data)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(sorted(m.to[0] for m in mail.outbox), expected[role])
                status = Report.objects.get(pk=report.pk).status
                self.assertEqual(status, Status.DRAFT if role == "anonymous" else Status.REVIEW)

    @override_settings(SITE_URL="https://sitrep.example.org")
    def test_links_in_the_email_are_absolute_when_the_site_url_is_known(self):
        self.writer_submits(make_report(status=Status.DRAFT))
        self.assertIn(f"https://sitrep.example.org{QUEUE_URL}", mail.outbox[0].body)

    def test_an_editor_who_submits_is_not_mailed_about_their_own_submission(self):
        report = make_report(status=Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.submit_for_review(report, by=self.editor)
        self.assertEqual([m.to for m in mail.outbox], [["boss@example.org"]])

    def test_no_mail_for_other_transitions_or_a_refused_submission(self):
        report = make_report(status=Status.REVIEW)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.request_changes(report, by=self.editor, note="More.")
            workflow.publish(make_report(status=Status.DRAFT), by=self.editor)
            with self.assertRaises(workflow.TransitionRefused):
                workflow.submit_for_review(make_report(), by=self.writer)
        self.assertEqual(mail.outbox, [])

    def test_the_mail_waits_for_the_commit(self):
        report = make_report(status=Status.DRAFT)
        with self.captureOnCommitCallbacks() as callbacks:
            workflow.submit_for_review(report, by=self.writer)
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)

    @override_settings(EMAIL_BACKEND="tests.admin.test_desk_review.FailingEmailBackend")
    def test_a_failing_mail_server_is_logged_and_the_submission_stands(self):
        report = make_report(status=Status.DRAFT, created_by=self.writer)
        with self.assertLogs("django", "ERROR") as logs:
            response = self.writer_submits(report)
        self.assertIn("mail_the_editors", logs.output[0])
        self.assertIn("the mail server is down", logs.output[0])
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.REVIEW)
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)


class EmailSettingsTests(SimpleTestCase):
    """The EMAIL_* settings as a fresh process reads them from its environment."""

    def settings_with(self, **env):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_") and k != "SITE_URL"}
        with mock.patch.dict(os.environ, {**clean, "DOTENV_FILE": "", **env}, clear=True):
            return runpy.run_path(str(settings.BASE_DIR / "sitrep" / "settings.py"))

    def test_console_backend_unless_a_mail_server_is_configured(self):
        self.assertEqual(self.settings_with()["EMAIL_BACKEND"], "django.core.mail.backends.console.EmailBackend")
        configured = self.settings_with(
            EMAIL_HOST="smtp.example.org", EMAIL_PORT="587", EMAIL_USE_TLS="1", DEFAULT_FROM_EMAIL="desk@example.org"
        )
        self.assertEqual(configured["EMAIL_BACKEND"], "django.core.mail.backends.smtp.EmailBackend")
        self.assertEqual(
            (configured["EMAIL_HOST"], configured["EMAIL_PORT"], configured["EMAIL_USE_TLS"]),
            ("smtp.example.org", 587, True),
        )
        self.assertEqual(configured["DEFAULT_FROM_EMAIL"], "desk@example.org")
        chosen = self.settings_with(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
        self.assertEqual(chosen["EMAIL_BACKEND"], "django.core.mail.backends.filebased.EmailBackend")

    def test_malformed_mail_settings_stop_the_process_naming_the_variable(self):
        cases = {
            "EMAIL_PORT": {"EMAIL_PORT": "smtp"},
            "EMAIL_USE_TLS": {"EMAIL_USE_TLS": "perhaps"},
            "EMAIL_USE_SSL, not both": {"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
            "SITE_URL must start with": {"SITE_URL": "sitrep.example.org"},
        }
        for named, env in cases.items():
            with self.subTest(named), self.assertRaisesMessage(ImproperlyConfigured, named):
                self.settings_with(**env)

    def test_site_url_loses_its_trailing_slash(self):
        self.assertEqual(
            self.settings_with(SITE_URL="https://sitrep.example.org/")["SITE_URL"], "https://sitrep.example.org"
        )
