"""Deliveries: one record per address and report (or correction), written before anything is
sent, and the sending of them, exactly once.

1. `fan_out` writes a pending Delivery for every address whose subscription selects a report
   that has just gone live (the database's unique constraints keep it to one per address and
   report, however often it runs), due now, or on the next digest Monday for weekly ones.
2. `send` claims due, pending deliveries (pending → sending, committed), hands each message to
   the mail server, and marks the deliveries sent. A claimed delivery is never claimed again:
   a retried task, or a second worker, finds nothing pending; a worker killed between the send
   and the mark leaves it `sending`, and it is not sent again (the address may have it).
3. A refused message goes back to pending, due after a longer wait each time (RETRY_DELAYS);
   after the last attempt it is given up and, if the address's server refused it, the address
   is suspended: nothing more is sent to it until its reader confirms a subscription again.
"""

import datetime
import logging
import smtplib
from collections import defaultdict

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.alerts import mail
from reports.alerts.following import matching_subscriptions
from reports.caching import state
from reports.models import Correction, Delivery, DigestRun, Report, Subscriber, Subscription

logger = logging.getLogger(__name__)
State = Delivery.State
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600)  # seconds before the 2nd, 3rd, 4th and 5th attempt
BATCH = 50  # deliveries per sending task (one connection to the mail server each)


def next_digest_at(now=None):
    """The next weekly digest: Monday at ALERT_DIGEST_HOUR (TIME_ZONE), later than `now`."""
    local = timezone.localtime(now or timezone.now())
    monday = local.date() - datetime.timedelta(days=local.weekday())
    moment = datetime.datetime.combine(monday, datetime.time(settings.ALERT_DIGEST_HOUR), tzinfo=local.tzinfo)
    return moment if moment > local else moment + datetime.timedelta(weeks=1)


def fan_out(report_id, went_live_at=None):
    """Record a pending delivery of report `report_id` for every address that follows it, if it
    is public now (and went live at `went_live_at`, when given: a rescheduled or unpublished
    report's old task finds it changed and does nothing). Returns (ids due now, digest moment or None)."""
    state.forget()  # this process's reading of the vocabulary may be a second old: the filters need it now
    report = Report.objects.published().filter(pk=report_id).first()
    if report is None or (went_live_at is not None and report.published_at != went_live_at):
        return [], None
    now = timezone.now()
    digest_at = next_digest_at(now)
    chosen = {}
    # Each report as published wins over the digest when one address follows it both ways.
    for subscription in sorted(matching_subscriptions(report), key=lambda s: (s.frequency != "each", s.pk)):
        chosen.setdefault(subscription.subscriber_id, subscription)
    rows = [
        Delivery(
            subscriber_id=subscriber_id,
            subscription_id=subscription.pk,
            report_id=report.pk,
            digest=subscription.frequency == Subscription.Frequency.WEEKLY,
            due_at=digest_at if subscription.frequency == Subscription.Frequency.WEEKLY else now,
        )
        for subscriber_id, subscription in chosen.items()
    ]
    Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    pending = Delivery.objects.filter(report=report, correction=None, state=State.PENDING)
    due_now = list(pending.filter(digest=False).values_list("pk", flat=True))
    needs_digest = pending.filter(digest=True).exists()
    return due_now, (digest_at if needs_digest else None)


def follow_up(correction_id):
    """Record a follow-up of a correction for every address that was sent its report. Returns the ids."""
    correction = Correction.objects.filter(pk=correction_id, report__in=Report.objects.published()).first()
    if correction is None:
        return []
    sent = Delivery.objects.filter(
        report_id=correction.report_id,
        correction=None,
        state=State.SENT,
        subscriber__suspended_at=None,
        subscription__confirmed_at__isnull=False,
    ).values_list("subscriber_id", "subscription_id")
    rows = [
        Delivery(subscriber_id=subscriber_id, subscription_id=subscription_id, report_id=correction.report_id,
                 correction=correction)
        for subscriber_id, subscription_id in sent
    ]  # fmt: skip
    Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return list(Delivery.objects.filter(correction=correction, state=State.PENDING).values_list("pk", flat=True))


def plan_digest(due_at):
    """Make sure one digest run is queued for `due_at`: True if this call is the one that must queue it."""
    _, created = DigestRun.objects.get_or_create(due_at=due_at)
    return created


