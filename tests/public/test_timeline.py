import datetime
import re

from django.contrib.auth import get_user_model
from django.test import SimpleTestCase, override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from reports.models import Report
from reports.public.timeline import COVERED, COVERED_TWICE, MISSING, PARTLY_COVERED, build_timeline, iso_year_bounds
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series, make_user

Status = Report.Status
D = datetime.date


def statuses(timeline):
    return {week.label: week.status for week in timeline.weeks}


class BuildTimelineTests(SimpleTestCase):
    def test_weeks_are_marked_by_how_their_days_are_covered(self):
        periods = [
            (D(2020, 6, 10), D(2020, 6, 16)),  # Wednesday to Tuesday, like the seed series
            (D(2020, 6, 17), D(2020, 6, 23)),
            (D(2020, 7, 1), D(2020, 7, 7)),  # after a gap of June 24-30
            (D(2020, 7, 6), D(2020, 7, 12)),  # overlaps the previous one on July 6-7
            (D(2020, 7, 27), D(2020, 8, 2)),  # after a whole missing week
        ]
        timeline = build_timeline(periods, D(2020, 6, 10), D(2020, 8, 2))
        self.assertEqual(
            statuses(timeline),
            {
                "2020-W24": COVERED,  # June 8-9 are before the first report: not a gap
                "2020-W25": COVERED,
                "2020-W26": PARTLY_COVERED,
                "2020-W27": PARTLY_COVERED,
                "2020-W28": COVERED_TWICE,
                "2020-W29": MISSING,
                "2020-W30": MISSING,
                "2020-W31": COVERED,
            },
        )
        self.assertEqual([(r.first, r.last) for r in timeline.gaps], [(D(2020, 6, 24), D(2020, 6, 30)),
                                                                     (D(2020, 7, 13), D(2020, 7, 26))])  # fmt: skip
        self.assertEqual([(r.first, r.last, r.days) for r in timeline.overlaps], [(D(2020, 7, 6), D(2020, 7, 7), 2)])

    def test_each_week_says_in_words_what_its_marks_show(self):
        timeline = build_timeline([(D(2020, 7, 15), D(2020, 7, 21)), (D(2020, 7, 20), D(2020, 7, 20))],
                                  D(2020, 7, 15), D(2020, 8, 2))  # fmt: skip
        descriptions = [week.description for week in timeline.weeks]
        self.assertEqual(
            descriptions,
            [
                "2020-W29, July 13–19, 2020: covered.",
                "2020-W30, July 20–26, 2020: covered twice; no report for July 22–26, 2020; "
                "more than one report for July 20, 2020.",
                "2020-W31, July 27 – August 2, 2020: missing.",
            ],
        )
        self.assertEqual(timeline.weeks[1].day_marks, ["many", "one", "none", "none", "none", "none", "none"])
        self.assertEqual(timeline.weeks[0].day_marks, ["out", "out", "one", "one", "one", "one", "one"])

    def test_weeks_belong_to_their_iso_year(self):
        timeline = build_timeline([(D(2020, 12, 28), D(2021, 1, 10))], D(2020, 12, 28), D(2021, 1, 10))
        self.assertEqual([(year, [w.label for w in weeks]) for year, weeks in timeline.years],
                         [(2020, ["2020-W53"]), (2021, ["2021-W01"])])  # fmt: skip
        self.assertEqual(iso_year_bounds(2020), (D(2019, 12, 30), D(2021, 1, 3)))

    def test_no_days_no_weeks(self):
        self.assertEqual(build_timeline([], D(2020, 1, 2), D(2020, 1, 1)).weeks, [])

    @given(
        st.lists(
            st.tuples(st.dates(D(2020, 1, 1), D(2020, 3, 31)), st.integers(0, 20)).map(
                lambda pair: (pair[0], pair[0] + datetime.timedelta(days=pair[1]))
            ),
            max_size=8,
        ),
        st.dates(D(2020, 1, 1), D(2020, 2, 15)),
        st.integers(0, 60),
    )
    def test_every_day_counts_the_periods_that_contain_it(self, periods, first, length):
        last = first + datetime.timedelta(days=length)
        timeline = build_timeline(periods, first, last)
        gap_days = {r.first + datetime.timedelta(days=n) for r in timeline.gaps for n in range(r.days)}
        for week in timeline.weeks:
            for day, count in week.days:
                if not first <= day <= last:
                    self.assertIsNone(count)
                    continue
                self.assertEqual(count, sum(start <= day <= end for start, end in periods))
                self.assertEqual(day in gap_days, count == 0)


