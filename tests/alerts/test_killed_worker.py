"""A worker killed while a message is in flight never sends it again: a real `manage.py db_worker`
process, on PostgreSQL, killed (SIGKILL) after the mail server has the message and before the
worker could mark it sent; a fresh worker given the same task again sends nothing."""

import os
import signal
import subprocess
import sys
import unittest
from pathlib import Path

from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.alerts import tasks
from reports.models import Delivery, Subscriber, Subscription
from tests.base import FreshCaches
from tests.helpers import make_report
from tests.smtp import SMTPServer

ROOT = Path(__file__).resolve().parent.parent.parent
ADDRESS = "reader@example.org"


def worker_database_url():
    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}"
    )


@unittest.skipUnless(connection.vendor == "postgresql", "a worker process shares the test database on PostgreSQL")
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, SITE_URL="https://sitrep.test")
class KilledWorkerTests(FreshCaches, TransactionTestCase):
    # No serialized_rollback: its flush would skip post_migrate, leaving the transaction tests
    # that run after it without permissions (they restore the groups with ensure_editorial_groups).

    def worker(self, smtp):
        """A `manage.py db_worker --batch` process on this test's database and mail server."""
        env = dict(
            os.environ,
            DATABASE_URL=worker_database_url(),
            TESTING="1",
            TASKS_BACKEND="database",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            SITE_URL="https://sitrep.test",
            DOTENV_FILE="",
        )
        command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        return process

    def test_worker_killed_after_the_server_has_the_message_never_sends_it_again(self):
        report = make_report("New Iraq report", tags=["Iraq"], published_at=timezone.now())
        subscriber = Subscriber.objects.create(email=ADDRESS)
        subscription = Subscription.objects.create(
            subscriber=subscriber, query="tag=iraq", description="Iraq", language="en", confirmed_at=timezone.now()
        )
        delivery = Delivery.objects.create(subscriber=subscriber, subscription=subscription, report=report)
        with SMTPServer(hold=True) as smtp:
            first = tasks.send_deliveries.enqueue([delivery.pk])
            worker = self.worker(smtp)
            self.assertTrue(smtp.received.wait(60), "the worker's message never reached the server")
            os.kill(worker.pid, signal.SIGKILL)
            self.assertEqual(worker.wait(30), -signal.SIGKILL)
            smtp.release()
            delivery.refresh_from_db()
            self.assertEqual(delivery.state, Delivery.State.SENDING, "claimed before the send, never marked")
            self.assertEqual(DBTaskResult.objects.get(pk=first.id).status, "RUNNING")

            again = tasks.send_deliveries.enqueue([delivery.pk])  # a retry of the same task
            fresh = self.worker(smtp)
            output, _ = fresh.communicate(timeout=60)
            self.assertEqual(fresh.returncode, 0, output.decode())
            self.assertEqual(DBTaskResult.objects.get(pk=again.id).status, "SUCCESSFUL")
            self.assertEqual(len(smtp.to(ADDRESS)), 1, "the address has the message once")
            delivery.refresh_from_db()
            self.assertEqual(delivery.state, Delivery.State.SENDING)
            self.assertEqual(delivery.attempts, 1)
