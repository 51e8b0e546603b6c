import datetime
from xml.etree import ElementTree

import feedparser
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from reports.models import Author, Correction, Report, ReportAuthor
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series

FEEDS = ("/feeds/rss/", "/feeds/atom/")
ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"


class FeedTests(SitrepTestCase):
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

    def test_control_characters_a_filter_strips_are_neither_filters_nor_in_the_xml(self):
        # Found by the fuzzer: "week=\x1f" cleans to no filter, yet was named in the title.
        for url in FEEDS:
            cases = (("?week=%1F", "sitrep: situation reports"), ("?from=2020-06-01%1F", "(From: 2020-06-01"))
            for query, title in cases:
                with self.subTest(url=url, query=query):
                    response = self.client.get(url + query)
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(title, self.parse(url + query).feed.title)
        self.assertNotContains(self.client.get("/?week=%1F"), "Active filters")

    def test_invalid_filter_is_a_400_with_the_reason(self):
        for url in FEEDS:
            for query, reason in (("?week=2020-W60", "not one of them"), ("?tag=nope", "There is no tag")):
                with self.subTest(url=url, query=query):
                    response = self.client.get(url + query)
                    self.assertEqual(response.status_code, 400)
                    self.assertIn(reason, response.content.decode())


class FeedEntryTests(SitrepTestCase):
    """What each entry carries, and search, in both formats."""

    @classmethod
    def setUpTestData(cls):
        cls.writer = get_user_model().objects.create_user("jdoe", first_name="Jane", last_name="Doe")
        cls.signed = make_report(
            "Rockets on the airport",
            start=(2020, 7, 29),
            end=(2020, 8, 5),
            created_by=cls.writer,
            published_at=datetime.datetime(2020, 8, 6, 9, tzinfo=datetime.UTC),
            summary="Rocket attacks hit Baghdad airport.",
            tags=["Rocket attacks", "Baghdad"],
        )
        # Signed by its byline, since bylines replaced the creating user as the author.
        ReportAuthor.objects.create(report=cls.signed, author=Author.objects.create(name="Jane Doe", slug="jane-doe"))
        make_report("Quiet week", start=(2020, 8, 12), end=(2020, 8, 18), summary="Nothing happened.")
        make_report("Rocket draft", status=Report.Status.DRAFT, summary="Rocket attacks in a draft.")
        # Readers last saw it change when it was corrected.
        Correction.objects.create(
            report=cls.signed, note="Corrected the airport's name.",
            created_at=datetime.datetime(2020, 8, 9, 10, tzinfo=datetime.UTC),
        )  # fmt: skip

    def entries(self, url):
        root = ElementTree.fromstring(self.client.get(url).content)
        return root.findall(".//item") or root.findall(f"{{{ATOM}}}entry")

    def test_search_and_other_filters_narrow_both_feeds(self):
        for url in FEEDS:
            for query, expected in {
                "?q=rocket": 1,
                "?q=rocket&tag=baghdad": 1,
                "?q=rocket&week=2020-W33": 0,
                "": 2,
            }.items():
                with self.subTest(url=url, query=query):
                    self.assertEqual(len(self.entries(url + query)), expected)

    def test_search_feed_says_so_and_points_to_itself_with_its_filters(self):
        for url in FEEDS:
            with self.subTest(url):
                feed = feedparser.parse(self.client.get(url + "?q=rocket&tag=baghdad").content)
                self.assertEqual(feed.feed.title, "sitrep: situation reports (Search: “rocket”; Tag: Baghdad)")
                self.assertIn(
                    "http://testserver" + url + "?q=rocket&tag=baghdad", [link.href for link in feed.feed.links]
                )

    def test_entry_carries_period_summary_tags_author_and_updated_date(self):
        rss = self.entries("/feeds/rss/?q=airport")[0]
        self.assertEqual(rss.find(f"{{{DC}}}coverage").text, "2020-07-29/2020-08-05")
        self.assertEqual(rss.find(f"{{{ATOM}}}updated").text, "2020-08-09T10:00:00+00:00")
        self.assertEqual(sorted(c.text for c in rss.findall("category")), ["Baghdad", "Rocket attacks"])
        self.assertEqual(rss.find(f"{{{DC}}}creator").text, "Jane Doe")
        self.assertIn("July 29 – August 5, 2020", rss.find("description").text)
        self.assertIn("Rocket attacks hit Baghdad airport.", rss.find("description").text)

        atom = self.entries("/feeds/atom/?q=airport")[0]
        self.assertEqual(atom.find(f"{{{DC}}}coverage").text, "2020-07-29/2020-08-05")
        self.assertEqual(atom.find(f"{{{ATOM}}}updated").text, "2020-08-09T10:00:00+00:00")
        self.assertEqual(
            sorted(c.get("term") for c in atom.findall(f"{{{ATOM}}}category")), ["Baghdad", "Rocket attacks"]
        )
        self.assertEqual(atom.find(f"{{{ATOM}}}author/{{{ATOM}}}name").text, "Jane Doe")
        self.assertIn("July 29 – August 5, 2020", atom.find(f"{{{ATOM}}}summary").text)

    def test_an_unsigned_report_is_credited_to_its_series(self):
        entry = self.entries("/feeds/atom/?q=nothing")[0]
        self.assertEqual(entry.find(f"{{{ATOM}}}author/{{{ATOM}}}name").text, "Iraq Situation Report")

    def test_an_empty_search_is_a_400(self):
        for url in FEEDS:
            with self.subTest(url):
                response = self.client.get(url + "?q=%21%21")
                self.assertContains(response, "q: Search for at least one word", status_code=400)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_query_count_does_not_grow_with_entries(self):
        # the page of entries with series, writer, tags and corrections: one query (once the
        # generation's numbering and the words' sets are read, on PostgreSQL: test_query_counts)
        for url in FEEDS:
            self.client.get(url + "?q=rocket")
            with self.subTest(url), self.assertNumQueries(1):
                self.client.get(url + "?q=rocket")