class WeekTimelinePageTests(SitrepTestCase):
    fixtures = ["seed_reports.json"]

    @classmethod
    def setUpTestData(cls):
        series = Report.objects.first().series
        # Unpublished reports filling the seed's gap must not close it for readers.
        make_report("Draft for the gap", series=series, start=(2020, 7, 22), end=(2020, 7, 28), status=Status.DRAFT)
        make_report("Scheduled for the gap", series=series, start=(2020, 8, 6), end=(2020, 8, 11),
                    published_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip

    def test_the_seed_data_shows_its_real_gaps(self):
        response = self.client.get("/weeks/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "July 22–28, 2020 (7 days)")
        self.assertContains(response, "August 6–11, 2020 (6 days)")
        self.assertContains(
            response, "12 weeks, 2020-W24 to 2020-W35: 8 covered, 4 partly covered, 0 covered twice, 0 missing."
        )
        self.assertNotContains(response, "Draft for the gap")

    def test_every_week_links_to_the_archive_and_has_a_text_equivalent(self):
        html = self.client.get("/weeks/").content.decode()
        weeks = re.findall(r'<a class="week week-([a-z-]+)" href="([^"]+)"[^>]*>(.*?)</a>', html)
        self.assertEqual(len(weeks), 12)
        for status, href, inner in weeks:
            with self.subTest(href):
                self.assertRegex(href, r"^/\?week=2020-W\d\d&amp;series=iraq-situation-report$")
                self.assertIn('<span class="days" aria-hidden="true">', inner)
                self.assertIn(f": {status.replace('-', ' ')}", inner)  # the visually hidden description
        self.assertIn("2020-W30, July 20–26, 2020: partly covered; no report for July 22–26, 2020.", html)

    def test_a_week_link_lists_that_weeks_reports(self):
        response = self.client.get("/?week=2020-W30&series=iraq-situation-report")
        self.assertEqual([r["title"] for r in response.context["reports"]], ["Iraq Situation Report: July 15-21, 2020"])

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_two_queries_then_none(self):
        forget_cached_results()
        with self.assertNumQueries(2):  # each series' run; the year's reports
            self.client.get("/weeks/")
        with self.assertNumQueries(0):  # both kept for the publication generation
            self.client.get("/weeks/")


class WeekTimelineYearTests(SitrepTestCase):
    """One ISO year a page, so the page stays the same size however many years the archive holds."""

    @classmethod
    def setUpTestData(cls):
        cls.iraq = make_series()
        cls.syria = make_series("Syria Situation Report", "syria")
        for monday in (D(2019, 12, 2), D(2020, 6, 1), D(2021, 3, 1)):  # one week a year
            make_report(f"Iraq {monday}", series=cls.iraq, start=monday.timetuple()[:3],
                        end=(monday + datetime.timedelta(days=6)).timetuple()[:3])  # fmt: skip
        make_report("Syria 2020", series=cls.syria, start=(2020, 6, 1), end=(2020, 6, 7))

    def weeks(self, response):
        return re.findall(r'href="/\?week=([0-9W-]+)&amp;series=([a-z-]+)"', response.content.decode())

    def test_the_latest_year_is_shown_by_default_with_links_to_every_year(self):
        response = self.client.get("/weeks/")
        self.assertContains(response, "<h1>Coverage by week, 2021</h1>", html=True)
        self.assertEqual({week for week, _ in self.weeks(response)}, {f"2021-W{n:02d}" for n in range(1, 10)})
        for year in (2019, 2020):
            self.assertContains(response, f'<a href="?year={year}">{year}</a>', html=True)
        self.assertContains(response, '<a href="?year=2021" aria-current="page">2021</a>', html=True)

    def test_a_year_shows_only_its_weeks_within_each_series_run(self):
        weeks = self.weeks(self.client.get("/weeks/?year=2020"))
        iraq = [week for week, series in weeks if series == self.iraq.slug]
        self.assertEqual(iraq[0], "2020-W01")  # its run began in 2019
        self.assertEqual(iraq[-1], "2020-W53")  # and goes on into 2021
        self.assertEqual([week for week, series in weeks if series == "syria"], ["2020-W23"])

    def test_the_weeks_a_series_skips_inside_its_run_show_as_missing(self):
        response = self.client.get("/weeks/?year=2020")
        self.assertContains(
            response, "53 weeks, 2020-W01 to 2020-W53: 1 covered, 0 partly covered, 0 covered twice, 52 missing."
        )

    def test_a_year_without_reports_says_so(self):
        response = self.client.get("/weeks/?year=1990")
        self.assertContains(response, "No published report covers 1990.")
        self.assertEqual(self.weeks(response), [])

    def test_a_year_that_is_not_a_year_is_refused_with_the_reason(self):
        for raw in ("twenty", "0", "10000", "-1", "2020.5"):
            with self.subTest(raw):
                response = self.client.get("/weeks/", {"year": raw})
                self.assertContains(response, "is not a year", status_code=400)
                self.assertContains(response, '<a href="?year=2021">2021</a>', html=True, status_code=400)


class WeekNavigationTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("Year end", start=(2020, 12, 28), end=(2021, 1, 3), tags=["Iran"])

    def test_a_chosen_week_links_to_the_weeks_before_and_after_keeping_the_other_filters(self):
        response = self.client.get("/?tag=iran&week=2020-W53&page=1")
        self.assertContains(response, '<a rel="prev" href="/?tag=iran&amp;week=2020-W52">', count=1)
        self.assertContains(response, '<a rel="next" href="/?tag=iran&amp;week=2021-W01">', count=1)
        self.assertNotContains(self.client.get("/?tag=iran"), "Neighbouring weeks")


class EditorCoverageTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.iraq = make_series()
        make_report("W02", start=(2020, 1, 6), end=(2020, 1, 12))
        make_report("W04", start=(2020, 1, 20), end=(2020, 1, 26))
        cls.draft = make_report("Draft W03", start=(2020, 1, 13), end=(2020, 1, 19), status=Status.DRAFT)
        cls.url = "/admin/reports/report/coverage/"

    def test_staff_who_may_view_reports_see_missing_weeks_with_unpublished_reports_labelled(self):
        for role in ("writer", "editor"):
            with self.subTest(role):
                self.client.force_login(make_user(role))
                response = self.client.get(self.url + "?year=2020")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Missing weeks in 2020: 50")  # W03 and W05 to W53
                self.assertContains(response, "Draft W03</a> <strong>[Draft]</strong>")
                self.assertContains(response, "2020-W03, January 13–19, 2020: missing.")
                self.assertContains(response, 'class="week week-missing"')
                self.client.logout()
                get_user_model().objects.filter(username=role).delete()

    def test_current_year_by_default_and_only_up_to_today(self):
        today = timezone.localdate()
        make_report("This week", start=today.timetuple()[:3], end=today.timetuple()[:3])
        self.client.force_login(make_user("editor"))
        response = self.client.get(self.url)
        self.assertContains(response, f"Coverage by week, {today.isocalendar().year}")
        weeks = response.context["coverage"][0].series_timeline.timeline.weeks
        self.assertEqual(weeks[-1].label, f"{today.isocalendar().year}-W{today.isocalendar().week:02d}")

    def test_change_list_links_to_it(self):
        self.client.force_login(make_user("writer"))
        self.assertContains(self.client.get("/admin/reports/report/"), f'href="{self.url}"')

    def test_a_bad_year_is_a_400_with_the_reason(self):
        self.client.force_login(make_user("editor"))
        response = self.client.get(self.url + "?year=20x0")
        self.assertContains(response, "“20x0” is not a year from 1900 to 2999.", status_code=400)

    def test_readers_and_staff_without_the_permission_are_refused(self):
        self.assertRedirects(self.client.get(self.url), f"/admin/login/?next={self.url}")
        self.client.force_login(get_user_model().objects.create_user("staff", is_staff=True))
        self.assertEqual(self.client.get(self.url).status_code, 403)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_query_count(self):
        self.client.force_login(make_user("editor"))
        # session, user, the user's and the group's permissions, published periods, unpublished reports
        with self.assertNumQueries(6):
            self.client.get(self.url + "?year=2020")
