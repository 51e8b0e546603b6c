"""The alerts' sending guarantees, through a real SMTP server on this machine (tests/smtp.py),
with the messages read back as a mail client reads them: what an alert says and links to, the
one-click unsubscribe, exactly one message per address, and the subscription's language."""

import re

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from reports.alerts import tasks
from reports.editorial.actions import workflow
from reports.models import Delivery, Report, Subscriber, Subscription
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user
from tests.smtp import SMTPServer

SITE = "https://sitrep.test"


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def links(message):
    return re.findall(r"https?://\S+", body(message))


def follow(email, query="tag=iraq", *, language="en", frequency="each", confirmed=True):
    """A subscription as a reader who confirmed it (or not) would have it."""
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    return Subscription.objects.create(
        subscriber=subscriber,
        query=query,
        language=language,
        frequency=frequency,
        description=f"Reports matching {query}",
        confirmed_at=timezone.now() if confirmed else None,
    )


def header(message, name):
    """A header's value as a mail client reads it: Django folds a long one onto a continuation
    line (as RFC 5322 allows), which leaves a leading space after unfolding."""
    return message[name].strip()


def recipients(messages):
    return sorted(message["To"] for message in messages)


class SendingMixin:
    """Each test sends through its own SMTP server; `self.publish` publishes as an editor does."""

    def setUp(self):
        super().setUp()
        self.smtp = self.enterContext(SMTPServer())
        self.enterContext(override_settings(**self.smtp.settings()))

    def publish(self, title="New Iraq report", tags=("Iraq",), **fields):
        draft = make_report(title, tags=tags, status=Report.Status.DRAFT, **fields)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(draft, by=self.editor)
        draft.refresh_from_db()
        return draft

    def site_path(self, url):
        self.assertTrue(url.startswith(SITE + "/"), url)
        return url.removeprefix(SITE)


