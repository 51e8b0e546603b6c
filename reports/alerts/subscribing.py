"""The readers' actions on their alerts: ask for one, confirm it, change how often it comes,
leave it, forget the address. Each locks what it changes and runs in one transaction; the
messages they cause are queued after commit (reports.alerts.tasks), never sent in the request.

Asking is the same from the outside whatever exists: one subscription per address, filter and
language (a database constraint), one confirmation message per address per CONFIRMATION_PAUSE,
and the page says the same in every case, so nobody learns whether an address follows anything.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.alerts import tasks
from reports.models import Delivery, Subscriber, Subscription

CONFIRMATION_PAUSE = datetime.timedelta(minutes=10)


def request_alert(email, *, query, language, frequency, description):
    """Record that `email` asks to follow `query` (a canonical archive query) and queue the
    confirmation (or, when it already follows it, a reminder of its manage page): at most one
    message per address per CONFIRMATION_PAUSE. Returns the subscription."""
    email = Subscriber.normalize(email)
    now = timezone.now()
    with transaction.atomic():
        subscriber = _locked_subscriber(email)
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            query=query,
            language=language,
            defaults={"frequency": frequency, "description": description},
        )
        if not created and not subscription.is_confirmed:
            # Nobody has confirmed it yet: the latest request says what is wanted.
            subscription.frequency, subscription.description = frequency, description
            subscription.save(update_fields=["frequency", "description"])
        last = subscriber.confirmation_sent_at
        if last is None or now - last >= CONFIRMATION_PAUSE:
            subscriber.confirmation_sent_at = now
            subscriber.save(update_fields=["confirmation_sent_at"])
            tasks.after_commit(tasks.send_confirmation, subscription.pk)
    return subscription


def _locked_subscriber(email):
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email)
    except IntegrityError:  # asked twice at the same moment: the other request made it
        return Subscriber.objects.select_for_update().get(email=email)


def confirm(subscription_id, key_prefix):
    """Confirm the subscription the link names (its reader proved the address is theirs, so a
    suspension ends). Returns it, or None when it no longer exists."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("subscriber")
            .filter(pk=subscription_id, key__startswith=key_prefix)
            .first()
        )
        if subscription is None:
            return None
        if subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            subscription.save(update_fields=["confirmed_at"])
        subscriber = subscription.subscriber
        if subscriber.suspended_at is not None:
            subscriber.suspended_at, subscriber.suspended_reason = None, ""
            subscriber.save(update_fields=["suspended_at", "suspended_reason"])
    return subscription


def change_frequency(key, frequency):
    """Each report as published, or the weekly digest; reports already waiting for a digest
    still come in it. Returns the subscription, or None when it no longer exists."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(key=key).first()
        if subscription is not None and subscription.frequency != frequency:
            subscription.frequency = frequency
            subscription.save(update_fields=["frequency"])
    return subscription


def leave(key):
    """End the subscription; whatever of it was waiting is not sent. Returns whether there was one."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(key=key).first()
        if subscription is None:
            return False
        Delivery.objects.filter(subscription=subscription, state=Delivery.State.PENDING).delete()
        subscription.delete()
        # An address that follows nothing more is not kept.
        Subscriber.objects.filter(pk=subscription.subscriber_id, subscriptions=None).delete()
    return True


def forget(key):
    """Delete the address of the subscription's reader, with all its subscriptions and their
    records. Returns whether there was one."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(key=key).first()
        if subscription is None:
            return False
        Subscriber.objects.filter(pk=subscription.subscriber_id).delete()
    return True
