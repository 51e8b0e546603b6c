"""Period-aware authoring and the live Markdown preview: proposals, warnings that never block,
the default period of a new report, and the JSON endpoints the change form's scripts call."""

import datetime

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from reports.editorial import authoring
from reports.models import Report
from reports.text.markdown import render_markdown
from tests.base import SitrepTestCase
from tests.desk_helpers import ROLE_MATRIX, change_url, log_in_as
from tests.helpers import make_report, make_series, make_user, submit

Status = Report.Status
ADD_URL = reverse("admin:reports_report_add")
PROPOSAL_URL = reverse("admin:reports_report_proposal")
MARKDOWN_URL = reverse("admin:reports_report_markdown_preview")


def day(*ymd):
    return datetime.date(*ymd)


class ProposalTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.iraq = make_series()

    def test_title_and_slug_in_house_style_for_every_kind_of_period(self):
        cases = {
            (day(2020, 8, 19), day(2020, 8, 25)): (
                "Iraq Situation Report: August 19-25, 2020",
                "iraq-situation-report-august-19-25-2020",
            ),
            (day(2020, 7, 29), day(2020, 8, 5)): (
                "Iraq Situation Report: July 29 - August 5, 2020",
                "iraq-situation-report-july-29-august-5-2020",
            ),
            (day(2020, 12, 30), day(2021, 1, 5)): (
                "Iraq Situation Report: December 30, 2020 - January 5, 2021",
                "iraq-situation-report-december-30-2020-january-5-2021",
            ),
        }
        for (start, end), expected in cases.items():
            with self.subTest(start=start, end=end):
                proposal = authoring.propose(self.iraq, start, end)
                self.assertEqual((proposal.title, proposal.slug), expected)

    def test_nothing_is_proposed_while_the_series_or_period_is_missing_or_backwards(self):
        for args in ((None, day(2020, 1, 1), day(2020, 1, 7)), (self.iraq, None, day(2020, 1, 7)),
                     (self.iraq, day(2020, 1, 7), day(2020, 1, 1))):  # fmt: skip
            with self.subTest(args=args):
                self.assertIsNone(authoring.propose(*args))


class NextPeriodTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.iraq = make_series()
        cls.syria = make_series("Syria Situation Report", "syria")
        make_report(start=(2020, 7, 22), end=(2020, 7, 28))
        make_report(start=(2020, 7, 29), end=(2020, 8, 4), status=Status.DRAFT)  # drafts count too
        make_report(start=(2020, 6, 1), end=(2020, 6, 7))  # written last, but not the latest period
        make_report(series=cls.syria, start=(2020, 12, 23), end=(2020, 12, 29))

    def test_the_seven_days_after_the_latest_report_of_the_series(self):
        self.assertEqual(authoring.next_period(self.iraq), (day(2020, 8, 5), day(2020, 8, 11)))

    def test_across_a_year(self):
        self.assertEqual(authoring.next_period(self.syria), (day(2020, 12, 30), day(2021, 1, 5)))

    def test_a_series_without_reports_has_no_next_period(self):
        self.assertIsNone(authoring.next_period(make_series("Yemen", "yemen")))
        self.assertIsNone(authoring.next_period(None))


class PeriodWarningTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.iraq = make_series()
        cls.july = make_report("Iraq July 1-7", start=(2020, 7, 1), end=(2020, 7, 7))
        make_report("Syria July 8-14", series=make_series("Syria", "syria"), start=(2020, 7, 8), end=(2020, 7, 14))

    def warnings(self, start, end, **kwargs):
        return authoring.period_warnings(self.iraq, start, end, **kwargs)

    def test_the_period_that_follows_on_is_fine(self):
        self.assertEqual(self.warnings(day(2020, 7, 8), day(2020, 7, 14)), [])

    def test_overlap_with_a_report_of_the_same_series(self):
        (warning,) = self.warnings(day(2020, 7, 7), day(2020, 7, 13))
        self.assertEqual(warning, "The period overlaps “Iraq July 1-7” (July 1–7, 2020) in the same series.")

    def test_gap_after_the_previous_report(self):
        (warning,) = self.warnings(day(2020, 7, 10), day(2020, 7, 16))
        self.assertIn("leaves a gap of 2 days after “Iraq July 1-7”", warning)
        self.assertIn("would start on July 8, 2020", warning)
        (one_day,) = self.warnings(day(2020, 7, 9), day(2020, 7, 15))
        self.assertIn("a gap of 1 day after", one_day)

    def test_a_period_that_is_not_seven_days(self):
        self.assertEqual(self.warnings(day(2020, 7, 8), day(2020, 7, 17)), ["The period is 10 days long, not 7."])
        self.assertEqual(self.warnings(day(2020, 7, 8), day(2020, 7, 8)), ["The period is 1 day long, not 7."])

    def test_several_warnings_at_once(self):
        self.assertEqual(len(self.warnings(day(2020, 7, 5), day(2020, 7, 20))), 2)  # overlap and 16 days

    def test_a_report_does_not_overlap_itself(self):
        self.assertEqual(self.warnings(day(2020, 7, 1), day(2020, 7, 7), exclude_pk=self.july.pk), [])

    def test_no_warnings_without_a_whole_period(self):
        self.assertEqual(self.warnings(None, day(2020, 7, 7)), [])
        self.assertEqual(authoring.period_warnings(None, day(2020, 7, 1), day(2020, 7, 3)), [])


class AuthoringAdminTests(SitrepTestCase):
    """Proposals and warnings in the report form, as a writer uses it."""

    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.iraq = make_series()
        cls.latest = make_report(
            "Iraq Situation Report: August 19-25, 2020", start=(2020, 8, 19), end=(2020, 8, 25), created_by=cls.writer
        )

    def setUp(self):
        self.client.force_login(self.writer)

    def test_a_new_report_starts_with_the_next_period_and_its_house_style_title(self):
        page = self.client.get(ADD_URL)
        form = page.context["adminform"].form
        self.assertEqual(form["series"].value(), self.iraq.pk)
        self.assertEqual(
            (form["period_start"].value(), form["period_end"].value()), (day(2020, 8, 26), day(2020, 9, 1))
        )
        self.assertEqual(form["title"].value(), "Iraq Situation Report: August 26 - September 1, 2020")
        self.assertContains(page, 'value="2020-08-26"')
        self.assertContains(page, 'data-proposed-slug="iraq-situation-report-august-26-september-1-2020"')

    def test_with_several_series_the_default_follows_the_chosen_one(self):
        syria = make_series("Syria Situation Report", "syria")
        make_report(series=syria, start=(2020, 12, 23), end=(2020, 12, 29))
        blank = self.client.get(ADD_URL).context["adminform"].form
        self.assertIsNone(blank["period_start"].value())
        chosen = self.client.get(f"{ADD_URL}?series={syria.pk}").context["adminform"].form
        self.assertEqual(
            (chosen["period_start"].value(), chosen["period_end"].value()), (day(2020, 12, 30), day(2021, 1, 5))
        )
        self.assertEqual(chosen["title"].value(), "Syria Situation Report: December 30, 2020 - January 5, 2021")
        for garbage in ("nonsense", "²", "9" * 30):
            with self.subTest(series=garbage):
                page = self.client.get(ADD_URL, {"series": garbage})
                self.assertEqual(page.status_code, 200)
                self.assertIsNone(page.context["adminform"].form["period_start"].value())

    def test_saving_the_defaults_as_they_are_gives_a_house_style_report(self):
        response = submit(self.client, ADD_URL, summary="Takeaways.")
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(period_start=day(2020, 8, 26))
        self.assertEqual(report.title, "Iraq Situation Report: August 26 - September 1, 2020")
        self.assertEqual(report.slug, "iraq-situation-report-august-26-september-1-2020")

    def test_an_empty_title_is_filled_in_house_style_when_saved(self):
        submit(self.client, ADD_URL, title="", slug="", period_start="2020-07-29", period_end="2020-08-05",
               summary="Takeaways.")  # fmt: skip
        report = Report.objects.get(period_start=day(2020, 7, 29))
        self.assertEqual(report.title, "Iraq Situation Report: July 29 - August 5, 2020")
        self.assertEqual(report.slug, "iraq-situation-report-july-29-august-5-2020")

    def test_an_empty_title_without_a_period_is_refused_keeping_what_was_typed(self):
        response = submit(self.client, ADD_URL, title="", period_start="", summary="Kept summary.")
        self.assertContains(response, "Enter a title, or choose the series and period")
        self.assertContains(response, "Kept summary.")
        self.assertEqual(Report.objects.count(), 1)

    def test_a_title_typed_by_hand_is_kept(self):
        submit(self.client, ADD_URL, title="Special issue: the Baghdad airport strike", slug="", summary="S.")
        report = Report.objects.get(period_start=day(2020, 8, 26))
        self.assertEqual(report.title, "Special issue: the Baghdad airport strike")
        self.assertEqual(report.slug, "special-issue-the-baghdad-airport-strike")
        page = self.client.get(change_url(report))
        self.assertContains(page, "House-style title for this series and period")
        self.assertContains(page, "Iraq Situation Report: August 26 - September 1, 2020</strong>")

    def test_period_warnings_never_block_saving_and_are_said_after_it(self):
        response = submit(self.client, ADD_URL, period_start="2020-08-24", period_end="2020-09-02", title="",
                          summary="Overlapping and long.")  # fmt: skip
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(period_start=day(2020, 8, 24))
        messages = [str(m) for m in self.client.get(response["Location"]).context["messages"]]
        self.assertIn("The period is 10 days long, not 7.", messages)
        self.assertTrue(any("overlaps “Iraq Situation Report: August 19-25, 2020”" in m for m in messages))
        page = self.client.get(change_url(report))
        self.assertContains(page, "The period is 10 days long, not 7.")
        self.assertContains(page, 'id="authoring-notes"')
        self.assertNotContains(page, 'id="authoring-notes" hidden')

    def test_warnings_follow_the_period_on_screen_when_the_form_comes_back_with_errors(self):
        response = submit(self.client, ADD_URL, period_start="2020-09-02", period_end="2020-09-04", summary="")
        self.assertEqual(response.status_code, 200)  # the summary is required
        self.assertContains(response, "The period is 3 days long, not 7.")
        self.assertContains(response, "leaves a gap of 7 days")

    def test_a_report_that_follows_on_has_nothing_to_note(self):
        page = self.client.get(change_url(self.latest))
        self.assertContains(page, 'id="authoring-notes"')
        self.assertEqual(page.context["desk"]["warnings"], [])
        self.assertFalse(page.context["desk"]["any"])

    def test_a_published_reports_slug_is_never_proposed_anew(self):
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(change_url(self.latest)), 'data-slug-locked="1"')
        draft = make_report(status=Status.DRAFT)
        self.assertNotContains(self.client.get(change_url(draft)), "data-slug-locked")

    def test_the_change_form_loads_the_scripts_from_static_files_only(self):
        html = self.client.get(ADD_URL).content.decode()
        for script in ("admin-authoring.js", "admin-tags.js", "admin-markdown-preview.js"):
            self.assertIn(f'<script src="/static/reports/{script}"></script>', html)
        self.assertNotRegex(html, r"<script>(?!\s*</script>)|<script [^>]*>[^<\s]")
        self.assertNotRegex(html, r"\son(click|input|change|load|submit)=")


class ProposalEndpointTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.iraq = make_series()
        cls.july = make_report("Iraq July 1-7", start=(2020, 7, 1), end=(2020, 7, 7))

    def get(self, **params):
        return self.client.get(PROPOSAL_URL, params)

    def test_proposal_warnings_and_next_period(self):
        self.client.force_login(self.writer)
        data = self.get(series=self.iraq.pk, period_start="2020-07-06", period_end="2020-07-12").json()
        self.assertEqual(
            data["proposal"],
            {"title": "Iraq Situation Report: July 6-12, 2020", "slug": "iraq-situation-report-july-6-12-2020"},
        )
        self.assertEqual(len(data["warnings"]), 1)
        self.assertIn("overlaps “Iraq July 1-7”", data["warnings"][0])
        self.assertEqual(data["next_period"], {"start": "2020-07-08", "end": "2020-07-14"})

    def test_editing_a_report_does_not_warn_about_itself(self):
        self.client.force_login(self.writer)
        params = {"series": self.iraq.pk, "period_start": "2020-07-01", "period_end": "2020-07-07"}
        self.assertEqual(self.get(**params, report=self.july.pk).json()["warnings"], [])

    def test_partial_input_proposes_nothing_yet(self):
        self.client.force_login(self.writer)
        data = self.get(series=self.iraq.pk).json()
        self.assertEqual((data["proposal"], data["warnings"]), (None, []))
        self.assertEqual(self.get().json(), {"proposal": None, "warnings": [], "next_period": None})

    def test_bad_input_is_a_400_with_a_reason(self):
        self.client.force_login(self.writer)
        cases = {
            "There is no series": {"series": "999"},
            "no series 'x'": {"series": "x"},
            "“2020-02-30” is not a date": {"series": self.iraq.pk, "period_start": "2020-02-30"},
            "Period end: “next week” is not a date": {"period_end": "next week"},
            "no series '²'": {"series": "²"},
            "no series '99999999999999999999'": {"series": "9" * 20, "report": "9" * 20},
        }
        for reason, params in cases.items():
            with self.subTest(reason):
                response = self.get(**params)
                self.assertEqual(response.status_code, 400)
                self.assertIn(reason, response.json()["error"])

    def test_role_matrix(self):
        for role in ROLE_MATRIX:
            with self.subTest(role=role):
                log_in_as(self.client, getattr(self, role, None))
                response = self.get(series=self.iraq.pk)
                self.assertEqual(response.status_code, 302 if role == "anonymous" else 200)
                self.assertEqual(self.client.post(PROPOSAL_URL).status_code, 302 if role == "anonymous" else 405)


class MarkdownPreviewEndpointTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.nobody = get_user_model().objects.create_user("nobody", password="pw", is_staff=True)
        make_series()

    def preview(self, body, client=None):
        return (client or self.client).post(MARKDOWN_URL, {"body": body})

    def test_renders_with_the_same_code_as_the_public_page(self):
        self.client.force_login(self.writer)
        source = "## Rockets\n\n*Three* rockets hit [the airport](https://example.org).\n\n- one\n- two"
        response = self.preview(source)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["html"], str(render_markdown(source)))
        self.assertInHTML("<h2>Rockets</h2>", response.json()["html"])

    def test_hostile_markdown_is_sanitised(self):
        self.client.force_login(self.editor)
        html = self.preview(
            '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)"> '
            "<a href='https://evil.example' onclick='steal()'>y</a>"
        ).json()["html"]
        for dangerous in ("<script", "<img", "<a href='https://evil", 'href="javascript'):
            self.assertNotIn(dangerous, html)
        self.assertNotRegex(html, r"<[^>]*\son\w+=")  # no event handler inside any tag
        self.assertIn("&lt;script&gt;", html)  # raw HTML is shown as text

    def test_empty_or_missing_body_renders_nothing(self):
        self.client.force_login(self.writer)
        self.assertEqual(self.preview("").json(), {"html": ""})
        self.assertEqual(self.client.post(MARKDOWN_URL, {}).json(), {"html": ""})

    def test_too_long_a_text_is_refused_with_a_reason(self):
        self.client.force_login(self.writer)
        response = self.preview("x" * 200_001)
        self.assertEqual(response.status_code, 400)
        self.assertIn("too long", response.json()["error"])

    def test_get_is_not_allowed(self):
        self.client.force_login(self.writer)
        self.assertEqual(self.client.get(MARKDOWN_URL).status_code, 405)

    def test_role_matrix_as_direct_posts(self):
        expected = {"anonymous": 302, "writer": 200, "editor": 200, "nobody": 403}
        for role in (*ROLE_MATRIX, "nobody"):
            with self.subTest(role=role):
                log_in_as(self.client, getattr(self, role, None))
                response = self.preview("*hi*")
                self.assertEqual(response.status_code, expected[role])
                if response.status_code == 200:
                    self.assertEqual(response.json()["html"], "<p><em>hi</em></p>")

    def test_a_post_without_the_csrf_token_is_refused(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.writer)
        self.assertEqual(self.preview("*hi*", client=browser).status_code, 403)

    def test_without_javascript_the_preview_shows_the_saved_body(self):
        report = make_report(status=Status.DRAFT, body="## Saved heading")
        self.client.force_login(self.writer)
        page = self.client.get(change_url(report))
        self.assertContains(page, 'class="markdown-preview"')
        self.assertContains(page, "<h2>Saved heading</h2>", html=True)
        self.assertContains(page, f'data-preview-url="{MARKDOWN_URL}"')
