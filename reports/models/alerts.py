"""E-mail alerts: a reader's address, what it follows (an archive filter), and a record of every
message sent to it, written before the send is tried, so that nothing is ever sent twice."""

import datetime
import secrets

from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.models.report import Report


def new_subscription_key():
    """The secret in a subscription's manage and unsubscribe addresses: whoever holds it may
    change or end that subscription, with no account."""
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    """An address that asked for alerts. Only staff allowed to view subscribers see it."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    # The last confirmation (or "you already follow this") message: at most one per 10 minutes.
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    # After its server kept refusing our messages: nothing more is sent until an editor reinstates it.
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspended_reason = models.CharField(_("why it was suspended"), max_length=500, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "alert subscriber")
        verbose_name_plural = pgettext_lazy("models", "alert subscribers")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email=models.functions.Lower("email")), name="subscriber_email_lower_case"
            ),
            models.CheckConstraint(
                condition=Q(suspended_at__isnull=True) | ~Q(suspended_reason=""),
                name="subscriber_suspension_has_reason",
            ),
        ]

    def __str__(self):
        return self.email

    @staticmethod
    def normalize(email):
        return (email or "").strip().lower()


UNCONFIRMED_KEPT = datetime.timedelta(days=7)  # as long as a confirmation link works


class SubscriptionQuerySet(models.QuerySet):
    def forget_unconfirmed(self, now=None):
        """Requests not confirmed within the link's 7 days are deleted, and with them the
        addresses that follow nothing else."""
        cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT
        self.filter(confirmed_at=None, created_at__lt=cutoff).delete()
        Subscriber.objects.filter(subscriptions=None, created_at__lt=cutoff).delete()

    def follow_renamed(self, name, old_slug, new_slug):
        """Subscriptions whose filter `name` (tag, author or series) names `old_slug` name
        `new_slug` instead: a tag merged into another, a slug changed (in that action's
        transaction). One that would then repeat another of its address's is removed."""
        needle = QueryDict(mutable=True)
        needle[name] = old_slug
        for subscription in self.select_for_update().filter(query__contains=needle.urlencode()):
            query = QueryDict(subscription.query, mutable=True)
            values = query.getlist(name)
            if old_slug not in values:
                continue
            query.setlist(name, sorted({new_slug if value == old_slug else value for value in values}))
            twin = self.filter(
                subscriber_id=subscription.subscriber_id, query=query.urlencode(), language=subscription.language
            )
            if twin.exists():
                subscription.delete()
            else:
                subscription.query = query.urlencode()
                subscription.save(update_fields=["query"])


class Subscription(models.Model):
    """One archive filter an address follows, in the language of the page it was asked on."""

    class Frequency(models.TextChoices):
        EACH = "each", _("Each report as it is published")
        WEEKLY = "weekly", _("A weekly digest on Mondays")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    # The archive's own query string (reports.public.filters.ReportFilter), in a canonical order.
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    description = models.CharField(_("what it follows"), max_length=1000)
    language = models.CharField(_("language"), max_length=8, choices=Report.Language.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.EACH)
    key = models.CharField(max_length=64, unique=True, default=new_subscription_key, editable=False)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "alert subscription")
        verbose_name_plural = pgettext_lazy("models", "alert subscriptions")
        ordering = ["subscriber", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "query", "language"], name="one_subscription_per_filter"),
            models.CheckConstraint(condition=Q(frequency__in=["each", "weekly"]), name="subscription_frequency_known"),
            models.CheckConstraint(condition=Q(language__in=["en", "ar"]), name="subscription_language_known"),
        ]
        indexes = [models.Index(fields=["confirmed_at"], name="subscription_confirmed_idx")]

    def __str__(self):
        return self.description

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class Delivery(models.Model):
    """One report (or one correction to it) for one address, recorded before it is sent.

    pending → sending (claimed, committed, then the message is handed to the mail server) →
    sent. A row left `sending` by a worker that died is never sent again: the address might
    already have it. A refused message goes back to pending with a later `due_at`, and after
    the last attempt to `failed`, suspending the address."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Handed to the mail server")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    # Set for the follow-up that tells a reader a report they were sent has a correction.
    correction = models.ForeignKey("reports.Correction", null=True, blank=True, on_delete=models.CASCADE)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    digest = models.BooleanField(_("in the weekly digest"), default=False)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "alert delivery")
        verbose_name_plural = pgettext_lazy("models", "alert deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly once: one alert per address and report, one follow-up per address and correction.
            models.UniqueConstraint(
                fields=["subscriber", "report"], condition=Q(correction=None), name="one_alert_per_address_and_report"
            ),
            models.UniqueConstraint(
                fields=["subscriber", "correction"],
                condition=Q(correction__isnull=False),
                name="one_follow_up_per_address_and_correction",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed"]), name="delivery_state_known"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(state="sent"), name="delivery_sent_at_only_when_sent"
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="delivery_due_idx")]

    def __str__(self):
        return f"{self.subscriber} · {self.report_id} · {self.state}"


class DigestRun(models.Model):
    """A weekly digest's moment, queued once (as a task due then), so no cron job is needed."""

    due_at = models.DateTimeField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]

    def __str__(self):
        return self.due_at.isoformat()
