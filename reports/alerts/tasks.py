"""The alerts' background tasks (django-tasks; `manage.py db_worker` runs them). None of them
runs in an editor's or a reader's request.

A task queued for later (a scheduled report's go-live, a retry, Monday's digest) needs a backend
that can defer (the database backend of `make run` and production). The immediate backend of
the tests cannot: it runs what is due now, and leaves what is due later unqueued (logged).
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from reports.alerts import delivering, mail
from reports.models import Subscription

logger = logging.getLogger(__name__)


def enqueue_at(a_task, when, *args):
    """Queue `a_task` to run at `when` (an aware moment; None or past: now)."""
    if when is None or when <= timezone.now():
        return a_task.enqueue(*args)
    if not default_task_backend.supports_defer:
        logger.warning("The %s backend cannot run %s at %s; it is not queued.", default_task_backend, a_task.name, when)
        return None
    return a_task.using(run_after=when).enqueue(*args)


def send_in_batches(ids=(), groups=()):
    """Queue the sending of `ids` (and of `groups`, lists of ids never split: a digest), about
    BATCH deliveries per task, each task one connection to the mail server."""
    batch = []
    for group in [*([pk] for pk in ids), *groups]:
        if batch and len(batch) + len(group) > delivering.BATCH:
            send_deliveries.enqueue(batch)
            batch = []
        batch += group
    if batch:
        send_deliveries.enqueue(batch)


@task()
def alert_report(report_id: int, went_live_at: str | None = None):
    """Once a report is live: record its deliveries and queue their sending (or the digest)."""
    moment = datetime.datetime.fromisoformat(went_live_at) if went_live_at else None
    # One transaction: with the database backend the deliveries and the tasks that send them
    # are written together, so a worker dying in between leaves neither.
    with transaction.atomic():
        due_now, digest_at = delivering.fan_out(report_id, moment)
        send_in_batches(due_now)
        if digest_at is not None and delivering.plan_digest(digest_at):
            enqueue_at(send_weekly_digests, digest_at, digest_at.isoformat())
    return len(due_now)


@task()
def follow_correction(correction_id: int):
    with transaction.atomic():
        ids = delivering.follow_up(correction_id)
        send_in_batches(ids)
    return len(ids)


@task()
def send_deliveries(delivery_ids: list[int]):
    retry_ids, retry_at = delivering.send(delivery_ids)
    if retry_ids:
        enqueue_at(send_deliveries, retry_at, retry_ids)
    return len(delivery_ids) - len(retry_ids)


@task()
def send_weekly_digests(due_at: str):
    """Monday's digests (the next Monday's run is queued by the first report that waits for it),
    and any other delivery that is due and still pending (whose task was lost)."""
    groups = delivering.due_groups()
    send_in_batches(groups=groups)
    return sum(len(group) for group in groups)


@task()
def send_confirmation(subscription_id: int):
    """The confirmation (or "you already follow this") message a reader asked for. A suspended
    address is asked to confirm even what it follows already: confirming is what reinstates it."""
    subscription = Subscription.objects.select_related("subscriber").filter(pk=subscription_id).first()
    if subscription is None:
        return False
    following = subscription.is_confirmed and subscription.subscriber.suspended_at is None
    message = mail.already_following(subscription) if following else mail.confirmation(subscription)
    message.send()
    Subscription.objects.forget_unconfirmed()
    return True


def after_commit(a_task, *args, when=None):
    transaction.on_commit(lambda: enqueue_at(a_task, when, *args))
