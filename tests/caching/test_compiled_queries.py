"""Queries compiled once per process and shape (reports.caching.compiled) give exactly what the
queryset itself gives, for other values, at a later moment, and refuse what they cannot re-run."""

import datetime
import unittest
from unittest import mock

from django.db import connection
from django.http import QueryDict
from django.test import override_settings
from django.utils import timezone

from reports.caching import compiled
from reports.models import Report
from reports.public.filters import ReportFilter
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series

NOW = timezone.now()


def report_query(slug, drafts=False):
    reports = Report.objects.all() if drafts else Report.objects.published()
    return reports.for_listing().with_neighbours().with_versions().with_pdf().with_translations().filter(slug=slug)


def facts(reports):
    """What a page shows of each report, in order."""
    return [
        (r.slug, r.title, r.series.name, r.tag_list, r.author_list, r.neighbours, getattr(r, "tag_ids", None))
        for r in reports
    ]


class CompiledQueryData(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        iraq, syria = make_series(), make_series("Syria Situation Report", "syria")
        cls.reports = []
        for number in range(6):
            cls.reports.append(
                make_report(
                    f"Report {number}",
                    slug=f"report-{number}",
                    series=iraq if number % 2 else syria,
                    start=(monday := datetime.date(2020, 6, 1) + datetime.timedelta(weeks=number)).timetuple()[:3],
                    end=(monday + datetime.timedelta(days=6)).timetuple()[:3],
                    tags=["Oil", "Kurds"][: number % 3],
                )
            )
        cls.scheduled = make_report(
            "Scheduled", slug="scheduled", series=iraq, start=(2020, 8, 3), end=(2020, 8, 9),
            published_at=NOW + datetime.timedelta(hours=2),
        )  # fmt: skip
        make_report("Draft", slug="draft", series=iraq, status=Report.Status.DRAFT)

    def setUp(self):
        super().setUp()
        compiled.forget()
        self.addCleanup(compiled.forget)


@unittest.skipUnless(connection.vendor in compiled.COMPILED_VENDORS, "SQLite builds every query (compiled.py)")
class CompiledQueryTests(CompiledQueryData):
    def test_a_compiled_report_page_reads_each_slug_as_the_queryset_does(self):
        for slug in ["report-0", "report-3", "report-5", "draft", "scheduled", "no-such-report"]:
            with self.subTest(slug=slug):
                self.assertEqual(
                    facts(compiled.run("report page", report_query, slug=slug, drafts=False)),
                    facts(report_query(slug)),
                )
        self.assertEqual(len(compiled._kept), 1, "one shape, compiled once")
        self.assertIsNotNone(next(iter(compiled._kept.values())), "and not refused")

    def test_drafts_are_a_shape_of_their_own(self):
        self.assertEqual(compiled.run("report page", report_query, slug="draft", drafts=False), [])
        found = compiled.run("report page", report_query, slug="draft", drafts=True)
        self.assertEqual([r.slug for r in found], ["draft"])

    def test_a_scheduled_report_appears_at_its_moment_without_compiling_again(self):
        self.assertEqual(compiled.run("report page", report_query, slug="scheduled", drafts=False), [])
        later = NOW + datetime.timedelta(hours=3)
        with mock.patch("django.utils.timezone.now", return_value=later):
            found = compiled.run("report page", report_query, slug="scheduled", drafts=False)
        self.assertEqual([r.slug for r in found], ["scheduled"])
        self.assertEqual(len(compiled._kept), 1)

    def test_filtered_queries_match_the_filter_set_for_every_shape(self):
        queries = ["", "tag=oil", "tag=kurds", "tag=oil&tag=kurds", "week=2020-W24", "week=2020-W26&tag=oil",
                   "series=iraq", "series=syria&from=2020-06-10", "to=2020-06-20", "year=2020", "lang=ar"]  # fmt: skip
        for query in queries * 2:  # the second time from the compiled SQL
            with self.subTest(query=query):
                filterset = ReportFilter(data=QueryDict(query), published=Report.objects.published)
                self.assertTrue(filterset.is_valid(), filterset.errors)
                values = filterset.query_values()
                got = compiled.run("test filtered", lambda fs=filterset, **v: fs.filtered(v), **values)
                self.assertEqual([r.slug for r in got], [r.slug for r in filterset.qs])
        # Every shape but the year's (a year becomes dates computed from it) compiled.
        refused = [key for key, value in compiled._kept.items() if value is None]
        self.assertEqual([dict(key[2]).keys() >= {"year"} for key in refused], [True] * len(refused))
        self.assertGreater(len(compiled._kept), len(refused))

    def test_a_moment_baked_into_the_query_is_refused_and_built_each_time(self):
        def baked(slug):
            return Report.objects.filter(slug=slug, published_at__lte=timezone.now())

        for slug in ["report-1", "report-2"]:
            self.assertEqual([r.slug for r in compiled.run("baked", baked, slug=slug)], [slug])
        self.assertIsNone(next(iter(compiled._kept.values())))

    def test_a_value_computed_from_a_stand_in_is_refused(self):
        def week_after(day):
            return Report.objects.published().filter(period_start__gte=day + datetime.timedelta(days=7))

        for day in [datetime.date(2020, 6, 1), datetime.date(2020, 6, 20)]:
            got = compiled.run("week after", week_after, day=day)
            self.assertEqual(got, list(week_after(day)))
        self.assertIsNone(next(iter(compiled._kept.values())))

    def test_a_string_computed_from_a_stand_in_is_refused(self):
        def titled(word):
            return Report.objects.published().filter(title__startswith=word.title())

        self.assertEqual([r.slug for r in compiled.run("titled", titled, word="report")], [
            f"report-{n}" for n in (5, 4, 3, 2, 1, 0)
        ])  # fmt: skip
        self.assertIsNone(next(iter(compiled._kept.values())))

    def test_a_value_that_never_reaches_the_sql_is_refused(self):
        def ignoring(slug):
            return Report.objects.published().filter(slug="report-1")

        self.assertEqual([r.slug for r in compiled.run("ignoring", ignoring, slug="report-2")], ["report-1"])
        self.assertIsNone(next(iter(compiled._kept.values())))

    def test_shapes_differ_by_the_number_of_values(self):
        def tagged(tags):
            reports = Report.objects.published()
            for tag in tags:
                reports = reports.filter(tags__slug=tag)
            return reports

        self.assertEqual(len(compiled.run("tagged", tagged, tags=["oil"])), len(tagged(["oil"])))
        self.assertEqual(len(compiled.run("tagged", tagged, tags=["kurds"])), len(tagged(["kurds"])))
        self.assertEqual(len(compiled.run("tagged", tagged, tags=["oil", "kurds"])), len(tagged(["oil", "kurds"])))
        self.assertEqual(len(compiled._kept), 2)


class CompiledPagesTests(CompiledQueryData):
    """On every database: what readers get is the same whether or not queries are compiled."""

    def test_sqlite_builds_every_query(self):
        if connection.vendor in compiled.COMPILED_VENDORS:
            self.skipTest("this database compiles queries")
        self.assertEqual([r.slug for r in compiled.run("report page", report_query, slug="report-1")], ["report-1"])
        self.assertEqual(compiled._kept, {})

    @override_settings(PAGE_CACHE_SECONDS=0, RESULT_CACHE_SECONDS=0)
    def test_pages_are_the_same_with_and_without_compiled_queries(self):
        paths = ["/", "/?tag=oil", "/?tag=oil&tag=kurds", "/?week=2020-W24", "/reports/report-3/",
                 "/feeds/atom/?tag=oil", "/api/reports/?series=iraq", "/?page=2", "/?q=report"]  # fmt: skip
        pages = {path: self.client.get(path).content for path in paths}
        if connection.vendor in compiled.COMPILED_VENDORS:
            self.assertTrue(all(value is not None for value in compiled._kept.values()), compiled._kept)
        with mock.patch.object(compiled, "run", lambda key, build, using=None, **values: list(build(**values))):
            for path in paths:
                with self.subTest(path=path):
                    self.assertEqual(self.client.get(path).content, pages[path])
