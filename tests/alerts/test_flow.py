"""A reader's whole alert, through the pages and the workflow, with Django's test outbox."""

import re

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from reports.editorial.actions import workflow
from reports.models import Delivery, Report, Subscription
from tests.alerts.test_pages import PageTestCase
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user


def links(message):
    return re.findall(r"https?://\S+", message.body)


@override_settings(SITE_URL="https://sitrep.test")
class AlertFlowTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", email="editor@example.org")
        make_report("Earlier report", tags=["Iraq"])

    def subscribe(self, email="reader@example.org", query="tag=iraq", frequency="each"):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                f"{reverse('reports:alerts-subscribe')}?{query}", {"email": email, "frequency": frequency}
            )

    def test_reader_follows_a_tag_and_gets_the_published_report(self):
        page = self.client.get(reverse("reports:alerts-subscribe") + "?tag=iraq")
        self.assertContains(page, "Reports tagged Iraq")
        response = self.subscribe()
        self.assertRedirects(response, reverse("reports:alerts-asked"))
        self.assertEqual(len(mail.outbox), 1)
        confirm_url = next(link for link in links(mail.outbox[0]) if "/alerts/confirm/" in link)
        path = confirm_url.removeprefix("https://sitrep.test")
        self.assertContains(self.client.get(path), "Confirm")
        confirmed = self.client.post(path)
        self.assertEqual(confirmed.status_code, 302)
        draft = make_report("New Iraq report", tags=["Iraq"], status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(draft, by=self.editor)
        self.assertEqual(len(mail.outbox), 2)
        alert = mail.outbox[1]
        self.assertEqual(alert.subject, "New Iraq report")
        self.assertIn("List-Unsubscribe", alert.extra_headers)
        self.assertEqual(alert.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        unsubscribe = alert.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("https://sitrep.test")
        self.assertEqual(Delivery.objects.get().state, "sent")
        client = self.client_class(enforce_csrf_checks=True)
        left = client.post(unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        self.assertEqual(left.status_code, 200)
        self.assertFalse(Subscription.objects.exists())

    def test_a_followed_search_is_matched_by_the_archive_search(self):
        found = PageTestCase.subscription("searcher@example.org", query="q=convoys", confirmed=True)
        PageTestCase.subscription("other@example.org", query="q=pipelines", confirmed=True)
        draft = make_report("Militia attacks on convoys near Basra", status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(draft, by=self.editor)
        self.assertEqual([message.to for message in mail.outbox], [["searcher@example.org"]])
        self.assertEqual(Delivery.objects.get().subscription, found)
