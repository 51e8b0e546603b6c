import datetime
import re

from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from reports.models import Report
from reports.public.charts import month_chart
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report

Status = Report.Status


class TagThreadTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("Late", start=(2020, 8, 19), end=(2020, 8, 25), tags=["IED attacks", "Iran", "Baghdad"],
                    summary="Roadside IEDs hit supply convoys.")  # fmt: skip
        make_report("Early", start=(2020, 6, 10), end=(2020, 6, 16), tags=["IED attacks", "Iran"])
        make_report("Middle", start=(2020, 6, 24), end=(2020, 6, 30), tags=["IED attacks", "Iran", "Baghdad"])
        make_report("Other", start=(2020, 7, 1), end=(2020, 7, 7), tags=["Iran", "Turkey"])
        make_report("Draft", status=Status.DRAFT, start=(2020, 9, 2), end=(2020, 9, 8), tags=["IED attacks", "Secret"])
        make_report("Scheduled", start=(2020, 5, 1), end=(2020, 5, 7), tags=["IED attacks", "Secret"],
                    published_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip
        make_report("Only drafts", status=Status.REVIEW, tags=["Unreleased"])

    def get(self, slug="ied-attacks"):
        return self.client.get(f"/tags/{slug}/")

    def test_reports_in_period_order_with_their_summaries(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual([r["title"] for r in response.context["reports"]], ["Early", "Middle", "Late"])
        self.assertContains(response, "<h1>IED attacks</h1>", html=True)
        self.assertContains(response, "Roadside IEDs hit supply convoys.")
        self.assertNotContains(response, "Secret")
        self.assertNotContains(response, "Draft")

    def test_first_and_last_week_the_tag_appears(self):
        response = self.get()
        self.assertContains(response, "3 published reports.")
        self.assertContains(response, 'href="/?tag=ied-attacks&amp;week=2020-W24">2020-W24</a> (June 8–14, 2020)')
        self.assertContains(response, 'href="/?tag=ied-attacks&amp;week=2020-W35">2020-W35</a> (August 24–30, 2020)')

    def test_per_month_chart_with_its_text_equivalent(self):
        response = self.get()
        html = response.content.decode()
        self.assertIn(
            '<desc id="chart-description">2 in June 2020, 1 in August 2020; none in the other months.</desc>', html
        )
        self.assertEqual(re.findall(r"<title>(.*?)</title>", html)[1:],
                         ["June 2020: 2 reports", "July 2020: 0 reports", "August 2020: 1 report"])  # fmt: skip
        self.assertIn('role="img" aria-labelledby="chart-caption chart-description"', html)

    def test_tags_most_often_together_with_it(self):
        response = self.get()
        self.assertEqual(
            [(t["tag__name"], t["report_count"]) for t in response.context["co_tags"]], [("Iran", 3), ("Baghdad", 2)]
        )
        self.assertContains(response, 'href="/?tag=ied-attacks&amp;tag=baghdad"')
        self.assertContains(response, 'href="/tags/baghdad/"')

    def test_its_own_feeds(self):
        response = self.get()
        self.assertContains(
            response, 'type="application/atom+xml" title="Atom feed: IED attacks" href="/feeds/atom/?tag=ied-attacks"'
        )
        self.assertContains(response, 'href="/feeds/rss/?tag=ied-attacks"')

    def test_unknown_tags_and_tags_only_unpublished_reports_use_are_404(self):
        for slug in ("no-such-tag", "unreleased", "secret"):
            with self.subTest(slug):
                self.assertEqual(self.get(slug).status_code, 404)

    def test_the_tag_list_links_to_threads(self):
        self.assertContains(self.client.get("/tags/"), 'href="/tags/ied-attacks/"')

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_query_count(self):
        # The first request of a generation: the tag with its months, the tags found with it (both
        # kept for the generation), and the page of reports with their series and tags (kept too).
        forget_cached_results()
        with self.assertNumQueries(3):
            self.get()
        with self.assertNumQueries(0):
            self.get()


class MonthChartTests(SimpleTestCase):
    def test_every_month_between_the_first_and_the_last_gets_a_bar(self):
        chart = month_chart({(2020, 11): 2, (2021, 2): 4})
        self.assertEqual([(b.year, b.month, b.count, b.height) for b in chart.bars],
                         [(2020, 11, 2, 40), (2020, 12, 0, 0), (2021, 1, 0, 0), (2021, 2, 4, 80)])  # fmt: skip
        self.assertEqual([b.month_label for b in chart.bars], ["Nov", "Dec", "Jan", "Feb"])
        self.assertEqual([b.year_label for b in chart.bars], ["2020", "", "2021", ""])
        self.assertEqual(chart.description, "2 in November 2020, 4 in February 2021; none in the other months.")

    def test_long_spans_name_only_the_years(self):
        chart = month_chart({(2018, 3): 1, (2020, 6): 1})
        self.assertEqual(len(chart.bars), 28)
        self.assertEqual({b.month_label for b in chart.bars}, {""})
        self.assertEqual([b.year_label for b in chart.bars if b.year_label], ["2018", "2019", "2020"])

    def test_no_months_no_bars(self):
        self.assertEqual(month_chart({}).bars, [])


class UnicodeTagThreadTests(SitrepTestCase):
    def test_a_tag_with_a_non_latin_name_has_a_thread(self):
        report = make_report("Arabic-tagged", tags=["كتائب حزب الله"])
        tag = report.tags.get()
        response = self.client.get(f"/tags/{tag.slug}/")
        self.assertContains(response, "كتائب حزب الله")
        self.assertContains(response, "Arabic-tagged")