def due_groups(now=None):
    """Every pending delivery that is due, as lists of ids that go out together: each
    subscription's digest in one list, any other (one whose task was lost) alone."""
    due = Delivery.objects.filter(state=State.PENDING, due_at__lte=now or timezone.now())
    digests, singles = defaultdict(list), []
    for pk, subscription_id, in_digest in due.order_by("pk").values_list("pk", "subscription_id", "digest"):
        if in_digest:
            digests[subscription_id].append(pk)
        else:
            singles.append([pk])
    return [*digests.values(), *singles]


def claim(ids):
    """Mark the due, pending deliveries among `ids` of reports public now as being sent, and
    return them; committed before any message goes out, so no other task can claim them."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                pk__in=ids,
                state=State.PENDING,
                due_at__lte=now,
                subscriber__suspended_at=None,
                subscription__confirmed_at__isnull=False,
                # Unpublished since it was recorded: not sent (it stays pending, for a republication).
                report__in=Report.objects.published(),
            )
            .select_related("subscriber", "subscription__subscriber", "report", "correction__report")
        )
        Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(state=State.SENDING, attempts=F("attempts") + 1)
    for row in rows:
        row.attempts += 1
    return rows


def message_groups(rows):
    """[[deliveries]] that go out as one message: one delivery each, but a subscription's digest
    together, its reports in the order they went out."""
    digests = defaultdict(list)
    groups = []
    for row in rows:
        if row.digest and row.correction_id is None:
            digests[row.subscription_id].append(row)
        else:
            groups.append([row])
    for group in digests.values():
        group.sort(key=lambda row: (row.report.published_at, row.report_id))
        groups.append(group)
    return groups


def message_for(group):
    first = group[0]
    if first.correction_id is not None:
        return mail.follow_up(first.subscription, first.correction)
    if first.digest:
        return mail.digest(first.subscription, [row.report for row in group])
    return mail.alert(first.subscription, first.report)


def refused_by_recipient(error):
    """True when the address's own server (or our relay, for it) refused the message for good
    (a 5xx answer), rather than for now (4xx) or our mail server being unreachable."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # {address: (code, message)}
        return any(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def send(ids):
    """Send the due, pending deliveries among `ids`. Returns the ids to try again, and when."""
    rows = claim(ids)
    if not rows:
        return [], None
    retry_ids, retry_at = [], None
    connection = get_connection()
    try:
        for group in message_groups(rows):
            try:
                connection.send_messages([message_for(group)])
            except Exception as error:  # any refusal or failure: the deliveries are tried again later
                connection.close()  # a broken session is not reused for the next message
                later = record_failure(group, error)
                if later:
                    retry_ids += [row.pk for row in group]
                    retry_at = min(filter(None, (retry_at, later)))
                continue
            Delivery.objects.filter(pk__in=[row.pk for row in group], state=State.SENDING).update(
                state=State.SENT, sent_at=timezone.now(), error=""
            )
    finally:
        connection.close()
    return retry_ids, retry_at


def record_failure(group, error):
    """Put a failed message's deliveries back to pending, due later; after the last attempt give
    them up, suspending the address if its server refused. Returns when to try again, or None."""
    attempts = group[0].attempts
    text = f"{type(error).__name__}: {error}"[:500]
    ids = [row.pk for row in group]
    if attempts <= len(RETRY_DELAYS):
        due = timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[attempts - 1])
        Delivery.objects.filter(pk__in=ids, state=State.SENDING).update(state=State.PENDING, due_at=due, error=text)
        logger.warning("Alert deliveries %s failed (attempt %s), retrying at %s: %s", ids, attempts, due, text)
        return due
    Delivery.objects.filter(pk__in=ids, state=State.SENDING).update(state=State.FAILED, error=text)
    logger.warning("Alert deliveries %s given up after %s attempts: %s", ids, attempts, text)
    if refused_by_recipient(error):
        suspend(group[0].subscriber_id, text)
    return None


def suspend(subscriber_id, reason):
    """Stop mailing an address whose server keeps refusing; its pending deliveries are given up."""
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber_id, suspended_at=None).update(
            suspended_at=timezone.now(), suspended_reason=reason[:500] or "refused"
        )
        Delivery.objects.filter(subscriber_id=subscriber_id, state=State.PENDING).update(
            state=State.FAILED, error="The address is suspended."
        )
