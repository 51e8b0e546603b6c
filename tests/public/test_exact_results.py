"""The archive's facet counts, result counts and pages equal those of a straightforward reading.

The archive counts with one grouped query, filters periods as date ranges (a GiST index on
PostgreSQL), and fetches a later page by its ids first. Whatever the plan, the numbers must be
those a plain reading of the reports gives: here every report is read into Python and each
filter applied by hand, for combinations of tags, weeks, years, dates and series, including
periods that cross a year's end, drafts and scheduled reports that must not count.
"""

import datetime
import itertools
import random
from collections import Counter
from unittest import mock

import feedparser
from django.test import override_settings

from reports.models import Report
from reports.public.listing import FilteredLater
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series

FUTURE = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
PUBLISHED = datetime.datetime(2021, 3, 1, 9, tzinfo=datetime.UTC)
TAGS = ["Iran", "Iraq", "Drones", "Oil", "Kurds"]


def overlaps(report, first, last):
    return (first is None or report["end"] >= first) and (last is None or report["start"] <= last)


def in_year(report, year):
    return year is None or overlaps(report, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@override_settings(PAGE_CACHE_SECONDS=0)
class ExactResultsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        rng = random.Random(5)
        series = [make_series(f"Region {n}", f"region-{n}") for n in range(3)]
        day = datetime.date(2019, 11, 4)
        for number in range(70):
            start = day + datetime.timedelta(days=rng.randint(0, 500))
            length = rng.choice([6, 6, 6, 13, 40, 400])  # a few long periods cross a year's end
            kind = rng.choice(["published"] * 8 + ["draft", "scheduled"])
            make_report(
                f"Report {number}",
                slug=f"report-{number}",
                series=rng.choice(series),
                start=start.timetuple()[:3],
                end=(start + datetime.timedelta(days=length)).timetuple()[:3],
                tags=rng.sample(TAGS, rng.randint(0, 3)),
                status=Report.Status.DRAFT if kind == "draft" else Report.Status.PUBLISHED,
                # published in an order of its own (some at the same moment), as feeds list them
                published_at=FUTURE if kind == "scheduled" else PUBLISHED + datetime.timedelta(days=rng.randint(0, 40)),
            )
        cls.reports = [
            {
                "slug": r.slug,
                "start": r.period_start,
                "end": r.period_end,
                "series": r.series.slug,
                "tags": {t.slug for t in r.tags.all()},
                "pk": r.pk,
                "published_at": r.published_at,
            }
            for r in Report.objects.published().select_related("series")
        ]

    def expected(self, tags=(), week=None, first=None, last=None, series=None, year=None):
        """(total, tag counts, series counts, year counts, slugs in the archive's order), by hand."""
        base, matches = self.matching(tags, week, first, last, series, year)
        tag_counts = Counter(tag for r in matches for tag in r["tags"])
        series_counts = Counter(r["series"] for r in base if in_year(r, year))
        year_counts = Counter(
            y for r in base if series in (None, r["series"]) for y in range(r["start"].year, r["end"].year + 1)
        )
        ordered = sorted(matches, key=lambda r: (r["start"], r["pk"]), reverse=True)
        return len(matches), tag_counts, series_counts, year_counts, [r["slug"] for r in ordered]

    def matching(self, tags=(), week=None, first=None, last=None, series=None, year=None):
        """(the reports every filter but series and year selects, the reports all of them select)."""

        def besides_series_and_year(r):
            in_week = week is None or overlaps(r, week, week + datetime.timedelta(days=6))
            return set(tags) <= r["tags"] and in_week and overlaps(r, first, None) and overlaps(r, None, last)

        base = [r for r in self.reports if besides_series_and_year(r)]
        return base, [r for r in base if in_year(r, year) and series in (None, r["series"])]

    def check(self, query, **filters):
        total, tag_counts, series_counts, year_counts, slugs = self.expected(**filters)
        forget_cached_results()
        response = self.client.get(f"/?{query}")
        self.assertEqual(response.status_code, 200, query)
        facets = response.context["facets"]
        self.assertEqual(facets.total, total, query)
        self.assertEqual(response.context["paginator"].count, total, query)
        groups = {group.name: group.shown + group.more for group in facets.groups}
        self.assertEqual({v.value: v.count for v in groups.get("tag", [])}, dict(tag_counts), query)
        self.assertEqual({v.value: v.count for v in groups.get("series", [])}, +series_counts, query)
        self.assertEqual({int(v.value): v.count for v in groups.get("year", [])}, +year_counts, query)
        # Every page, the deep ones fetched by their ids first, in the archive's order.
        pages = response.context["paginator"].num_pages
        seen = []
        for number in range(1, pages + 1):
            page = self.client.get(f"/?{query}&page={number}" if query else f"/?page={number}")
            seen += [summary["url"].split("/")[-2] for summary in page.context["reports"]]
        self.assertEqual(seen, slugs, query)

    def test_counts_and_pages_equal_a_plain_reading_of_the_reports(self):
        weeks = [datetime.date(2019, 12, 30), datetime.date(2020, 6, 1), datetime.date(2020, 12, 28)]
        cases = [("", {})]
        cases += [(f"tag={t.lower()}", {"tags": [t.lower()]}) for t in TAGS]
        cases += [(f"tag={a.lower()}&tag={b.lower()}", {"tags": [a.lower(), b.lower()]})
                  for a, b in itertools.combinations(TAGS, 2)]  # fmt: skip
        for monday in weeks:
            label = "{}-W{:02d}".format(*monday.isocalendar()[:2])
            cases += [(f"week={label}", {"week": monday})]
            cases += [(f"tag=iran&week={label}", {"tags": ["iran"], "week": monday})]
        for year in (2019, 2020, 2021):
            cases += [(f"year={year}", {"year": year})]
            cases += [(f"year={year}&series=region-1", {"year": year, "series": "region-1"})]
        cases += [
            ("from=2020-03-01", {"first": datetime.date(2020, 3, 1)}),
            ("to=2020-03-01", {"last": datetime.date(2020, 3, 1)}),
            ("from=2020-03-01&to=2020-09-30&tag=iraq", {"first": datetime.date(2020, 3, 1),
                                                        "last": datetime.date(2020, 9, 30), "tags": ["iraq"]}),
            ("series=region-2&tag=oil", {"series": "region-2", "tags": ["oil"]}),
        ]  # fmt: skip
        for query, filters in cases:
            with self.subTest(query):
                self.check(query, **filters)

    def test_deep_pages_from_anchors_are_the_pages_offset_gives(self):
        # Anchors every 7 reports, so that pages 2 and later of these few reports start from one.
        with mock.patch.object(FilteredLater, "ANCHOR_EVERY", 7):
            for query, filters in (("", {}), ("tag=iran", {"tags": ["iran"]}), ("year=2020", {"year": 2020})):
                with self.subTest(query):
                    self.check(query, **filters)

    def test_the_api_counts_and_orders_as_the_archive_does(self):
        # The first pages of a few results count them from their own rows; of many, with COUNT.
        cases = [("page=2", {}), ("", {}), ("tag=iran&year=2020", {"tags": ["iran"], "year": 2020})]
        pairs = [TAGS[:2], TAGS[2:4]]
        cases += [(f"tag={a.lower()}&tag={b.lower()}", {"tags": [a.lower(), b.lower()]}) for a, b in pairs]
        # Filters that are all sets (PostgreSQL): counts and pages from the sets, a later page too.
        cases += [("year=2020&page=2", {"year": 2020}), ("series=region-1", {"series": "region-1"})]
        cases += [("tag=iran&week=2020-W23", {"tags": ["iran"], "week": datetime.date(2020, 6, 1)})]
        for query, filters in cases:
            forget_cached_results()
            total, *_, slugs = self.expected(**filters)
            response = self.client.get(f"/api/reports/?{query}")
            self.assertEqual(response.json()["count"], total, query)
            start = 20 if "page=2" in query else 0
            self.assertEqual([r["slug"] for r in response.json()["results"]], slugs[start : start + 20], query)

    def test_feeds_list_the_newest_published_as_a_plain_reading_does(self):
        # Five entries, so that these few reports take both ways through the sets (a sparse set
        # lists its members, a dense one walks the publication order) and the SQL's own.
        cases = [("", {}), ("year=2020", {"year": 2020}), ("series=region-0", {"series": "region-0"})]
        cases += [(f"tag={t.lower()}", {"tags": [t.lower()]}) for t in TAGS]
        cases += [(f"tag={a.lower()}&tag={b.lower()}", {"tags": [a.lower(), b.lower()]})
                  for a, b in itertools.combinations(TAGS, 2)]  # fmt: skip
        cases += [("tag=iran&week=2020-W23", {"tags": ["iran"], "week": datetime.date(2020, 6, 1)})]
        with mock.patch("reports.public.feeds.FEED_LENGTH", 5):
            for query, filters in cases:
                forget_cached_results()
                _, matches = self.matching(**filters)
                newest = sorted(matches, key=lambda r: (r["published_at"], r["pk"]), reverse=True)[:5]
                feed = feedparser.parse(self.client.get(f"/feeds/atom/?{query}").content)
                with self.subTest(query):
                    self.assertEqual([entry.link.split("/")[-2] for entry in feed.entries], [r["slug"] for r in newest])
