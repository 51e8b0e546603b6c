"""The alert pages to check (axe-core, the Nu HTML checker), in English and under /ar/: how to
reach each one, by a GET or by pressing a button on a page, so that the browser and the test
client see the same pages."""

import time
from dataclasses import dataclass, field
from unittest import mock

from django.urls import reverse
from django.utils import timezone, translation

from reports.alerts.mail import confirmation_token
from reports.models import Subscriber, Subscription
from tests.helpers import make_report

QUERY = "tag=kataib-hezbollah"


@dataclass
class AlertPage:
    label: str
    path: str  # what is opened
    status: int = 200
    button: str = ""  # then pressed (a CSS selector: its name is in the page's language), for the pages a POST shows
    fill: dict = field(default_factory=dict)  # {selector: value, or True to check it} before pressing it
    post: str = ""  # where that button's form posts, and with what, for the test client
    data: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)


def make_reports():
    make_report("Iraq Situation Report: recent", tags=["Kata’ib Hezbollah"], published_at=timezone.now())


def subscription(email, language, *, confirmed=True):
    subscriber = Subscriber.objects.create(email=email)
    return Subscription.objects.create(
        subscriber=subscriber,
        query=QUERY,
        language=language,
        description="Reports tagged Kata’ib Hezbollah",
        confirmed_at=timezone.now() if confirmed else None,
    )


def expired_token(subscription):
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        return confirmation_token(subscription)


def alert_pages(language, run=""):
    """The pages in `language` ("en" or "ar"), with subscriptions of their own (addresses
    marked with `run`, so that several sets can exist at once): leaving and forgetting use theirs up."""

    def url(name, *args):
        with translation.override(language):
            return reverse(f"reports:{name}", args=args)

    def made(name, **kwargs):
        return subscription(f"{name}-{language}{run}@example.org", language, **kwargs)

    subscribe = f"{url('alerts-subscribe')}?{QUERY}"
    waiting, managed, saved, leaving, forgetting = (
        made("waiting", confirmed=False), made("managed"), made("saved"), made("leaving"), made("forgetting"),
    )  # fmt: skip
    each = {"input[name=frequency][value=each]": True}
    send = "form.alert-form button[type=submit]"
    return [
        AlertPage("subscribe", subscribe),
        AlertPage("subscribe, no address", subscribe, 400, send, post=subscribe, data={"frequency": "each"}),
        AlertPage("subscribe, bad filters", f"{url('alerts-subscribe')}?week=never", 400),
        AlertPage("asked", url("alerts-asked")),
        AlertPage("confirm", url("alerts-confirm", confirmation_token(waiting))),
        AlertPage("confirm, expired", url("alerts-confirm", expired_token(waiting)), 400),
        AlertPage("confirm, bad token", url("alerts-confirm", "not-a-token"), 400),
        AlertPage("manage", url("alerts-manage", managed.key)),
        AlertPage("manage, saved", url("alerts-manage", saved.key), 200, send,
                  post=url("alerts-manage", saved.key), data={"frequency": "weekly"}),
        AlertPage("unsubscribe", url("alerts-unsubscribe", managed.key)),
        AlertPage("left", url("alerts-unsubscribe", leaving.key), 200, "main form button",
                  post=url("alerts-unsubscribe", leaving.key)),
        AlertPage("forgotten", url("alerts-manage", forgetting.key), 200, "form[action$='/forget/'] button",
                  post=url("alerts-forget", forgetting.key)),
        AlertPage("gone", url("alerts-manage", "no-such-key"), 404),
        AlertPage("too many", subscribe, 429, send, fill={"input[name=email]": "x@example.org", **each},
                  post=subscribe, data={"email": "x@example.org", "frequency": "each"},
                  settings={"ALERT_REQUESTS_PER_HOUR": 0}),
    ]  # fmt: skip