@override_settings(SITE_URL=SITE)
class AlertMessageTests(SendingMixin, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.subscription = follow("reader@example.org")

    def test_an_alert_reads_in_a_mail_client_with_its_title_address_and_one_click_headers(self):
        report = self.publish("Iraq Situation Report: July 1-7, 2020")
        [message] = self.smtp.wait_for(1)
        self.assertEqual(message["Subject"], "Iraq Situation Report: July 1-7, 2020")
        self.assertEqual(message["To"], "reader@example.org")
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        self.assertTrue(header(message, "List-Id").endswith("<alerts.sitrep.test>"), message["List-Id"])
        unsubscribe = SITE + reverse("reports:alerts-unsubscribe", args=[self.subscription.key])
        self.assertEqual(header(message, "List-Unsubscribe"), f"<{unsubscribe}>")
        text = body(message)
        self.assertIn("You follow: Reports tagged Iraq", text)
        self.assertIn(report.summary, text)

    def test_the_links_of_an_alert_lead_to_the_report_and_to_the_manage_page(self):
        report = self.publish("Iraq Situation Report: July 1-7, 2020")
        [message] = self.smtp.wait_for(1)
        found = links(message)
        report_url = SITE + reverse("reports:detail", args=[report.slug])
        manage_url = SITE + reverse("reports:alerts-manage", args=[self.subscription.key])
        self.assertIn(report_url, found)
        self.assertIn(manage_url, found)
        self.assertContains(self.client.get(self.site_path(report_url)), "Iraq Situation Report: July 1-7, 2020")
        manage = self.client.get(self.site_path(manage_url))
        self.assertContains(manage, "Reports tagged Iraq")

    def test_the_one_click_post_unsubscribes_with_no_cookie_or_token_and_a_get_only_asks(self):
        self.publish()
        [message] = self.smtp.wait_for(1)
        path = self.site_path(header(message, "List-Unsubscribe").strip("<>"))
        asked = self.client.get(path)
        self.assertEqual(asked.status_code, 200)
        self.assertTrue(Subscription.objects.filter(pk=self.subscription.pk).exists())
        mail_client = Client(enforce_csrf_checks=True)  # as a mail provider posts: no cookie, no token
        self.assertEqual(mail_client.cookies.keys(), set())
        left = mail_client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        self.assertEqual(left.status_code, 200)
        self.assertFalse(Subscription.objects.filter(pk=self.subscription.pk).exists())
        self.publish("Another Iraq report")
        self.assertEqual(len(self.smtp.messages), 1)


class ExactlyOnceTests(SendingMixin, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_report("Syria report", tags=["Syria"])  # the tag exists: its filter is valid

    def rerun(self, report):
        """The fan-out task retried, and the sending task run twice more for every delivery."""
        with self.captureOnCommitCallbacks(execute=True):
            tasks.alert_report.enqueue(report.pk, report.published_at.isoformat())
        ids = list(Delivery.objects.filter(report=report).values_list("pk", flat=True))
        for _ in range(2):
            with self.captureOnCommitCallbacks(execute=True):
                tasks.send_deliveries.enqueue(ids)

    def test_a_retried_fan_out_and_sending_task_send_each_address_one_message(self):
        follow("one@example.org")
        follow("two@example.org")
        report = self.publish()
        self.rerun(report)
        self.assertEqual(recipients(self.smtp.wait_for(2)), ["one@example.org", "two@example.org"])
        self.assertEqual(recipients(self.smtp.messages), ["one@example.org", "two@example.org"])
        self.assertEqual(set(Delivery.objects.values_list("state", flat=True)), {Delivery.State.SENT})

    def test_an_address_whose_two_subscriptions_match_gets_one_message(self):
        follow("both@example.org", "tag=iraq")
        follow("both@example.org", "series=iraq")
        report = self.publish()
        self.rerun(report)
        self.assertEqual(recipients(self.smtp.wait_for(1)), ["both@example.org"])
        self.assertEqual(Delivery.objects.filter(report=report).count(), 1)

    def test_a_subscription_that_does_not_match_gets_nothing(self):
        follow("syria@example.org", "tag=syria")
        follow("iraq@example.org", "tag=iraq")
        self.publish()
        self.assertEqual(recipients(self.smtp.wait_for(1)), ["iraq@example.org"])
        self.assertFalse(Delivery.objects.filter(subscriber__email="syria@example.org").exists())

    def test_an_unconfirmed_subscription_gets_nothing(self):
        follow("unconfirmed@example.org", confirmed=False)
        follow("iraq@example.org")
        report = self.publish()
        self.rerun(report)
        self.assertEqual(recipients(self.smtp.wait_for(1)), ["iraq@example.org"])
        self.assertFalse(Delivery.objects.filter(subscriber__email="unconfirmed@example.org").exists())


@override_settings(SITE_URL=SITE)
class ArabicAlertTests(SendingMixin, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_report("Earlier Arabic report", tags=["Iraq"], language="ar")

    def subscribe_from_the_arabic_page(self, email):
        with translation.override("ar"):
            page = reverse("reports:alerts-subscribe") + "?tag=iraq"
        self.assertTrue(page.startswith("/ar/"), page)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(page, {"email": email, "frequency": "each"})
        [confirmation] = self.smtp.wait_for(1)
        confirm = next(link for link in links(confirmation) if "/alerts/confirm/" in link)
        self.assertTrue(confirm.startswith(SITE + "/ar/"), confirm)
        self.assertEqual(self.client.post(self.site_path(confirm)).status_code, 302)

    def test_an_alert_asked_for_on_the_arabic_page_comes_with_arabic_links(self):
        self.subscribe_from_the_arabic_page("reader@example.org")
        self.assertEqual(Subscription.objects.get().language, "ar")
        report = self.publish("تقرير العراق", language="ar")
        messages = self.smtp.wait_for(2)
        self.assertEqual(len(messages), 2)
        alert = messages[1]
        self.assertEqual(alert["Subject"], "تقرير العراق")
        self.assertEqual(alert["Content-Language"], "ar")
        self.assertTrue(header(alert, "List-Unsubscribe").startswith(f"<{SITE}/ar/"), alert["List-Unsubscribe"])
        found = links(alert)
        self.assertTrue(found)
        for link in found:
            self.assertTrue(link.startswith(SITE + "/ar/"), link)
        with translation.override("ar"):
            report_url = SITE + reverse("reports:detail", args=[report.slug])
        self.assertIn(report_url, found)
        self.assertContains(self.client.get(self.site_path(report_url)), "تقرير العراق")
