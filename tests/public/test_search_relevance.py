"""A search's order follows the relevance rule, and its counts and facets are exact.

The rule (reports.public.search): the reports whose title holds every word, then those whose
title and summary together hold them, then the rest (body or PDF text needed); the newest
period first within each. Exactness: every report is read into Python, each search applied by
hand (a word matches a whole word of the title, summary, body or PDF text, in any case), and
the result count, the facet counts and the concatenation of every page must equal that reading,
on PostgreSQL (stored documents, GIN indexes) and on SQLite (word matching) alike.
"""

import datetime
import random
import re
import unittest
from collections import Counter

from django.db import connection
from django.test import override_settings

from reports.models import Report
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series

POSTGRESQL = connection.vendor == "postgresql"
FUTURE = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
# Words that English stemming leaves alone and that start no other word used here, so that
# PostgreSQL's stemmed match and SQLite's word-start match mean the same thing.
WORDS = ["militia", "convoy", "drone", "budget", "pipeline"]
FILLER = ["alpha", "beta", "gamma", "delta", "omega", "kappa"]
TAGS = ["Iran", "Iraq", "Oil"]


def slugs(response):
    return [summary["url"].split("/")[-2] for summary in response.context["reports"]]


@override_settings(PAGE_CACHE_SECONDS=0)
class RelevanceRuleTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        def report(slug, year, **fields):
            fields.setdefault("summary", "Nothing of note.")
            title = fields.pop("title", "Weekly update")
            return make_report(title, slug=slug, start=(year, 3, 2), end=(year, 3, 8), **fields)

        report("title-old", 2018, title="Pipeline talks")
        report("title-new", 2019, title="Pipeline sabotage")
        report("summary-newest", 2024, summary="A pipeline was hit.")
        report("body", 2022, body="The pipeline burned.")
        report("pdf", 2023, pdf_text="Annex: pipeline map.")
        report("split", 2021, title="Pipeline repairs", summary="A convoy guarded it.")
        report("title-both", 2017, title="Convoy on the pipeline road")
        report("words-apart", 2025, summary="A convoy left.", body="The pipeline held.")
        make_report("Pipeline draft", status=Report.Status.DRAFT)
        make_report("Pipeline later", published_at=FUTURE)

    def test_title_matches_come_first_then_title_and_summary_then_anywhere_newest_first(self):
        self.assertEqual(
            slugs(self.client.get("/?q=pipeline")),
            # title (newest first), then summary, then body or PDF text (newest first)
            ["split", "title-new", "title-old", "title-both", "summary-newest", "words-apart", "pdf", "body"],
        )

    def test_every_word_counts_where_it_is_found(self):
        # "title-both" holds both words in its title; "split" needs its summary for "convoy";
        # "words-apart" needs its body for "pipeline".
        self.assertEqual(slugs(self.client.get("/?q=pipeline+convoy")), ["title-both", "split", "words-apart"])

    def test_the_pdf_text_is_searched(self):
        self.assertEqual(slugs(self.client.get("/?q=annex")), ["pdf"])


