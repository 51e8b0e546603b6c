import datetime

import feedparser
from django.test import TestCase
from django.utils import timezone

from reports.models import Report

from .helpers import make_report, make_series

FEEDS = ("/feeds/rss/", "/feeds/atom/")


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_series()
        cls.june = make_report("June 24-30", start=(2020, 6, 24), end=(2020, 6, 30), tags=["Iran", "Baghdad"])
        cls.july = make_report("July 1-7", start=(2020, 7, 1), end=(2020, 7, 7), tags=["Kata’ib Hezbollah"])
        make_report("Draft", status=Report.Status.DRAFT, tags=["Iran"])
        make_report("Scheduled", published_at=timezone.now() + datetime.timedelta(hours=1), tags=["Iran"])

    def parse(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        feed = feedparser.parse(response.content)
        self.assertEqual(feed.bozo, 0, getattr(feed, "bozo_exception", None))
        return feed

    def test_feeds_list_published_reports_only(self):
        for url in FEEDS:
            with self.subTest(url):
                feed = self.parse(url)
                self.assertEqual(sorted(e.title for e in feed.entries), ["July 1-7", "June 24-30"])

    def test_scheduled_report_is_not_in_feed(self):
        for url in FEEDS:
            with self.subTest(url):
                self.assertNotIn("Scheduled", [e.title for e in self.parse(url).entries])

    def test_entries_carry_link_period_summary_tags_and_dates(self):
        for url in FEEDS:
            with self.subTest(url):
                entry = next(e for e in self.parse(url).entries if e.title == "June 24-30")
                self.assertTrue(entry.link.endswith(self.june.get_absolute_url()))
                self.assertIn("June 24–30, 2020", entry.summary)
                self.assertIn(self.june.summary, entry.summary)
                self.assertEqual(sorted(t.term for t in entry.tags), ["Baghdad", "Iran"])
                self.assertIsNotNone(entry.get("published_parsed") or entry.get("updated_parsed"))
        atom_entry = self.parse("/feeds/atom/").entries[0]
        self.assertIsNotNone(atom_entry.updated_parsed)

    def test_feeds_honour_the_archive_filters(self):
        cases = {
            "?tag=iran": ["June 24-30"],
            "?tag=kataib-hezbollah": ["July 1-7"],
            "?week=2020-W27": ["July 1-7", "June 24-30"],
            "?week=2020-W26": ["June 24-30"],
            "?from=2020-07-02": ["July 1-7"],
            "?tag=iran&tag=baghdad&series=iraq": ["June 24-30"],
        }
        for url in FEEDS:
            for query, expected in cases.items():
                with self.subTest(url=url, query=query):
                    feed = self.parse(url + query)
                    self.assertEqual(sorted(e.title for e in feed.entries), sorted(expected))

    def test_feed_title_names_its_filters(self):
        self.assertIn("Tag: Iran", self.parse("/feeds/atom/?tag=iran").feed.title)

    def test_invalid_filter_is_a_400_with_the_reason(self):
        for url in FEEDS:
            for query, reason in (("?week=2020-W60", "not one of them"), ("?tag=nope", "There is no tag")):
                with self.subTest(url=url, query=query):
                    response = self.client.get(url + query)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(reason, response.content.decode())
