"""Alerts queued on the database task backend, as `make run` and production queue them, and run
by `manage.py db_worker` (in this process, batch mode), sent through a real SMTP server: a report
published now is due at once, a scheduled one when it goes live and not if it was unpublished
first, and a subscription follows a merged or renamed tag."""

import datetime
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from taggit.models import Tag

from reports.alerts import tasks
from reports.editorial.actions import workflow
from reports.editorial.actions.tags import merge_tags, save_tag
from reports.models import Delivery, Report, Subscriber, Subscription
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user
from tests.smtp import SMTPServer

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def follow(email, query, **extra):
    subscriber = Subscriber.objects.get_or_create(email=email)[0]
    return Subscription.objects.create(
        subscriber=subscriber,
        query=query,
        description=query,
        language="en",
        confirmed_at=timezone.now(),
        **extra,
    )


def queued(task):
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def run_worker():
    """`manage.py db_worker --batch`: every due task, then exit. The worker closes connections
    it finds in a transaction (close_old_connections), which would end this test's; here it must not."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


@override_settings(TASKS=DATABASE_TASKS, SITE_URL="https://sitrep.test")
class QueuedAlertTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", email="editor@example.org")
        make_report("Earlier report", tags=["Iraq"])
        follow("reader@example.org", "tag=iraq")

    def setUp(self):
        super().setUp()
        self.smtp = self.enterContext(SMTPServer())
        self.enterContext(override_settings(**self.smtp.settings()))
        self.draft = make_report("New Iraq report", tags=["Iraq"], status=Report.Status.DRAFT)

    def test_report_published_now_is_queued_due_at_once_and_mailed_by_the_worker(self):
        before = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(self.draft, by=self.editor)
        queued_alert = queued(tasks.alert_report).get()
        self.assertIn(queued_alert, DBTaskResult.objects.ready(), "due at once (no run_after, or one already past)")
        self.assertEqual(self.smtp.messages, [], "nothing is sent in the editor's request")
        run_worker()
        messages = self.smtp.wait_for(1)
        self.assertEqual([message["Subject"] for message in messages], ["New Iraq report"])
        self.assertEqual(messages[0]["To"], "reader@example.org")
        delivery = Delivery.objects.get()
        self.assertEqual(delivery.state, Delivery.State.SENT)
        self.assertGreaterEqual(delivery.sent_at, before)

    def go_live(self, report):
        """What the clock does: the scheduled moment (and the task queued for it) are now past."""
        past = timezone.now() - datetime.timedelta(seconds=1)
        gone_live_at = report.published_at
        Report.objects.filter(pk=report.pk).update(published_at=past, first_published_at=past)
        task = queued(tasks.alert_report).get(run_after=gone_live_at)
        args = task.args_kwargs["args"]
        task.args_kwargs = {"args": [args[0], past.isoformat()], "kwargs": {}}
        task.run_after = past
        task.save(update_fields=["args_kwargs", "run_after"])

    def test_scheduled_report_is_not_mailed_before_it_goes_live(self):
        at = timezone.now() + datetime.timedelta(hours=2)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(self.draft, by=self.editor, at=at)
        self.assertEqual(queued(tasks.alert_report).get().run_after, at)
        run_worker()
        self.assertEqual(self.smtp.messages, [])
        self.assertFalse(Delivery.objects.exists())
        self.assertTrue(queued(tasks.alert_report).exists(), "the task still waits for its moment")
        self.draft.refresh_from_db()
        self.go_live(self.draft)
        run_worker()
        self.assertEqual([message["Subject"] for message in self.smtp.wait_for(1)], ["New Iraq report"])
        self.assertEqual(Delivery.objects.get().state, Delivery.State.SENT)

    def test_report_unpublished_before_its_time_is_never_mailed(self):
        at = timezone.now() + datetime.timedelta(hours=2)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(self.draft, by=self.editor, at=at)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.unpublish(self.draft, by=self.editor)
        task = queued(tasks.alert_report).get()
        DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
        run_worker()
        task.refresh_from_db()
        self.assertEqual(task.status, "SUCCESSFUL", "the queued task ran, and found nothing to send")
        self.assertEqual(task.return_value, 0)
        self.assertEqual(self.smtp.messages, [])
        self.assertFalse(Delivery.objects.exists())

    def test_rescheduled_report_is_mailed_once_at_its_new_moment(self):
        first = timezone.now() + datetime.timedelta(hours=2)
        second = timezone.now() + datetime.timedelta(hours=5)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(self.draft, by=self.editor, at=first)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.unpublish(self.draft, by=self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(self.draft, by=self.editor, at=second)
        self.assertEqual(sorted(queued(tasks.alert_report).values_list("run_after", flat=True)), [first, second])
        # The first moment comes: its task finds the report rescheduled and does nothing.
        DBTaskResult.objects.filter(run_after=first).update(run_after=timezone.now() - datetime.timedelta(seconds=1))
        run_worker()
        self.assertEqual(self.smtp.messages, [])
        self.draft.refresh_from_db()
        self.go_live(self.draft)
        run_worker()
        run_worker()  # a second pass finds nothing more to send
        self.assertEqual([message["Subject"] for message in self.smtp.wait_for(1)], ["New Iraq report"])
        self.assertEqual(len(self.smtp.messages), 1)
        self.assertEqual(Delivery.objects.get().state, Delivery.State.SENT)


@override_settings(TASKS=DATABASE_TASKS, SITE_URL="https://sitrep.test")
class FollowedTagChangeTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", email="editor@example.org")
        make_report("Earlier KH report", tags=["KH"])
        make_report("Earlier Kataib report", tags=["Kata'ib Hezbollah"])
        cls.kept = Tag.objects.get(name="Kata'ib Hezbollah")
        cls.merged = Tag.objects.get(name="KH")
        cls.only_source = follow("source@example.org", f"tag={cls.merged.slug}")
        cls.both = [
            follow("both@example.org", f"tag={cls.merged.slug}"),
            follow("both@example.org", f"tag={cls.kept.slug}"),
        ]

    def setUp(self):
        super().setUp()
        self.smtp = self.enterContext(SMTPServer())
        self.enterContext(override_settings(**self.smtp.settings()))

    def publish_with_kept_tag(self):
        draft = make_report("New Kataib report", tags=[self.kept.name], status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(draft, by=self.editor)
        run_worker()
        return self.smtp.wait_for(2)

    def test_subscription_to_a_merged_tag_follows_the_kept_tag(self):
        with self.captureOnCommitCallbacks(execute=True):
            merge_tags([self.merged], self.kept, by=self.editor)
        self.only_source.refresh_from_db()
        self.assertEqual(self.only_source.query, f"tag={self.kept.slug}")
        self.assertEqual(
            list(Subscription.objects.filter(subscriber__email="both@example.org").values_list("query", flat=True)),
            [f"tag={self.kept.slug}"],
            "an address that followed both tags follows the kept one once",
        )
        messages = self.publish_with_kept_tag()
        self.assertEqual(sorted(message["To"] for message in messages), ["both@example.org", "source@example.org"])
        self.assertEqual({message["Subject"] for message in messages}, {"New Kataib report"})
        self.assertEqual(Delivery.objects.filter(state=Delivery.State.SENT).count(), 2)

    def test_subscription_follows_a_tag_whose_slug_changed(self):
        self.kept.slug = "kataib-hezbollah-iraq"
        with self.captureOnCommitCallbacks(execute=True):
            save_tag(self.kept, by=self.editor)
        queries = set(Subscription.objects.values_list("query", flat=True))
        self.assertEqual(queries, {f"tag={self.merged.slug}", "tag=kataib-hezbollah-iraq"})
        draft = make_report("New Kataib report", tags=[self.kept.name], status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(draft, by=self.editor)
        run_worker()
        messages = self.smtp.wait_for(1)
        self.assertEqual([message["To"] for message in messages], ["both@example.org"])
        self.assertEqual(messages[0]["Subject"], "New Kataib report")
