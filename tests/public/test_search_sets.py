"""A search's count, facets and ranking from sets (reports.public.sets.results) equal those of the
straightforward reading: the search's own queryset (reports.public.search), its rows counted in
Python. PostgreSQL only: elsewhere the archive searches with that queryset itself."""

import datetime
import itertools
import random
import unittest
from collections import Counter
from unittest import mock

from django.db import connection
from django.http import QueryDict
from django.test import override_settings

from reports.models import Author, PublicationState, Report, ReportAuthor
from reports.public.filters import ReportFilter
from reports.public.listing import RankedResults
from reports.public.sets import numbering
from reports.public.sets import results as result_sets
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series

FUTURE = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
WORDS = "convoy attack attacks attacked border drone drones oil gas militia refinery council it's".split()
TAGS = ["Iran", "Iraq", "Drones", "Oil"]
# Facets counted member by member (every set is few) and value by value (none is).
COUNTING = (0, 10**9)
QUERIES = [
    "convoy",
    "convoy attack",
    "attacked border",  # stemmed: attacks, attack
    '"drone attack"',  # a phrase
    "convoy -oil",  # an exclusion
    "oil or gas",
    "oil or gas militia",
    "-refinery",  # an exclusion alone
    "it's",
    "the of",  # stop words only: nothing
    "nowhere",  # no report
    "convoy convoy",  # a word twice
]


