"""The alert subscribers and deliveries in the admin: editors read them, writers never see them,
nobody adds or changes them."""

from django.urls import reverse
from django.utils import timezone

from reports.models import Delivery, Subscriber, Subscription
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user


class AlertAdminTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ("writer", "editor")}
        cls.report = make_report("Iraq report", tags=["Iraq"])
        cls.suspended = Subscriber.objects.create(
            email="bounced@example.org", suspended_at=timezone.now(), suspended_reason="550 Mailbox unavailable"
        )
        cls.active = Subscriber.objects.create(email="reader@example.org")
        for subscriber in (cls.suspended, cls.active):
            confirmed = Subscription.objects.create(
                subscriber=subscriber,
                query="tag=iraq",
                description="Reports tagged Iraq",
                language="en",
                confirmed_at=timezone.now(),
            )
            Subscription.objects.create(subscriber=subscriber, query="", description="Every report", language="en")
            Delivery.objects.create(
                subscriber=subscriber,
                subscription=confirmed,
                report=cls.report,
                state=Delivery.State.FAILED,
                attempts=5,
                error="550 Mailbox unavailable",
            )

    def url(self, name, *args):
        return reverse(f"admin:reports_{name}", args=args)

    def test_editor_sees_the_subscribers_and_the_suspended_address(self):
        self.client.force_login(self.users["editor"])
        response = self.client.get(self.url("subscriber_changelist"))
        self.assertContains(response, "bounced@example.org")
        self.assertContains(response, "550 Mailbox unavailable")
        self.assertContains(response, "reader@example.org")
        suspended = self.client.get(self.url("subscriber_changelist"), {"suspended": "yes"})
        self.assertContains(suspended, "bounced@example.org")
        self.assertNotContains(suspended, "reader@example.org")
        not_suspended = self.client.get(self.url("subscriber_changelist"), {"suspended": "no"})
        self.assertNotContains(not_suspended, "bounced@example.org")
        self.assertContains(not_suspended, "reader@example.org")
        searched = self.client.get(self.url("subscriber_changelist"), {"q": "bounced"})
        self.assertContains(searched, "bounced@example.org")
        self.assertNotContains(searched, "reader@example.org")

    def test_the_list_counts_subscriptions_and_confirmed_ones(self):
        self.client.force_login(self.users["editor"])
        response = self.client.get(self.url("subscriber_changelist"))
        rows = {row.email: row for row in response.context["cl"].result_list}
        self.assertEqual(
            (rows["bounced@example.org"].subscription_total, rows["bounced@example.org"].confirmed_total), (2, 1)
        )

    def test_the_change_page_shows_subscriptions_and_deliveries_read_only(self):
        self.client.force_login(self.users["editor"])
        response = self.client.get(self.url("subscriber_change", self.suspended.pk))
        self.assertContains(response, "Reports tagged Iraq")
        self.assertContains(response, "Iraq report")
        self.assertNotContains(response, 'name="_save"')
        self.assertNotContains(response, 'name="email"')

    def test_deliveries_are_listed_by_state(self):
        self.client.force_login(self.users["editor"])
        response = self.client.get(self.url("delivery_changelist"), {"state__exact": "failed"})
        self.assertContains(response, "bounced@example.org")
        self.assertEqual(len(response.context["cl"].result_list), 2)
        sent = self.client.get(self.url("delivery_changelist"), {"state__exact": "sent"})
        self.assertEqual(len(sent.context["cl"].result_list), 0)

    def test_only_editors_see_the_alert_models(self):
        for role, allowed in (("writer", False), ("editor", True)):
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                index = self.client.get(reverse("admin:index"))
                self.assertEqual(index.status_code, 200)
                names = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
                self.assertEqual({"Subscriber", "Delivery"} <= names, allowed)
                self.assertNotIn("Subscription", names)
                for url in (
                    self.url("subscriber_changelist"),
                    self.url("subscriber_change", self.suspended.pk),
                    self.url("delivery_changelist"),
                    self.url("delivery_change", Delivery.objects.first().pk),
                ):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200 if allowed else 403, url)
                    if not allowed:
                        self.assertNotContains(response, "bounced@example.org", status_code=403)

    def test_nobody_adds_changes_or_deletes(self):
        for role in ("writer", "editor"):
            with self.subTest(role=role):
                self.client.force_login(self.users[role])
                self.assertEqual(self.client.get(self.url("subscriber_add")).status_code, 403)
                self.assertEqual(self.client.get(self.url("delivery_add")).status_code, 403)
                changed = self.client.post(
                    self.url("subscriber_change", self.active.pk), {"email": "someone@example.org"}
                )
                self.assertEqual(changed.status_code, 403)
                deleted = self.client.post(self.url("subscriber_delete", self.active.pk), {"post": "yes"})
                self.assertEqual(deleted.status_code, 403)
                self.assertEqual(Subscriber.objects.get(pk=self.active.pk).email, "reader@example.org")

    def test_the_list_makes_a_fixed_number_of_queries(self):
        self.client.force_login(self.users["editor"])
        self.client.get(self.url("subscriber_changelist"))  # the session and permissions cached
        for n in range(5):
            Subscriber.objects.create(email=f"more{n}@example.org")
        with self.assertNumQueries(QUERIES):
            self.client.get(self.url("subscriber_changelist"))


QUERIES = 7
