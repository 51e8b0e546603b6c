"""The alerts sent after the publication, through a real SMTP server (tests/smtp.py): retries
of a refused address and its suspension, a mail server that is down, correction follow-ups and
the weekly digest."""

import datetime
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from reports.alerts import delivering, mail, tasks
from reports.alerts.delivering import RETRY_DELAYS
from reports.editorial.actions import editing, workflow
from reports.models import Delivery, DigestRun, Subscriber
from tests.alerts.test_sending import SendingMixin, body, follow, links, recipients
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user
from tests.smtp import free_port

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class RetryTests(SendingMixin, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_report("Earlier Iraq report", tags=["Iraq"])  # the archive's tag filter knows Iraq
        follow("bounce@example.org")
        follow("reader@example.org")

    def bounced(self):
        return Delivery.objects.get(subscriber__email="bounce@example.org")

    def assertDueAfter(self, delivery, before, seconds):
        delay = datetime.timedelta(seconds=seconds)
        self.assertGreaterEqual(delivery.due_at, before + delay)
        self.assertLessEqual(delivery.due_at, timezone.now() + delay)

    def send_again_when_due(self):
        """The retry's time has come: its sending task runs (the test backend cannot defer it)."""
        pending = Delivery.objects.filter(state=Delivery.State.PENDING)
        pending.update(due_at=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            tasks.send_deliveries.enqueue(list(pending.values_list("pk", flat=True)))

    def test_a_refused_address_is_retried_later_while_the_others_in_its_batch_are_delivered(self):
        self.smtp.refused.add("bounce@example.org")
        before = timezone.now()
        self.publish()
        self.assertEqual(recipients(self.smtp.wait_for(1)), ["reader@example.org"])
        delivery = self.bounced()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, 1))
        self.assertIn("550", delivery.error)
        self.assertDueAfter(delivery, before, RETRY_DELAYS[0])
        with self.captureOnCommitCallbacks(execute=True):  # not due yet: a sending task leaves it alone
            tasks.send_deliveries.enqueue([delivery.pk])
        self.assertEqual(self.bounced().attempts, 1)

    def test_after_the_last_attempt_the_address_is_suspended_and_sent_nothing_more(self):
        self.smtp.refused.add("bounce@example.org")
        self.publish()
        for attempt, delay in enumerate(RETRY_DELAYS[1:], start=2):
            before = timezone.now()
            self.send_again_when_due()
            delivery = self.bounced()
            self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, attempt))
            self.assertDueAfter(delivery, before, delay)
        self.send_again_when_due()
        delivery = self.bounced()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.FAILED, len(RETRY_DELAYS) + 1))
        subscriber = Subscriber.objects.get(email="bounce@example.org")
        self.assertIsNotNone(subscriber.suspended_at)
        self.assertIn("550", subscriber.suspended_reason)
        self.smtp.refused.clear()  # its server would take a message now: none is sent
        self.publish("Next Iraq report")
        self.assertEqual(recipients(self.smtp.wait_for(2)), ["reader@example.org", "reader@example.org"])
        self.assertEqual(Delivery.objects.filter(subscriber=subscriber).count(), 1)

    def test_an_address_refused_only_for_now_is_given_up_but_not_suspended(self):
        self.smtp.deferred.add("bounce@example.org")  # 451: greylisting, a full mailbox
        self.publish()
        for _ in RETRY_DELAYS:
            self.send_again_when_due()
        delivery = self.bounced()
        self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.FAILED, len(RETRY_DELAYS) + 1))
        self.assertIn("451", delivery.error)
        self.assertIsNone(Subscriber.objects.get(email="bounce@example.org").suspended_at)

    def test_a_suspended_reader_who_asks_again_confirms_and_is_mailed_again(self):
        subscriber = Subscriber.objects.get(email="bounce@example.org")
        delivering.suspend(subscriber.pk, "SMTPRecipientsRefused: 550 5.1.1 Mailbox unavailable")
        with self.captureOnCommitCallbacks(execute=True):  # the same filter as before, already confirmed
            self.client.post(
                reverse("reports:alerts-subscribe") + "?tag=iraq", {"email": subscriber.email, "frequency": "each"}
            )
        [message] = self.smtp.wait_for(1)
        self.assertEqual(message["To"], "bounce@example.org")
        confirm = next((link for link in links(message) if "/alerts/confirm/" in link), None)
        self.assertIsNotNone(confirm, "a suspended address can only be reinstated by confirming")
        self.client.post(confirm.removeprefix(mail.site_url()))
        subscriber.refresh_from_db()
        self.assertIsNone(subscriber.suspended_at)
        self.publish()
        self.assertEqual(recipients(self.smtp.wait_for(3)[1:]), ["bounce@example.org", "reader@example.org"])

    def test_the_retry_is_queued_for_its_time_by_a_backend_that_defers(self):
        self.smtp.refused.add("bounce@example.org")
        with override_settings(TASKS=DATABASE_TASKS):
            self.publish()
            self.run_due_tasks()
            self.assertEqual(recipients(self.smtp.messages), ["reader@example.org"])
            delivery = self.bounced()
            retry = DBTaskResult.objects.get(status="READY")
            self.assertEqual(retry.task_path, "reports.alerts.tasks.send_deliveries")
            self.assertEqual(retry.args_kwargs["args"], [[delivery.pk]])
            self.assertEqual(retry.run_after, delivery.due_at)
            self.smtp.refused.clear()
            DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
            Delivery.objects.filter(pk=delivery.pk).update(due_at=timezone.now())
            self.run_due_tasks()
        self.assertEqual(recipients(self.smtp.messages), ["bounce@example.org", "reader@example.org"])
        self.assertEqual(self.bounced().state, Delivery.State.SENT)
        self.assertFalse(DBTaskResult.objects.filter(status="READY").exists())

    def run_due_tasks(self):
        """A worker runs every due task and stops. It would close the test's connection between
        tasks (it is in a transaction, which a worker's is not), so it keeps it here."""
        with self.captureOnCommitCallbacks(execute=True), mock.patch(f"{db_worker.__name__}.close_old_connections"):
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    def test_a_mail_server_that_is_down_leaves_the_deliveries_for_a_retry_and_suspends_nobody(self):
        with override_settings(EMAIL_PORT=free_port(), EMAIL_TIMEOUT=5):  # nothing listens there
            before = timezone.now()
            self.publish()
            for delivery in Delivery.objects.all():
                self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, 1))
                self.assertDueAfter(delivery, before, RETRY_DELAYS[0])
            for _ in RETRY_DELAYS:
                self.send_again_when_due()
        self.assertEqual(self.smtp.messages, [])
        self.assertEqual(set(Delivery.objects.values_list("state", flat=True)), {Delivery.State.FAILED})
        self.assertFalse(Subscriber.objects.exclude(suspended_at=None).exists())
        self.send_again_when_due()  # the server is back: the given-up deliveries stay given up
        self.publish("Next Iraq report")  # but the addresses are mailed again
        self.assertEqual(recipients(self.smtp.wait_for(2)), ["bounce@example.org", "reader@example.org"])


