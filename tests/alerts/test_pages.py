"""The readers' alert pages through the test client: what is followed, in words and by week,
the subscribe form's abuse rules, the signed confirmation, the manage, leave and forget pages,
and that none of them is cached."""

import datetime
import re
import time
from collections import Counter
from unittest import mock

from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from taggit.models import Tag

from reports.alerts import mail as alert_mail
from reports.alerts.following import WEEKS_COUNTED
from reports.editorial.actions import workflow
from reports.models import Delivery, Report, Subscriber, Subscription
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user
from tests.smtp import SMTPServer

SUBSCRIBE = reverse("reports:alerts-subscribe")
ASKED = reverse("reports:alerts-asked")


def token_in(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


class PageTestCase(SitrepTestCase):
    def subscribe(
        self, email="reader@example.org", query="tag=iraq", frequency="each", client=None, token=None, **meta
    ):
        data = {"email": email, "frequency": frequency} | ({"csrfmiddlewaretoken": token} if token else {})
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(f"{SUBSCRIBE}?{query}", data, **meta)

    @staticmethod
    def subscription(email="reader@example.org", query="tag=iraq", confirmed=False):
        subscriber, _ = Subscriber.objects.get_or_create(email=email)
        return Subscription.objects.create(
            subscriber=subscriber,
            query=query,
            language="en",
            description="Reports tagged Iraq",
            confirmed_at=timezone.now() if confirmed else None,
        )


class FollowedFiltersTests(PageTestCase):
    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        iraq = make_series()
        other = make_series("Syria Situation Report", slug="syria")
        for days in (1, 2, 9, 30, 31, 60, 70, 200):
            make_report(
                f"KH {days}", series=iraq, tags=["Kata'ib Hezbollah"], published_at=now - datetime.timedelta(days=days)
            )
        make_report(
            "KH elsewhere", series=other, tags=["Kata'ib Hezbollah"], published_at=now - datetime.timedelta(days=3)
        )
        make_report("Untagged", series=iraq, published_at=now - datetime.timedelta(days=3))
        make_report("KH draft", series=iraq, tags=["Kata'ib Hezbollah"], status=Report.Status.DRAFT)
        cls.tag = Tag.objects.get(name="Kata'ib Hezbollah")

    def test_the_page_says_what_is_followed_in_words(self):
        response = self.client.get(SUBSCRIBE, {"tag": self.tag.slug, "series": "iraq"})
        self.assertContains(response, "Reports tagged Kata&#x27;ib Hezbollah in Iraq Situation Report")
        self.assertEqual(response.context["description"], "Reports tagged Kata'ib Hezbollah in Iraq Situation Report")

    def test_no_filters_follow_every_report(self):
        for query in ({}, {"tag": "", "q": " "}, {"page": "2"}):
            with self.subTest(query=query):
                self.assertContains(
                    self.client.get(SUBSCRIBE, query), 'You will follow: <strong dir="auto">Every report'
                )

    def test_the_weeks_count_the_published_reports_first_published_in_each(self):
        response = self.client.get(SUBSCRIBE, {"tag": self.tag.slug, "series": "iraq"})
        weeks = response.context["weeks"]
        self.assertEqual(len(weeks), WEEKS_COUNTED)
        today = timezone.localdate()
        mondays = [today - datetime.timedelta(days=today.weekday(), weeks=n) for n in reversed(range(WEEKS_COUNTED))]
        self.assertEqual([monday for _, monday, _ in weeks], mondays)
        counted = Counter()
        for report in Report.objects.filter(status=Report.Status.PUBLISHED, series__slug="iraq", tags=self.tag):
            day = timezone.localdate(report.first_published_at)
            counted[day - datetime.timedelta(days=day.weekday())] += 1
        self.assertEqual([count for _, _, count in weeks], [counted[monday] for monday in mondays])
        self.assertEqual(sum(count for _, _, count in weeks), 7)  # all but the one 200 days ago
        label, monday, _ = weeks[-1]
        self.assertEqual(label, "{}-W{:02d}".format(*monday.isocalendar()[:2]))
        self.assertContains(response, f'<time datetime="{label}" dir="ltr">{label}</time>')

    def test_a_search_is_followed_and_counted_like_the_archive_finds_it(self):
        make_report("Militia attacks on convoys", series=make_series(), published_at=timezone.now())
        response = self.client.get(SUBSCRIBE, {"q": "convoys"})
        self.assertEqual(response.context["description"], "Reports matching “convoys”")
        archive = self.client.get(reverse("reports:archive"), {"q": "convoys"})
        self.assertEqual(sum(count for _, _, count in response.context["weeks"]), archive.context["paginator"].count)
        self.assertEqual(response.context["weeks"][-1][2], 1)

    def test_filters_that_cannot_be_followed_are_refused_with_the_reason(self):
        for query, reason in (
            ({"tag": "no-such-tag"}, "Tags"),
            ({"week": "2020-W99"}, "Week"),
            ({"series": "no-such-series"}, "Series"),
            ({"from": "yesterday"}, "YYYY-MM-DD"),
        ):
            with self.subTest(query=query):
                response = self.client.get(SUBSCRIBE, query)
                self.assertContains(response, "These filters cannot be followed", status_code=400)
                self.assertContains(response, reason, status_code=400)
                posted = self.client.post(f"{SUBSCRIBE}?{next(iter(query))}={next(iter(query.values()))}",
                                          {"email": "reader@example.org", "frequency": "each"})  # fmt: skip
                self.assertEqual(posted.status_code, 400)
        self.assertFalse(Subscriber.objects.exists())


class SubscribeFormTests(PageTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("Iraq report", tags=["Iraq"])

    def test_the_form_needs_its_csrf_token(self):
        client = self.client_class(enforce_csrf_checks=True)
        refused = self.subscribe(client=client)
        self.assertEqual(refused.status_code, 403)
        self.assertFalse(Subscriber.objects.exists())
        token = token_in(client.get(SUBSCRIBE, {"tag": "iraq"}))
        accepted = self.subscribe(client=client, token=token)
        self.assertRedirects(accepted, ASKED)

    def test_an_invalid_address_is_refused_and_kept_in_the_form(self):
        response = self.subscribe(email="reader at example")
        self.assertContains(response, "Enter an e-mail address like name@example.org.", status_code=400)
        self.assertContains(response, 'value="reader at example"', status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertFalse(Subscriber.objects.exists())

    def test_the_answer_is_the_same_whatever_the_address_already_follows(self):
        self.subscription("unconfirmed@example.org")
        self.subscription("confirmed@example.org", confirmed=True)
        answers = []
        for email in ("new@example.org", "unconfirmed@example.org", "confirmed@example.org"):
            response = self.subscribe(email=email)
            page = self.client.get(response["Location"])
            answers.append((response.status_code, response["Location"], page.status_code, page.content))
        self.assertEqual(answers[0][:2], (302, ASKED))
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0], answers[2])

    def test_asking_again_does_not_make_a_second_subscription(self):
        self.subscribe(email="Reader@Example.org")
        self.subscribe(email="reader@example.org ", frequency="weekly")
        subscription = Subscription.objects.get()
        self.assertEqual((subscription.subscriber.email, subscription.frequency), ("reader@example.org", "weekly"))
        self.subscribe(query="tag=iraq&tag=iraq")  # the same filter, written differently
        self.assertEqual(Subscription.objects.count(), 1)

    def test_at_most_one_confirmation_per_address_per_ten_minutes(self):
        with SMTPServer() as smtp, override_settings(**smtp.settings()):
            self.subscribe()
            self.assertEqual(len(smtp.wait_for(1)), 1)
            self.subscribe()
            self.subscribe(query="")  # another filter, the same address
            self.assertEqual(len(smtp.messages), 1)
            self.assertEqual(Subscription.objects.count(), 2)
            Subscriber.objects.update(confirmation_sent_at=timezone.now() - datetime.timedelta(minutes=11))
            self.subscribe()
            self.assertEqual(len(smtp.wait_for(2)), 2)
            self.subscribe()
            self.assertEqual(len(smtp.messages), 2)
        self.assertEqual([message["To"] for message in smtp.messages], ["reader@example.org"] * 2)

    def test_many_long_tags_are_refused_or_shortened_never_a_server_error(self):
        names = [f"Tag {n:02d} " + "with a long name for a militia or a province " * 2 for n in range(25)]
        make_report("Many tags", tags=names)
        slugs = sorted(Tag.objects.filter(name__in=names).values_list("slug", flat=True))
        query = "&".join(f"tag={slug}" for slug in slugs)
        self.assertGreater(len(query), Subscription._meta.get_field("query").max_length)
        refused = self.subscribe(query=query)
        self.assertContains(refused, "too many to follow together", status_code=400)
        some = "&".join(f"tag={slug}" for slug in slugs[:12])
        self.assertRedirects(self.subscribe(query=some), ASKED)
        description = Subscription.objects.get().description
        self.assertEqual(len(description), Subscription._meta.get_field("description").max_length)
        self.assertTrue(description.startswith("Reports tagged Tag 00 with"))

    def test_asked_on_the_arabic_page_the_subscription_is_in_arabic(self):
        with translation.override("ar"):
            url = reverse("reports:alerts-subscribe")
        self.assertTrue(url.startswith("/ar/"))
        page = self.client.get(url, {"tag": "iraq"})
        self.assertEqual(page.status_code, 200)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(f"{url}?tag=iraq", {"email": "reader@example.org", "frequency": "each"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Subscription.objects.get().language, "ar")

    @override_settings(ALERT_REQUESTS_PER_HOUR=2)
    def test_a_client_asking_too_often_is_refused(self):
        for n in range(2):
            self.assertEqual(self.subscribe(email=f"reader{n}@example.org").status_code, 302)
        refused = self.subscribe(email="reader2@example.org")
        self.assertContains(refused, "Too many requests", status_code=429)
        self.assertFalse(Subscriber.objects.filter(email="reader2@example.org").exists())
        elsewhere = self.subscribe(email="reader2@example.org", REMOTE_ADDR="192.0.2.7")
        self.assertEqual(elsewhere.status_code, 302)


class ConfirmationTests(PageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor", email="editor@example.org")
        make_report("Iraq report", tags=["Iraq"])

    def confirm_url(self, subscription, days_ago=0):
        with mock.patch("django.core.signing.time.time", return_value=time.time() - days_ago * 86400):
            token = alert_mail.confirmation_token(subscription)
        return reverse("reports:alerts-confirm", args=[token])

    def test_the_link_works_for_seven_days_and_not_after(self):
        for days_ago, status in ((0, 302), (6.9, 302), (7.1, 400)):
            with self.subTest(days_ago=days_ago):
                subscription = self.subscription(f"reader{days_ago}@example.org")
                response = self.client.post(self.confirm_url(subscription, days_ago))
                self.assertEqual(response.status_code, status)
                subscription.refresh_from_db()
                self.assertEqual(subscription.is_confirmed, status == 302)
                if status == 400:
                    self.assertContains(response, "expired", status_code=400)
                    self.assertContains(
                        self.client.get(self.confirm_url(subscription, days_ago)), "expired", status_code=400
                    )

    def test_a_tampered_link_is_refused(self):
        subscription = self.subscription()
        url = self.confirm_url(subscription)
        token = url.rstrip("/").rsplit("/", 1)[1]
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        forged = signing.dumps({"s": subscription.pk, "k": subscription.key[:8]}, salt="another.salt", compress=True)
        for bad in (tampered, forged, "nonsense"):
            with self.subTest(token=bad):
                response = self.client.post(reverse("reports:alerts-confirm", args=[bad]))
                self.assertContains(response, "not valid", status_code=400)
        subscription.refresh_from_db()
        self.assertFalse(subscription.is_confirmed)

    def test_following_the_link_shows_a_button_and_confirms_nothing(self):
        subscription = self.subscription()
        url = self.confirm_url(subscription)
        page = self.client.get(url)
        self.assertContains(page, '<button type="submit">Confirm</button>', html=True)
        self.assertContains(page, "reader@example.org")
        subscription.refresh_from_db()
        self.assertFalse(subscription.is_confirmed)
        confirmed = self.client.post(url)
        manage = reverse("reports:alerts-manage", args=[subscription.key])
        self.assertRedirects(confirmed, manage + "?confirmed=1")
        self.assertContains(self.client.get(confirmed["Location"]), "Confirmed: alerts will come to this address.")
        subscription.refresh_from_db()
        self.assertTrue(subscription.is_confirmed)

    def test_a_link_to_a_subscription_left_since_is_gone(self):
        subscription = self.subscription()
        url = self.confirm_url(subscription)
        subscription.delete()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)

    @override_settings(SITE_URL="https://sitrep.test")
    def test_an_unconfirmed_subscription_is_never_mailed_an_alert(self):
        self.subscription("unconfirmed@example.org")
        self.subscription("confirmed@example.org", confirmed=True)
        draft = make_report("New Iraq report", tags=["Iraq"], status=Report.Status.DRAFT)
        with SMTPServer() as smtp, override_settings(**smtp.settings()):
            with self.captureOnCommitCallbacks(execute=True):
                workflow.publish(draft, by=self.editor)
            arrived = smtp.wait_for(1)
        self.assertEqual([message["To"] for message in arrived], ["confirmed@example.org"])
        self.assertEqual(list(Delivery.objects.values_list("subscriber__email", flat=True)), ["confirmed@example.org"])


class ManageTests(PageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = make_report("Iraq report", tags=["Iraq"])

    def setUp(self):
        super().setUp()
        self.followed = self.subscription(confirmed=True)
        self.manage = reverse("reports:alerts-manage", args=[self.followed.key])
        self.unsubscribe = reverse("reports:alerts-unsubscribe", args=[self.followed.key])

    def test_the_frequency_is_changed(self):
        response = self.client.post(self.manage, {"frequency": "weekly"})
        self.assertContains(response, "Saved.")
        self.followed.refresh_from_db()
        self.assertEqual(self.followed.frequency, "weekly")

    def test_an_unknown_frequency_is_refused(self):
        response = self.client.post(self.manage, {"frequency": "hourly"})
        self.assertContains(response, "Choose one of the two.", status_code=400)
        self.followed.refresh_from_db()
        self.assertEqual(self.followed.frequency, "each")

    def test_an_unknown_key_is_not_found(self):
        for name in ("alerts-manage", "alerts-unsubscribe"):
            with self.subTest(page=name):
                url = reverse(f"reports:{name}", args=["no-such-key"])
                self.assertContains(self.client.get(url), "No such alert", status_code=404)
        self.assertEqual(self.client.post(reverse("reports:alerts-manage", args=["no-such-key"]),
                                          {"frequency": "weekly"}).status_code, 404)  # fmt: skip

    def test_forget_my_address_deletes_it_with_its_subscriptions_and_deliveries(self):
        other = self.subscription(query="")
        Delivery.objects.create(subscriber=self.followed.subscriber, subscription=self.followed, report=self.report)
        kept = self.subscription("someone@example.org", confirmed=True)
        Delivery.objects.create(subscriber=kept.subscriber, subscription=kept, report=self.report)
        forget = reverse("reports:alerts-forget", args=[self.followed.key])
        self.assertEqual(self.client.get(forget).status_code, 405)
        response = self.client.post(forget)
        self.assertContains(response, "Address forgotten")
        self.assertFalse(Subscriber.objects.filter(email="reader@example.org").exists())
        self.assertFalse(Subscription.objects.filter(pk__in=[self.followed.pk, other.pk]).exists())
        self.assertEqual(list(Delivery.objects.values_list("subscriber__email", flat=True)), ["someone@example.org"])

    def test_leaving_asks_on_get_and_leaves_on_post(self):
        page = self.client.get(self.unsubscribe)
        self.assertContains(page, "Leave this alert")
        self.assertTrue(Subscription.objects.filter(pk=self.followed.pk).exists())
        client = self.client_class(enforce_csrf_checks=True)  # one click: no cookie, no token
        for attempt in (1, 2):
            with self.subTest(attempt=attempt):
                response = client.post(self.unsubscribe)
                self.assertContains(response, "You have left")
                self.assertFalse(Subscription.objects.filter(pk=self.followed.pk).exists())
        # It followed nothing else: the address is not kept.
        self.assertFalse(Subscriber.objects.filter(email="reader@example.org").exists())

    def test_leaving_one_alert_keeps_the_address_for_the_others(self):
        other = Subscription.objects.create(
            subscriber=self.followed.subscriber, query="tag=basra", language="en", description="Reports tagged Basra"
        )
        self.client.post(self.unsubscribe)
        self.assertEqual(list(Subscription.objects.filter(subscriber__email="reader@example.org")), [other])

    def test_no_alert_page_is_cached(self):
        confirm = reverse("reports:alerts-confirm", args=[alert_mail.confirmation_token(self.followed)])
        for url in (f"{SUBSCRIBE}?tag=iraq", ASKED, confirm, self.manage, self.unsubscribe):
            with self.subTest(url=url):
                first, second = self.client.get(url), self.client.get(url)
                self.assertEqual(second.status_code, 200)
                self.assertIn("no-cache", second["Cache-Control"])
                self.assertIn("private", second["Cache-Control"])
                if b"csrfmiddlewaretoken" in first.content:
                    self.assertNotEqual(token_in(first), token_in(second))

    def test_the_pages_make_few_queries(self):
        self.client.get(f"{SUBSCRIBE}?tag=iraq")  # the vocabulary and publication state read once
        for url, queries in ((f"{SUBSCRIBE}?tag=iraq", SUBSCRIBE_QUERIES), (self.manage, MANAGE_QUERIES),
                             (self.unsubscribe, UNSUBSCRIBE_QUERIES), (ASKED, 0)):  # fmt: skip
            with self.subTest(url=url), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(url).status_code, 200)


SUBSCRIBE_QUERIES = 1  # the weekly counts (the vocabulary and publication state are cached)
MANAGE_QUERIES = 1  # the subscription with its subscriber
UNSUBSCRIBE_QUERIES = 1
