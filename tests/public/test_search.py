import re
import unittest

from django.db import connection
from django.test import override_settings

from reports.models import PublicationState, Report, TaggedReport
from reports.public.search import highlight, search_reports
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series

Status = Report.Status
POSTGRESQL = connection.vendor == "postgresql"


def titles(response):
    return [report["title"] for report in response.context["reports"]]


def marked(response):
    """The words the page marks as matches, in order."""
    return re.findall(r"<mark>(.*?)</mark>", response.content.decode())


class SearchTests(SitrepTestCase):
    """What holds on every database."""

    @classmethod
    def setUpTestData(cls):
        cls.syria = make_series("Syria Situation Report", "syria")
        make_report(
            "Kata’ib Hezbollah escalates",
            start=(2020, 7, 1),
            end=(2020, 7, 7),
            summary="Kata’ib Hezbollah (KH) struck a convoy near Baghdad.",
            tags=["Iran"],
        )
        make_report(
            "Protests in Basra",
            start=(2020, 7, 15),
            end=(2020, 7, 21),
            summary="Demonstrators blamed the militia for the power cuts.",
            body="Officials said **Kata’ib Hezbollah** denied it.",
        )
        make_report(
            "Syrian front quiet",
            series=cls.syria,
            start=(2020, 8, 5),
            end=(2020, 8, 11),
            summary="Little changed on the Syrian front; Hezbollah redeployed.",
        )
        make_report("Hezbollah draft", status=Status.DRAFT, summary="Hezbollah in a draft.")
        make_report("Hezbollah in review", status=Status.REVIEW, summary="Hezbollah under review.")

    def get(self, query):
        return self.client.get("/" + query)

    def test_search_finds_words_in_title_summary_or_body_and_never_unpublished_reports(self):
        cases = {
            "?q=basra": ["Protests in Basra"],  # title
            "?q=convoy": ["Kata’ib Hezbollah escalates"],  # summary
            "?q=denied": ["Protests in Basra"],  # body
            "?q=CONVOY": ["Kata’ib Hezbollah escalates"],  # any case
            "?q=kata'ib hezbollah": ["Kata’ib Hezbollah escalates", "Protests in Basra"],  # straight apostrophe too
            "?q=draft": [],
            "?q=review": [],
        }
        for query, expected in cases.items():
            with self.subTest(query):
                response = self.get(query)
                self.assertEqual(response.status_code, 200)
                self.assertCountEqual(titles(response), expected)

    def test_search_combines_with_every_other_filter(self):
        cases = {
            "?q=hezbollah": 3,
            "?q=hezbollah&series=syria": 1,
            "?q=hezbollah&tag=iran": 1,
            "?q=hezbollah&from=2020-07-10&to=2020-07-31": 1,
            "?q=hezbollah&week=2020-W27": 1,
            "?q=hezbollah&year=2020": 3,
            "?q=hezbollah&year=2021": 0,
        }
        for query, count in cases.items():
            with self.subTest(query):
                self.assertEqual(len(titles(self.get(query))), count)

    def test_every_word_must_match(self):
        self.assertEqual(titles(self.get("?q=hezbollah+convoy")), ["Kata’ib Hezbollah escalates"])
        self.assertEqual(titles(self.get("?q=hezbollah+atlantis")), [])

    def test_matches_are_marked_in_the_summary(self):
        response = self.get("?q=convoy")
        self.assertEqual(marked(response), ["convoy"])
        self.assertContains(response, "struck a <mark>convoy</mark> near Baghdad")
        self.assertContains(response, "most relevant first")

    def test_search_is_listed_with_the_active_filters(self):
        response = self.get("?q=convoy&series=iraq")
        self.assertContains(response, "Search: “convoy”")
        self.assertContains(response, 'href="/?series=iraq"')  # removes the search only

    def test_bad_searches_are_a_400_with_the_reason_at_the_field(self):
        cases = {"?q=%21%3F%21": "at least one word", "?q=" + "a" * 201: "at most 200 characters"}
        for query, message in cases.items():
            with self.subTest(query):
                response = self.get(query)
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, 'id="q-error"', status_code=400)
                self.assertContains(response, 'aria-invalid="true"', status_code=400)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_search_query_count_stays_the_same_with_more_results(self):
        # The first search of a generation: facets, ranking, and the page of reports with their
        # series and tags; then none, as all three are kept for the generation.
        forget_cached_results()
        with self.assertNumQueries(3):
            self.get("?q=hezbollah")
        with self.assertNumQueries(0):
            self.get("?q=hezbollah")
        for number in range(10):
            make_report(f"Hezbollah {number}", tags=[f"Extra {number}", "Iran"])
        PublicationState.objects.record_change()
        forget_cached_results()
        with self.assertNumQueries(3):
            self.assertEqual(len(titles(self.get("?q=hezbollah"))), 13)
        with self.assertNumQueries(0):
            self.assertEqual(len(titles(self.get("?q=hezbollah"))), 13)