@override_settings(PAGE_CACHE_SECONDS=0)
class ExactSearchResultsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        rng = random.Random(13)
        series = [make_series(f"Region {n}", f"region-{n}") for n in range(3)]

        def text(n):
            return " ".join(rng.choice(WORDS + FILLER * 3) for _ in range(n)).capitalize() + "."

        day = datetime.date(2019, 11, 4)
        for number in range(80):
            start = day + datetime.timedelta(days=rng.randint(0, 700))
            kind = rng.choice(["published"] * 8 + ["draft", "scheduled"])
            make_report(
                f"Report {number}: {text(3)}",
                slug=f"report-{number}",
                series=rng.choice(series),
                start=start.timetuple()[:3],
                end=(start + datetime.timedelta(days=rng.choice([6, 6, 13, 60]))).timetuple()[:3],
                summary=text(8),
                body=text(20),
                pdf_text=text(10) if rng.random() < 0.4 else "",
                tags=rng.sample(TAGS, rng.randint(0, 2)),
                status=Report.Status.DRAFT if kind == "draft" else Report.Status.PUBLISHED,
                **({"published_at": FUTURE} if kind == "scheduled" else {}),
            )
        cls.reports = [
            {
                "slug": r.slug,
                "pk": r.pk,
                "start": r.period_start,
                "end": r.period_end,
                "series": r.series.slug,
                "tags": {t.slug for t in r.tags.all()},
                "fields": [set(re.findall(r"\w+", text.lower())) for text in (r.title, r.summary, r.body, r.pdf_text)],
            }
            for r in Report.objects.published().select_related("series")
        ]

    def expected(self, words, series=None, tag=None):
        """(total, tag counts, series counts, year counts, slugs in the rule's order), by hand."""

        def in_fields(r, count):
            found = set().union(*r["fields"][:count])
            return all(word in found for word in words)

        base = [r for r in self.reports if in_fields(r, 4) and (tag is None or tag in r["tags"])]
        matches = [r for r in base if series in (None, r["series"])]
        ranked = sorted(
            matches,
            key=lambda r: (1 if in_fields(r, 1) else 2 if in_fields(r, 2) else 3, -r["start"].toordinal(), -r["pk"]),
        )
        tags = Counter(t for r in matches for t in r["tags"])
        series_counts = Counter(r["series"] for r in base)
        years = Counter(y for r in matches for y in range(r["start"].year, r["end"].year + 1))
        return len(matches), tags, series_counts, years, [r["slug"] for r in ranked]

    def test_counts_facets_and_order_equal_a_plain_reading(self):
        cases = [(" ".join(pair), {}) for pair in zip(WORDS, WORDS[1:] + WORDS[:1], strict=True)]
        cases += [(word, {}) for word in WORDS[:3]]
        cases += [("militia convoy", {"series": "region-1"}), ("drone", {"tag": "iran"})]
        cases += [("budget pipeline", {"tag": "oil"})]
        for words, filters in cases:
            with self.subTest(words, **filters):
                total, tags, series_counts, years, expected = self.expected(words.split(), **filters)
                self.assertGreater(total, 0)  # the cases must exercise something
                query = "q=" + words.replace(" ", "+")
                query += "".join(f"&{name}={value}" for name, value in filters.items())
                forget_cached_results()
                response = self.client.get(f"/?{query}")
                facets = response.context["facets"]
                self.assertEqual((facets.total, response.context["paginator"].count), (total, total))
                groups = {group.name: group.shown + group.more for group in facets.groups}
                self.assertEqual({v.value: v.count for v in groups.get("tag", [])}, dict(tags))
                self.assertEqual({v.value: v.count for v in groups.get("series", [])}, dict(series_counts))
                self.assertEqual({int(v.value): v.count for v in groups.get("year", [])}, dict(years))
                seen = []
                for number in range(1, response.context["paginator"].num_pages + 1):
                    seen += slugs(self.client.get(f"/?{query}&page={number}"))
                self.assertEqual(seen, expected)
                api = self.client.get(f"/api/reports/?{query}").json()
                self.assertEqual(api["count"], total)


@unittest.skipUnless(POSTGRESQL, "PostgreSQL's stored search documents")
class StoredSearchDocumentTests(SitrepTestCase):
    def search(self, words):
        return list(Report.objects.published().filter(pk__in=self.matches(words)).order_by("pk"))

    def matches(self, words):
        from reports.public.search import search_reports

        return search_reports(Report.objects.published(), words).values("pk")

    def test_each_report_is_stemmed_and_searched_in_its_own_language(self):
        arabic = make_report("تقرير", language="ar", summary="هجوم على المدينة", body="attacked")
        english = make_report("Report", summary="They attacked the city; المدينة")
        # Arabic stemming finds "المدينة" from "مدينة" in the Arabic report only; English
        # stemming finds "attacked" from "attacks" in the English report only.
        self.assertEqual(self.search("مدينة"), [arabic])
        self.assertEqual(self.search("attacks"), [english])

    def test_the_documents_follow_every_write_and_deletion(self):
        report = make_report("Weekly update", summary="Quiet.")
        self.assertEqual(self.search("refinery"), [])
        Report.objects.filter(pk=report.pk).update(pdf_text="The refinery was shelled.")
        self.assertEqual(self.search("refinery"), [report])
        report.refresh_from_db()
        report.title = "Refinery shelled"
        report.pdf_text = ""
        report.save()
        self.assertEqual(self.search("refinery"), [report])
        pk = report.pk
        report.delete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM reports_search WHERE report_id = %s", [pk])
            self.assertEqual(cursor.fetchone()[0], 0)

    def test_a_search_reads_no_document_of_reports_report(self):
        sql = str(self.matches("rocket attack").query)
        self.assertNotIn("to_tsvector", sql)
        self.assertNotIn('"search_document"', sql)  # 0017's column, decompressed to test it
        self.assertIn("report_search_document(", sql)

    def test_each_language_has_its_own_gin_index_for_each_class(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            for part in ("title", "head", "document"):
                for language, config in (("en", "english"), ("ar", "arabic")):
                    cursor.execute(
                        f"EXPLAIN SELECT report_id FROM reports_search WHERE {part} @@ "
                        f"websearch_to_tsquery('{config}', 'rocket') AND language = '{language}'"
                    )
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    self.assertIn(f"reports_search_{part}_{language}_idx", plan)
