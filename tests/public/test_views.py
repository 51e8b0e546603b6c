import datetime
import re

from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reports.models import PublicationState, Report
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series, make_user

Status = Report.Status
FUTURE = timezone.now() + datetime.timedelta(days=3)


def titles(response):
    return [report["title"] for report in response.context["reports"]]


class ArchiveFilterTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.iraq = make_series()
        cls.syria = make_series("Syria Situation Report", "syria")
        # Weeks of 2020: W26 is June 22-28, W27 June 29-July 5, W28 July 6-12.
        cls.june = make_report("June 24-30", start=(2020, 6, 24), end=(2020, 6, 30), tags=["Iran", "Baghdad"])
        cls.july = make_report("July 1-7", start=(2020, 7, 1), end=(2020, 7, 7), tags=["Iran", "Kata’ib Hezbollah"])
        cls.syria_july = make_report(
            "Syria July 8-14", series=cls.syria, start=(2020, 7, 8), end=(2020, 7, 14), tags=["Iran"]
        )
        cls.draft = make_report("Secret draft", status=Status.DRAFT, start=(2020, 7, 1), end=(2020, 7, 7),
                                tags=["Iran", "Draft only tag"])  # fmt: skip
        cls.review = make_report("In review", status=Status.REVIEW, tags=["Iran"])
        cls.scheduled = make_report("Scheduled one", published_at=FUTURE, tags=["Iran"])

    def get(self, query=""):
        return self.client.get("/" + query)

    def test_archive_shows_only_published_reports_newest_period_first(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(titles(response), ["Syria July 8-14", "July 1-7", "June 24-30"])

    def test_each_result_is_an_article_with_title_period_summary_and_tag_links(self):
        response = self.get()
        html = response.content.decode()
        self.assertEqual(html.count("<article"), 3)
        article = re.search(r"<article.*?</article>", html, re.S).group(0)
        self.assertIn(f'href="{self.syria_july.get_absolute_url()}"', article)
        self.assertIn("July 8–14, 2020", article)
        self.assertIn(self.syria_july.summary, article)
        self.assertIn('href="/?tag=iran"', article)

    def test_filters_narrow_the_archive(self):
        cases = {
            "?tag=iran": ["Syria July 8-14", "July 1-7", "June 24-30"],
            "?tag=kataib-hezbollah": ["July 1-7"],
            "?tag=iran&tag=baghdad": ["June 24-30"],  # repeated tags: all of them
            "?tag=baghdad&tag=kataib-hezbollah": [],
            "?week=2020-W27": ["July 1-7", "June 24-30"],  # June 29-July 5 overlaps both
            "?week=2020-W26": ["June 24-30"],
            "?week=2020-W28": ["Syria July 8-14", "July 1-7"],
            "?from=2020-07-07": ["Syria July 8-14", "July 1-7"],  # both ends included
            "?to=2020-07-01": ["July 1-7", "June 24-30"],
            "?from=2020-07-02&to=2020-07-03": ["July 1-7"],
            "?from=2020-06-30&to=2020-06-30": ["June 24-30"],
            "?series=syria": ["Syria July 8-14"],
            "?series=iraq&week=2020-W28": ["July 1-7"],
            "?series=iraq&tag=iran&from=2020-06-01&to=2020-06-30": ["June 24-30"],
            "?week=2019-W01": [],
        }
        for query, expected in cases.items():
            with self.subTest(query):
                response = self.get(query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(titles(response), expected)

    def test_empty_result_says_so_plainly(self):
        response = self.get("?week=2019-W01")
        self.assertContains(response, "No published reports match these filters.")

    def test_invalid_values_give_a_clear_message_at_the_filter(self):
        cases = {
            "?week=2020-W60": "2020 has weeks W01 to W53",
            "?week=last-week": "is not an ISO week; write it like 2020-W34",
            "?from=yesterday": "Enter a date as YYYY-MM-DD",
            "?to=2020-13-45": "Enter a date as YYYY-MM-DD",
            "?from=2020-08-01&to=2020-07-01": "must not be after",
            "?tag=no-such-tag": "There is no tag “no-such-tag”",
            "?tag=iran&tag=%00": "Null characters are not allowed",
            "?week=2020-W01%00": "Null characters are not allowed",
            "?series=atlantis": "There is no such series",
            "?week=9999-W52": "runs past the end of the calendar",  # found by hypothesis
            "?week=0000-W01": "outside the calendar",
            "?q=rocket%1b": "contains control characters",  # would break the feeds' XML
        }
        for query, message in cases.items():
            with self.subTest(query):
                response = self.get(query)
                self.assertEqual(response.status_code, 400)
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, 'role="alert"', status_code=400)
                self.assertNotContains(response, "<article", status_code=400)
                self.assertContains(response, "because a filter above is not valid", status_code=400)

    def test_a_repeated_filter_lists_only_the_value_applied(self):
        response = self.get("?week=%00&week=2020-W27")  # the last value is the one used
        self.assertEqual(response.status_code, 200)
        self.assertEqual([label for label, _ in response.context["active_filters"]],
                         ["Week: 2020-W27 (June 29 – July 5, 2020)"])  # fmt: skip
        self.assertEqual(self.client.get("/feeds/atom/?week=%00&week=2020-W27").status_code, 200)

    def test_a_tag_used_only_by_drafts_is_unknown_to_the_public(self):
        response = self.get("?tag=draft-only-tag")
        self.assertContains(response, "There is no tag", status_code=400)
        self.assertNotContains(response, "Secret draft", status_code=400)

    def test_active_filters_are_listed_with_links_that_remove_each_one(self):
        response = self.get("?tag=iran&tag=baghdad&week=2020-W26")
        self.assertContains(response, "Tag: Iran")
        self.assertContains(response, "Tag: Baghdad")
        self.assertContains(response, "Week: 2020-W26 (June 22–28, 2020)")
        self.assertContains(response, 'href="/?tag=baghdad&amp;week=2020-W26"')  # removes Iran only
        self.assertContains(response, 'href="/?tag=iran&amp;tag=baghdad"')  # removes the week
        self.assertContains(response, "Clear all filters")

    def test_empty_fields_from_the_filter_form_are_dropped_from_the_url(self):
        response = self.get("?tag=iran&week=2020-W27&from=&to=&series=")
        self.assertRedirects(response, "/?tag=iran&week=2020-W27")
        self.assertRedirects(self.get("?from=&to="), "/")

    def test_feed_links_carry_the_current_filters(self):
        response = self.get("?tag=iran&week=2020-W27&page=1")
        self.assertContains(response, 'rel="alternate" type="application/atom+xml"')
        self.assertContains(response, 'href="/feeds/atom/?tag=iran&amp;week=2020-W27"')
        self.assertContains(response, 'href="/feeds/rss/?tag=iran&amp;week=2020-W27"')


class ArchivePaginationTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        start = datetime.date(2020, 1, 6)
        for week in range(25):
            monday = start + datetime.timedelta(weeks=week)
            sunday = monday + datetime.timedelta(days=6)
            make_report(f"Week {week + 1}", start=monday.timetuple()[:3], end=sunday.timetuple()[:3],
                        tags=["Iran", f"Tag {week % 5}", f"Tag {week % 7 + 10}"])  # fmt: skip

    def test_twenty_reports_a_page(self):
        first, second = self.client.get("/"), self.client.get("/?page=2")
        self.assertEqual(len(first.context["reports"]), 20)
        self.assertEqual(titles(first)[0], "Week 25")
        self.assertEqual(titles(second), [f"Week {n}" for n in range(5, 0, -1)])
        self.assertContains(first, 'rel="next" href="?page=2"')

    def test_pagination_keeps_the_filters(self):
        response = self.client.get("/?tag=iran")
        self.assertContains(response, 'href="?tag=iran&amp;page=2"')

    def test_a_page_that_does_not_exist_is_a_404(self):
        for page in ("3", "0", "abc", "99999999999999999999"):
            with self.subTest(page=page):
                response = self.client.get(f"/?page={page}")
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "Go to the archive", status_code=404)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_archive_query_count_does_not_grow_with_reports_or_tags(self):
        # The first request of a generation: the facets (which also give the count) and the page
        # of reports with their series and tags; the tag is checked without a query. With no
        # filters, the facets come with the publication state (derived by the change); with no
        # more results than a page, they are counted from the page's own rows.
        # On PostgreSQL, a tag and a week are sets: the generation's numbering, then the page by ids.
        week = 2 if connection.vendor == "postgresql" else 1
        for url, queries in (("/", 1), ("/?tag=iran&week=2020-W10", week), ("/?tag=iran", 2)):
            forget_cached_results()
            with self.subTest(url), self.assertNumQueries(queries):
                self.client.get(url)
        for week in range(25, 40):
            monday = datetime.date(2020, 1, 6) + datetime.timedelta(weeks=week)
            make_report(f"Week {week + 1}", start=monday.timetuple()[:3], end=monday.timetuple()[:3],
                        tags=[f"Extra {week}", "Iran"])  # fmt: skip
        PublicationState.objects.record_change()
        forget_cached_results()
        with self.assertNumQueries(1):
            self.client.get("/")
        with self.assertNumQueries(0):  # then none: the page is kept for the generation too
            self.client.get("/")


class ReportDetailTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = make_report("First", start=(2020, 6, 10), end=(2020, 6, 16), tags=["Iran"])
        cls.middle = make_report("Middle", start=(2020, 6, 17), end=(2020, 6, 23), body="## Heading\n\n*Emphasis*")
        cls.last = make_report("Last", start=(2020, 6, 24), end=(2020, 6, 30))
        cls.other_series = make_report("Other", series=make_series("Other", "other"), start=(2020, 6, 20))
        cls.unpublished = {
            "draft": make_report("A draft", status=Status.DRAFT),
            "review": make_report("In review", status=Status.REVIEW),
            "scheduled": make_report("Scheduled", published_at=FUTURE),
        }

    def test_report_page_shows_everything_a_reader_needs(self):
        response = self.client.get(self.middle.get_absolute_url())
        self.assertContains(response, "<h1>Middle</h1>", html=True)
        self.assertContains(response, "June 17–23, 2020")
        self.assertContains(response, self.middle.series.name)
        self.assertContains(response, "Published")
        self.assertContains(response, self.middle.summary)
        self.assertContains(response, "<h2>Heading</h2>", html=True)
        self.assertContains(response, f'rel="prev" href="{self.first.get_absolute_url()}"')
        self.assertContains(response, f'rel="next" href="{self.last.get_absolute_url()}"')
        self.assertNotContains(response, "Other")
        self.assertNotContains(response, "noindex")

    def test_tags_on_the_report_page_link_to_the_archive(self):
        self.assertContains(self.client.get(self.first.get_absolute_url()), 'href="/?tag=iran"')

    def test_unpublished_reports_are_404_for_the_public(self):
        for state, report in self.unpublished.items():
            with self.subTest(state):
                self.assertEqual(self.client.get(report.get_absolute_url()).status_code, 404)

    def test_staff_preview_unpublished_reports_marked_and_never_cached(self):
        for role in ("writer", "editor"):
            self.client.force_login(make_user(role))
            for state, report in self.unpublished.items():
                with self.subTest(role=role, state=state):
                    response = self.client.get(report.get_absolute_url())
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, "<strong>Preview</strong>")
                    self.assertIn("no-store", response["Cache-Control"])
                    self.assertContains(response, "noindex")
            self.client.logout()

    def test_published_report_is_not_marked_as_preview_for_staff(self):
        self.client.force_login(make_user("editor"))
        response = self.client.get(self.first.get_absolute_url())
        self.assertNotContains(response, "<strong>Preview</strong>")

    def test_unknown_slug_is_404_with_a_helpful_page(self):
        response = self.client.get("/reports/no-such-report/")
        self.assertContains(response, "Not found", status_code=404)


class TagListTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("One", tags=["Iran", "Baghdad"])
        make_report("Two", tags=["Iran"])
        make_report("Draft", status=Status.DRAFT, tags=["Iran", "Hidden"])
        make_report("Later", published_at=FUTURE, tags=["Hidden"])

    def test_tags_are_listed_with_their_published_report_counts(self):
        response = self.client.get(reverse("reports:tags"))
        self.assertEqual(
            [(t["tag__name"], t["report_count"]) for t in response.context["tags"]], [("Iran", 2), ("Baghdad", 1)]
        )
        self.assertContains(response, 'href="/?tag=iran"')
        self.assertNotContains(response, "Hidden")

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_the_api_lists_the_same_tags(self):
        forget_cached_results()
        with self.assertNumQueries(0):  # the public vocabulary, read with the publication state
            data = self.client.get("/api/tags/").json()
        self.assertEqual(data["count"], 2)
        self.assertEqual(
            data["results"],
            [
                {
                    "name": "Iran",
                    "name_ar": None,
                    "slug": "iran",
                    "report_count": 2,
                    "url": "http://testserver/tags/iran/",
                },
                {
                    "name": "Baghdad",
                    "name_ar": None,
                    "slug": "baghdad",
                    "report_count": 1,
                    "url": "http://testserver/tags/baghdad/",
                },
            ],
        )


class SitemapAndRobotsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public = make_report("Public", tags=["Iran"])
        cls.hidden = [
            make_report("Draft", status=Status.DRAFT, tags=["Draft tag"]),
            make_report("Review", status=Status.REVIEW),
            make_report("Scheduled", published_at=FUTURE),
        ]

    def test_sitemap_lists_the_pages_and_the_threads_of_published_tags(self):
        response = self.client.get("/sitemap.xml")
        for url in (
            "http://testserver/",
            "http://testserver/weeks/",
            "http://testserver/tags/",
            "http://testserver/tags/iran/",
        ):
            with self.subTest(url):
                self.assertContains(response, f"<loc>{url}</loc>")
        self.assertNotContains(response, "draft-tag")

    def test_sitemap_lists_published_reports_only(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.public.get_absolute_url())
        for report in self.hidden:
            with self.subTest(report.title):
                self.assertNotContains(response, report.get_absolute_url())

    def test_robots_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertContains(response, "Disallow: /admin/")
        self.assertContains(response, "Sitemap: http://testserver/sitemap.xml")
