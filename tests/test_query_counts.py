"""Every public page makes at most 3 SQL queries, whatever its filters (issue 6).

Counted for the first request after a change (nothing cached for the new publication
generation) and for the next one, with the page cache off so that the page's own queries
are counted. The generation itself is read beforehand: each process reads it at most once
a second, whatever the traffic (reports.page_cache.current_state).
"""

from django.test import TestCase, override_settings

from reports.models import Correction
from reports.page_cache import public_changed

from .helpers import forget_cached_results, make_report, make_series

# url: (queries on the first request of a generation, on the next ones)
PAGES = {
    "/": (2, 1),  # facets (which give the count); the page of reports with series and tags
    "/?page=2": (2, 1),
    "/?tag=iran": (2, 1),  # tags and series are checked against the vocabulary: no query
    "/?tag=iran&tag=iraq": (2, 1),
    "/?tag=iran&week=2020-W27": (2, 1),
    "/?from=2020-06-01&to=2020-07-31": (2, 1),
    "/?series=syria&year=2020": (2, 1),
    "/?q=convoy": (3, 1),  # facets, the ranking (kept), the page by id
    "/?q=convoy&tag=iran&tag=iraq&series=iraq&week=2020-W27&from=2020-06-01&to=2020-12-31&year=2020": (3, 1),
    "/reports/report-7/": (2, 2),  # the report with tags and neighbours; its corrections
    "/tags/": (0, 0),  # the vocabulary comes with the publication state
    "/tags/iran/": (3, 1),  # months and co-occurring tags (kept); the page
    "/weeks/": (1, 1),
    "/feeds/rss/": (2, 2),  # entries with series, writers and tags; their corrections
    "/feeds/atom/?tag=iran&q=convoy": (2, 2),
    "/api/reports/": (2, 1),  # the count (kept); the page
    "/api/reports/?tag=iran&q=convoy&series=iraq": (2, 1),
    "/api/reports/report-7/": (1, 1),
    "/api/tags/": (0, 0),
    "/sitemap.xml": (2, 2),  # the reports' count and addresses; tag threads from the vocabulary
    "/robots.txt": (0, 0),
}


@override_settings(PAGE_CACHE_SECONDS=0)
class PublicPageQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        syria = make_series("Syria Situation Report", "syria")
        for number in range(1, 31):
            report = make_report(
                f"Report {number}",
                slug=f"report-{number}",
                series=syria if number % 3 == 0 else None,
                start=(2020, 6, number % 28 + 1),
                end=(2020, 7, number % 28 + 1),
                summary=f"A convoy, week {number}.",
                tags=["Iran", "Iraq", f"Topic {number}"],
            )
            Correction.objects.create(report=report, note=f"Fixed {number}.")

    def assert_counts(self, label):
        for url, (first, next_ones) in PAGES.items():
            forget_cached_results()
            with self.subTest(url, data=label, request="first"), self.assertNumQueries(first):
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            with self.subTest(url, data=label, request="next"), self.assertNumQueries(next_ones):
                self.client.get(url)

    def test_every_public_page_makes_at_most_three_queries(self):
        self.assertTrue(all(first <= 3 and next_ones <= 3 for first, next_ones in PAGES.values()))
        self.assert_counts("30 reports")

    def test_the_counts_do_not_grow_with_reports_tags_or_corrections(self):
        for number in range(31, 91):
            report = make_report(
                f"Report {number}",
                slug=f"report-{number}",
                start=(2021, 1 + number % 12, 1),
                end=(2021, 1 + number % 12, 7),
                summary="Another convoy.",
                tags=["Iran", f"Extra {number}", f"Other {number}"],
            )
            Correction.objects.create(report=report, note="Fixed.")
        public_changed()
        self.assert_counts("90 reports")