@unittest.skipUnless(connection.vendor == "postgresql", "the search's sets are PostgreSQL's (result_sets.available)")
@override_settings(PAGE_CACHE_SECONDS=0)
class ResultSetsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        rng = random.Random(11)
        series = [make_series(f"Region {n}", f"region-{n}") for n in range(3)]
        authors = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(2)]
        day = datetime.date(2019, 11, 4)
        for number in range(80):
            start = day + datetime.timedelta(days=rng.randint(0, 500))
            kind = rng.choice(["published"] * 8 + ["draft", "scheduled"])
            report = make_report(
                " ".join(rng.sample(WORDS, 2)).capitalize() + f" {number}",
                slug=f"report-{number}",
                series=rng.choice(series),
                start=start.timetuple()[:3],
                end=(start + datetime.timedelta(days=rng.choice([6, 6, 13, 400]))).timetuple()[:3],
                summary=" ".join(rng.choices(WORDS, k=4)) + ".",
                body=" ".join(rng.choices(WORDS, k=12)) + ".",
                tags=rng.sample(TAGS, rng.randint(0, 3)),
                status=Report.Status.DRAFT if kind == "draft" else Report.Status.PUBLISHED,
                **({"published_at": FUTURE} if kind == "scheduled" else {}),
            )
            for position, author in enumerate(rng.sample(authors, rng.randint(0, 2))):
                ReportAuthor.objects.create(report=report, author=author, position=position)
        # Arabic reports are searched in Arabic, and not among the English ones.
        for number in range(6):
            make_report(f"قافلة {number}", slug=f"arabic-{number}", language="ar", summary="هجوم على قافلة.",
                        tags=["Iran"], series=series[0])  # fmt: skip

    def filterset(self, query):
        filterset = ReportFilter(QueryDict(query))
        self.assertTrue(filterset.is_valid(), filterset.errors)
        return filterset

    def plain(self, query):
        """(ranked ids, total, tag counts, author counts, series counts, year counts) from the
        search's own queryset, counted row by row."""
        filterset = self.filterset(query)
        matches = list(filterset.qs.prefetch_related("tags", "bylines__author").select_related("series"))
        cleaned = filterset.form.cleaned_data
        series, year = cleaned.get("series"), cleaned.get("year")
        beside = self.filterset(_without(query, "series", "year")).qs.select_related("series")

        def years(report):
            return range(report.period_start.year, report.period_end.year + 1)

        return (
            [report.pk for report in matches],
            len(matches),
            Counter(tag.slug for report in matches for tag in report.tags.all()),
            Counter(byline.author.slug for report in matches for byline in report.bylines.all()),
            Counter(report.series.slug for report in beside if year is None or year in years(report)),
            Counter(y for report in beside if series in (None, report.series) for y in years(report)),
        )

    def from_sets(self, query):
        filterset = self.filterset(query)
        cleaned = filterset.form.cleaned_data
        sets = result_sets.ResultSets(filterset)
        series, years = sets.series_and_years(cleaned["series"].slug if cleaned.get("series") else None,
                                              cleaned.get("year"))  # fmt: skip
        return (
            sets.ranked(10_000),
            sets.total,
            Counter({slug: n for slug, _, n in sets.counts("tag")}),
            Counter({slug: n for slug, _, n in sets.counts("author")}),
            Counter({slug: n for slug, (_, n) in series.items()}),
            Counter(years),
        )

    def test_sets_give_the_searchs_own_results_ranking_and_counts(self):
        filters = ["", "&tag=iran", "&tag=iran&tag=oil", "&series=region-1", "&year=2020", "&series=region-2&year=2020",
                   "&week=2020-W10", "&from=2020-03-01&to=2020-09-30", "&author=writer-1", "&lang=ar"]  # fmt: skip
        for words, share in itertools.product([*QUERIES, "قافلة", "هجوم قافلة"], COUNTING):
            for extra in filters:
                query = f"q={words}{extra}"
                with self.subTest(query, tally_share=share), mock.patch.object(numbering, "TALLY_SHARE", share):
                    self.assertEqual(self.from_sets(query), self.plain(query))

    def test_filters_that_are_all_sets_give_the_filters_own_results_and_counts(self):
        for query in ("tag=iran", "tag=iran&tag=oil", "series=region-1&year=2020", "author=writer-1&tag=drones",
                      "year=2021", "lang=ar&tag=iran", "tag=oil&tag=drones&tag=iraq&tag=iran", "week=2020-W10",
                      "week=2020-W10&tag=iran", "from=2020-03-01", "to=2020-03-01&tag=oil", "week=2019-W45&lang=ar",
                      "from=2020-03-01&to=2020-09-30&series=region-2", "from=2021-01-01&year=2020"):  # fmt: skip
            for share in COUNTING:
                with self.subTest(query, tally_share=share), mock.patch.object(numbering, "TALLY_SHARE", share):
                    self.assertTrue(result_sets.answers(self.filterset(query)))
                    self.assertEqual(self.from_sets(query), self.plain(query))
        for query in ("", "lang=ar", "q=convoy"):  # the archive's own paths
            with self.subTest(query):
                self.assertFalse(result_sets.answers(self.filterset(query)))

    def test_memberships_numbered_with_the_links_are_those_of_the_sets(self):
        kept = result_sets.ResultSets(self.filterset("tag=iran")).numbering
        for kind in numbering.TALLIED:
            with self.subTest(kind):
                made = list(kept.memberships[kind])
                # made again from the sets, member by member
                values = kept.by_kind.get(kind, ())
                from_sets = sorted(
                    place << numbering.VALUE_BITS | index
                    for index, (*_, bits) in enumerate(values)
                    for place in numbering.positions(bits)
                )
                self.assertEqual(made, from_sets)
                self.assertTrue(made or kind == "author")

    def test_the_periods_overlapping_any_days_are_those_the_filters_select(self):
        """Every first and last day around the reports' periods (some of them 401 days long), and
        open ends, against the reports whose periods overlap them, compared in Python."""
        numbering = result_sets.ResultSets(self.filterset("tag=iran")).numbering
        periods = {r.pk: (r.period_start, r.period_end) for r in Report.objects.published()}
        ends = sorted({day for period in periods.values() for day in period})
        days = [None, *(d + datetime.timedelta(days=shift) for d in ends[::7] for shift in (-1, 0, 1))]
        for first in days:
            for last in days[::5]:
                if first and last and first > last:
                    continue
                expected = {pk for pk, (start, end) in periods.items()
                            if (last is None or start <= last) and (first is None or end >= first)}  # fmt: skip
                found = numbering.overlapping(first, last)
                with self.subTest(first=first, last=last):
                    self.assertEqual(set(numbering.ids(found, len(periods))), expected)

    def test_a_numbering_read_out_of_order_is_sorted_into_the_archives_order(self):
        # The numbering's query aggregates its reports in the order they were materialized in,
        # which PostgreSQL does not promise: rows that come out of order are sorted, not trusted.
        with connection.cursor() as cursor:
            cursor.execute(*numbering.numbering_sql())
            rows = cursor.fetchall()
        with self.assertNoLogs("reports.public.sets.numbering", "WARNING"):
            expected = numbering.number("key", rows)
        self.assertEqual(list(expected.order), list(Report.objects.published().values_list("pk", flat=True)))
        (order, years), (starts, ends) = ((r[3], r[4]) for r in rows if r[0] in ("order", "periods"))
        shuffled = list(zip(order, years, starts, ends, strict=True))
        random.Random(3).shuffle(shuffled)
        order, years, starts, ends = map(list, zip(*shuffled, strict=True))
        replaced = {"order": (order, years), "periods": (starts, ends)}
        rows = [(*r[:3], *replaced[r[0]]) if r[0] in replaced else r for r in rows]
        with self.assertLogs("reports.public.sets.numbering", "WARNING"):
            found = numbering.number("key", rows)
        for name in ("order", "position", "values", "years", "starts", "ends", "published_order"):
            with self.subTest(name):
                self.assertEqual(getattr(found, name), getattr(expected, name))

    def test_the_archive_pages_and_facets_come_from_the_sets(self):
        forget_cached_results()
        with mock.patch.object(RankedResults, "RANKED", 7):  # on SQLite, pages past the kept ids: searched again
            for query in ("q=convoy", "q=oil+or+gas&tag=iran", "q=convoy+-oil&series=region-1", "tag=iran"):
                with self.subTest(query):
                    ranked, total, tags, *_ = self.plain(query)
                    response = self.client.get(f"/?{query}")
                    facets = response.context["facets"]
                    self.assertEqual(facets.total, total)
                    self.assertEqual({value.value: value.count for value in facets.tags}, dict(tags))
                    slugs = dict(Report.objects.filter(pk__in=ranked).values_list("pk", "slug"))
                    seen = []
                    for number in range(1, response.context["paginator"].num_pages + 1):
                        page = self.client.get(f"/?{query}&page={number}")
                        seen += [summary["url"].split("/")[-2] for summary in page.context["reports"]]
                    self.assertEqual(seen, [slugs[pk] for pk in ranked])

    def test_a_scheduled_report_is_found_once_its_moment_passes(self):
        self.assertEqual(self.from_sets("q=convoy")[:2], self.plain("q=convoy")[:2])
        later = FUTURE + datetime.timedelta(minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            found, plain = self.from_sets("q=convoy"), self.plain("q=convoy")
        self.assertEqual(found, plain)
        scheduled = Report.objects.filter(published_at=FUTURE, summary__icontains="convoy")
        self.assertTrue(set(scheduled.values_list("pk", flat=True)) <= set(found[0]))

    def test_an_edited_report_is_found_by_its_new_words_in_the_next_generation(self):
        report = Report.objects.published().get(slug="report-3")
        self.assertNotIn(report.pk, self.from_sets("q=zeppelin")[0])
        Report.objects.filter(pk=report.pk).update(summary="A zeppelin overhead.")
        Report.objects.get(pk=report.pk).save()  # the search document follows the row (0019's trigger)
        PublicationState.objects.record_change()
        self.assertEqual(self.from_sets("q=zeppelin")[0], [report.pk])

    def test_a_search_makes_three_queries_at_most(self):
        forget_cached_results()
        with self.assertNumQueries(3):  # the words parsed; the numbering, the words' and filters' sets; the page
            self.client.get("/?q=convoy+attack&tag=iran")
        with self.assertNumQueries(3):  # new words, known filters and numbering: the words, their sets, the page
            self.client.get("/?q=border+drone&tag=iran")
        with self.assertNumQueries(2):  # known words in a new combination: the words parsed, the page
            self.client.get("/?q=convoy+drone&tag=iran")
        with self.assertNumQueries(0):  # the same again: all kept
            self.client.get("/?q=convoy+drone&tag=iran")


def _without(query, *names):
    data = QueryDict(query, mutable=True)
    for name in names:
        data.pop(name, None)
    return data.urlencode()