class HighlightTests(SitrepTestCase):
    def test_text_is_escaped_before_matches_are_marked(self):
        cases = [
            (
                "KH & <script>alert(1)</script>",
                "script",
                "KH &amp; &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;",
            ),
            ("Fish & chips", "amp", "Fish &amp; chips"),  # never inside an entity
            ("Iranian proxies, Iran", "iran", "<mark>Iranian</mark> proxies, <mark>Iran</mark>"),
            ("Kata’ib Hezbollah", "kata'ib", "<mark>Kata</mark>’<mark>ib</mark> Hezbollah"),
            ("Nothing here", "!!", "Nothing here"),
            ("a < b", "", "a &lt; b"),
        ]
        for text, query, expected in cases:
            with self.subTest(text=text, query=query):
                self.assertEqual(str(highlight(text, query)), expected)


@unittest.skipUnless(POSTGRESQL, "PostgreSQL full-text search")
class PostgreSQLSearchTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.in_body = make_report("Weekly update one", summary="Quiet week.", body="Rockets hit the airport.")
        cls.in_summary = make_report("Weekly update two", summary="A rocket attack on the embassy.")
        cls.in_title = make_report("Rocket attacks on US bases", summary="A busy week.")

    def test_stemming_finds_other_forms_of_a_word(self):
        response = self.client.get("/?q=attacked")
        self.assertCountEqual(titles(response), ["Weekly update two", "Rocket attacks on US bases"])
        self.assertEqual(marked(response), ["attack"])  # the summary's own form is marked

    def test_results_are_ranked_title_then_summary_then_body(self):
        self.assertEqual(
            titles(self.client.get("/?q=rockets")),
            ["Rocket attacks on US bases", "Weekly update two", "Weekly update one"],
        )

    def test_web_search_syntax_quoted_phrases_and_exclusions(self):
        self.assertEqual(titles(self.client.get('/?q="rocket+attack"+-embassy')), ["Rocket attacks on US bases"])

    def test_the_stored_document_follows_edits(self):
        report = make_report("Militia talks stall", summary="Nothing agreed.")
        self.assertEqual(list(search_reports(Report.objects.all(), "militia")), [report])
        report.title = "Ceasefire talks stall"
        report.save()
        self.assertEqual(list(search_reports(Report.objects.all(), "ceasefire")), [report])
        self.assertEqual(list(search_reports(Report.objects.all(), "militia")), [])

    def test_search_works_as_a_subquery(self):
        searched = search_reports(Report.objects.all(), "rocket")
        expected = {self.in_body.pk, self.in_summary.pk, self.in_title.pk}
        self.assertEqual({r.pk for r in Report.objects.filter(pk__in=searched.values("pk"))}, expected)
        self.in_title.tags.set(["Iraq"])
        self.in_body.tags.set(["Iraq", "Iran"])
        links = TaggedReport.objects.filter(content_object__in=searched)
        self.assertEqual(
            sorted(links.values_list("content_object_id", flat=True)),
            sorted([self.in_title.pk] + [self.in_body.pk] * 2),
        )


@unittest.skipIf(POSTGRESQL, "SQLite word matching")
class SQLiteSearchTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("Iranian proxies", summary="Militias aligned with Tehran.")
        make_report("Weekly update", summary="Iran denied it.", body="Nothing on proxies.")

    def test_query_words_match_the_start_of_words_in_any_case(self):
        cases = {"?q=iran": 2, "?q=IRANIAN": 1, "?q=ran": 0, "?q=militia": 1, "?q=proxies": 2}
        for query, count in cases.items():
            with self.subTest(query):
                self.assertEqual(len(titles(self.client.get("/" + query))), count)

    def test_title_matches_rank_above_summary_and_body_matches(self):
        self.assertEqual(titles(self.client.get("/?q=proxies")), ["Iranian proxies", "Weekly update"])