class CorrectionFollowUpTests(SendingMixin, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        follow("reader@example.org")

    def correct(self, report, note):
        report.summary = f"{report.summary} {note}"
        with self.captureOnCommitCallbacks(execute=True):
            editing.save_report(report, by=self.editor, tags=list(report.tags.all()), correction_note=note)

    def test_a_public_correction_is_followed_up_once_to_the_addresses_that_were_sent_the_report(self):
        report = self.publish("Iraq Situation Report: July 1-7, 2020")
        follow("later@example.org")  # followed after the report went out: it was not sent it
        self.correct(report, "The strike was on July 3, not July 2.")
        messages = self.smtp.wait_for(2)
        self.assertEqual(recipients(messages), ["reader@example.org", "reader@example.org"])
        follow_up = messages[1]
        self.assertEqual(follow_up["Subject"], "Correction: Iraq Situation Report: July 1-7, 2020")
        self.assertIn("The strike was on July 3, not July 2.", body(follow_up))
        correction = Delivery.objects.get(correction__isnull=False).correction
        with self.captureOnCommitCallbacks(execute=True):
            tasks.follow_correction.enqueue(correction.pk)
        self.assertEqual(len(self.smtp.messages), 2)

    def test_a_second_correction_is_a_second_follow_up(self):
        report = self.publish("Iraq Situation Report: July 1-7, 2020")
        self.correct(report, "The strike was on July 3.")
        self.correct(report, "The strike killed two, not three.")
        messages = self.smtp.wait_for(3)
        self.assertEqual([message["Subject"] for message in messages[1:]], ["Correction: " + report.title] * 2)
        self.assertIn("The strike killed two, not three.", body(messages[2]))
        self.assertEqual(len(messages), 3)


class WeeklyDigestTests(SendingMixin, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        follow("weekly@example.org", frequency="weekly")

    def test_a_weekly_subscription_gets_one_digest_of_the_week_on_monday(self):
        before = timezone.now()
        first = self.publish("Iraq report one")
        second = self.publish("Iraq report two")
        self.assertEqual(self.smtp.messages, [])
        run = DigestRun.objects.get()
        monday = timezone.localtime(run.due_at)
        self.assertEqual((monday.weekday(), monday.hour, monday.minute), (0, settings.ALERT_DIGEST_HOUR, 0))
        self.assertEqual(run.due_at, delivering.next_digest_at(before))
        self.assertEqual(set(Delivery.objects.values_list("due_at", flat=True)), {run.due_at})
        Delivery.objects.update(due_at=timezone.now() - datetime.timedelta(minutes=1))
        for _ in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                tasks.send_weekly_digests.enqueue(run.due_at.isoformat())
        [digest] = self.smtp.wait_for(1)
        self.assertEqual(digest["To"], "weekly@example.org")
        text = body(digest)
        self.assertLess(text.index(first.title), text.index(second.title))
        self.assertEqual(len(self.smtp.messages), 1)
        self.assertEqual(set(Delivery.objects.values_list("state", flat=True)), {Delivery.State.SENT})

    def test_a_report_unpublished_before_monday_is_not_in_the_digest(self):
        kept = self.publish("Iraq report kept")
        withdrawn = self.publish("Iraq report withdrawn")
        with self.captureOnCommitCallbacks(execute=True):
            workflow.unpublish(withdrawn, by=self.editor, note="Withdrawn.")
        Delivery.objects.update(due_at=timezone.now() - datetime.timedelta(minutes=1))
        with self.captureOnCommitCallbacks(execute=True):
            tasks.send_weekly_digests.enqueue(DigestRun.objects.get().due_at.isoformat())
        [digest] = self.smtp.wait_for(1)
        self.assertIn(kept.title, body(digest))
        self.assertNotIn(withdrawn.title, body(digest))
        with self.captureOnCommitCallbacks(execute=True):  # published again: it comes in the next digest, once
            workflow.publish(withdrawn, by=self.editor)
        for _ in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                tasks.send_weekly_digests.enqueue(DigestRun.objects.get().due_at.isoformat())
        messages = self.smtp.wait_for(2)
        self.assertEqual(len(messages), 2)
        self.assertIn(withdrawn.title, body(messages[1]))
        self.assertNotIn(kept.title, body(messages[1]))

    @override_settings(ALERT_DIGEST_HOUR=18)
    def test_the_digest_is_planned_for_the_next_monday_at_the_digest_hour(self):
        self.publish()
        monday = timezone.localtime(DigestRun.objects.get().due_at)
        self.assertEqual((monday.weekday(), monday.hour), (0, 18))
        self.assertLessEqual(monday - timezone.now(), datetime.timedelta(weeks=1))
