import datetime

from django.test import override_settings

from reports.models import PublicationState, Report
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series

Status = Report.Status
IRAQ, SYRIA, KH = "Iraq Situation Report", "Syria Situation Report", "Kata’ib Hezbollah"


def facet(response, name):
    """{label: (count, selected)} for one facet of the archive page."""
    groups = {group.name: group.shown + group.more for group in response.context["facets"].groups}
    return {value.label: (value.count, value.selected) for value in groups.get(name, [])}


class FacetCountTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.syria = make_series("Syria Situation Report", "syria")
        make_report("Iraq 2019", start=(2019, 12, 30), end=(2020, 1, 5), tags=["Iran", "Baghdad"])
        make_report("Iraq June", start=(2020, 6, 24), end=(2020, 6, 30), tags=["Iran", "Baghdad", "IED attacks"])
        make_report("Iraq July", start=(2020, 7, 1), end=(2020, 7, 7), tags=["Iran", "Kata’ib Hezbollah"])
        make_report("Syria July", series=cls.syria, start=(2020, 7, 8), end=(2020, 7, 14), tags=["Iran"])
        make_report("Syria 2021", series=cls.syria, start=(2021, 3, 1), end=(2021, 3, 7), tags=["Turkey"])
        make_report("Draft", status=Status.DRAFT, start=(2020, 7, 1), end=(2020, 7, 7), tags=["Iran", "Hidden"])
        make_report("Scheduled", start=(2022, 1, 3), end=(2022, 1, 9), tags=["Hidden"],
                    published_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1))  # fmt: skip

    def test_facets_count_published_reports_only(self):
        response = self.client.get("/")
        self.assertEqual(
            facet(response, "tag"),
            {"Iran": (4, False), "Baghdad": (2, False), "IED attacks": (1, False), "Kata’ib Hezbollah": (1, False),
             "Turkey": (1, False)},
        )  # fmt: skip
        self.assertEqual(
            facet(response, "series"), {"Iraq Situation Report": (3, False), "Syria Situation Report": (2, False)}
        )
        # A period that crosses the new year counts in both years.
        self.assertEqual(facet(response, "year"), {"2021": (1, False), "2020": (4, False), "2019": (1, False)})
        self.assertNotContains(response, "Hidden")
        self.assertNotContains(response, "2022")

    def test_counts_are_what_each_choice_would_give_within_the_current_filters(self):
        cases = {
            # Tags narrow the results; a series or a year replaces the one chosen.
            "?tag=baghdad": {
                "tag": {"Baghdad": (2, True), "Iran": (2, False), "IED attacks": (1, False)},
                "series": {IRAQ: (2, False)},
                "year": {"2020": (2, False), "2019": (1, False)},
            },
            "?series=syria": {
                "tag": {"Iran": (1, False), "Turkey": (1, False)},
                "series": {IRAQ: (3, False), SYRIA: (2, True)},
                "year": {"2021": (1, False), "2020": (1, False)},
            },
            "?year=2020": {
                "tag": {"Iran": (4, False), "Baghdad": (2, False), "IED attacks": (1, False), KH: (1, False)},
                "series": {IRAQ: (3, False), SYRIA: (1, False)},
                "year": {"2021": (1, False), "2020": (4, True), "2019": (1, False)},
            },
            "?year=2020&series=iraq&from=2020-06-01": {
                "tag": {"Iran": (2, False), "Baghdad": (1, False), "IED attacks": (1, False), KH: (1, False)},
                "series": {IRAQ: (2, True), SYRIA: (1, False)},
                "year": {"2020": (2, True)},
            },
            "?q=nothing-matches-this": {"tag": {}, "series": {}, "year": {}},
        }  # fmt: skip
        for query, expected in cases.items():
            response = self.client.get("/" + query)
            for name, values in expected.items():
                with self.subTest(query=query, facet=name):
                    self.assertEqual(facet(response, name), values)

    def test_the_result_count_comes_from_the_facets(self):
        for query, count in {"": 5, "?series=syria": 2, "?year=2020&series=iraq": 3, "?tag=turkey": 1}.items():
            with self.subTest(query):
                response = self.client.get("/" + query)
                self.assertEqual(response.context["paginator"].count, count)
                self.assertEqual(len(response.context["reports"]), count)

    def test_choosing_a_facet_adds_it_to_the_filters_and_choosing_it_again_removes_it(self):
        response = self.client.get("/?tag=iran&week=2020-W27&page=1")
        self.assertContains(response, 'href="/?tag=iran&amp;tag=kataib-hezbollah&amp;week=2020-W27"')  # add a tag
        self.assertContains(response, 'href="/?tag=iran&amp;week=2020-W27&amp;series=iraq"')
        self.assertContains(response, 'href="/?tag=iran&amp;week=2020-W27&amp;year=2020"')
        self.assertContains(response, 'href="/?week=2020-W27"')  # the chosen tag removes itself
        chosen = self.client.get("/?series=iraq&year=2020")
        self.assertContains(chosen, 'href="/?series=syria&amp;year=2020"')  # another series replaces it
        self.assertContains(chosen, 'href="/?year=2020"')
        self.assertContains(chosen, "(chosen; remove)")

    def test_chosen_facets_survive_a_new_search_from_the_form(self):
        response = self.client.get("/?tag=iran&series=iraq&year=2020")
        for name, value in (("tag", "iran"), ("series", "iraq"), ("year", "2020")):
            with self.subTest(name):
                self.assertContains(response, f'<input type="hidden" name="{name}" value="{value}">', html=True)

    def test_invalid_year_is_a_400_at_the_filter(self):
        for query, message in {
            "?year=twenty": "Enter a year as four digits",
            "?year=2020.5": "Enter a year as four digits",
            "?year=12": "from 1900 to 2999",
        }.items():
            with self.subTest(query):
                response = self.client.get("/" + query)
                self.assertContains(response, message, status_code=400)
                self.assertContains(response, 'id="year-error"', status_code=400)
                self.assertIsNone(response.context["facets"])


class FacetQueryCountTests(SitrepTestCase):
    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_facets_take_one_query_once_per_generation_whatever_the_number_of_tags_series_and_years(self):
        make_report("One", tags=["Iran"])
        # The first request of a generation: the facets (which give the count) and the page;
        # a search also ranks its results once. Tag and series slugs are checked without a query,
        # and the unfiltered archive's facets come with the publication state: no query either.
        first = {"": 1, "?q=one&year=2020": 3, "?tag=iran&series=iraq&year=2020&q=one": 3}
        for more_data in (False, True):
            if more_data:
                for number in range(30):
                    series = make_series(f"Series {number % 4}", f"series-{number % 4}")
                    make_report(
                        f"Report {number}",
                        series=series,
                        start=(2000 + number, 1, 1),
                        end=(2000 + number, 1, 7),
                        tags=[f"Tag {number}", f"Tag {number + 1}", "Iran"],
                    )
                PublicationState.objects.record_change()
            for query, count in first.items():
                forget_cached_results()
                with self.subTest(query=query, more_data=more_data), self.assertNumQueries(count):
                    self.client.get("/" + query)
                with self.subTest(query=query, more_data=more_data, again=True), self.assertNumQueries(0):
                    self.client.get("/" + query)  # the page of reports is kept too

    def test_a_long_tail_of_tags_is_folded_away(self):
        for number in range(15):
            make_report(f"Report {number}", tags=[f"Tag {number:02d}"])
        response = self.client.get("/")
        self.assertContains(response, "<summary>3 more tags</summary>", html=True)
