import datetime
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import SimpleTestCase
from django.utils import timezone
from django.utils.safestring import SafeString
from taggit.models import Tag

from reports.models import PERIOD_ORDER_MESSAGE, Report
from reports.text.markdown import ALLOWED_TAGS, render_markdown
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series

Status = Report.Status
LINK_REL = "noopener noreferrer nofollow"


def report_fields(series):
    return {
        "series": series,
        "title": "Iraq Situation Report: June 24-30, 2020",
        "slug": "iraq-june-24-30-2020",
        "period_start": datetime.date(2020, 6, 24),
        "period_end": datetime.date(2020, 6, 30),
        "summary": "Summary.",
    }


class DatabaseConstraintTests(SitrepTestCase):
    """The check constraints hold even for writes that skip validation."""

    @classmethod
    def setUpTestData(cls):
        cls.series = make_series()

    def create(self, **fields):
        return Report.objects.create(**report_fields(self.series) | fields)

    def test_period_ending_before_it_starts_is_refused_on_create(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            self.create(period_start=datetime.date(2020, 6, 30), period_end=datetime.date(2020, 6, 29))
        self.assertFalse(Report.objects.exists())

    def test_period_ending_before_it_starts_is_refused_on_update(self):
        report = self.create()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(period_end=datetime.date(2020, 6, 23))
        report.refresh_from_db()
        self.assertEqual(report.period_end, datetime.date(2020, 6, 30))

    def test_one_day_period_is_allowed(self):
        day = datetime.date(2020, 6, 24)
        report = self.create(period_start=day, period_end=day)
        report.refresh_from_db()
        self.assertEqual((report.period_start, report.period_end), (day, day))

    def test_moving_the_start_past_the_end_is_refused(self):
        report = self.create()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(period_start=datetime.date(2020, 7, 1))
        report.refresh_from_db()
        self.assertEqual(report.period_start, datetime.date(2020, 6, 24))

    def test_shrinking_a_period_to_one_day_by_update_is_allowed(self):
        report = self.create()
        Report.objects.filter(pk=report.pk).update(period_start=datetime.date(2020, 6, 30))
        report.refresh_from_db()
        self.assertEqual(report.period_start, report.period_end)

    def test_published_report_without_publication_dates_is_refused(self):
        now = timezone.now()
        cases = {
            "no published_at": {"published_at": None, "first_published_at": now},
            "no first_published_at": {"published_at": now, "first_published_at": None},
            "neither": {"published_at": None, "first_published_at": None},
        }
        for label, dates in cases.items():
            with self.subTest(label), self.assertRaises(IntegrityError), transaction.atomic():
                self.create(status=Status.PUBLISHED, **dates)
        self.assertFalse(Report.objects.exists())

    def test_publishing_by_update_without_dates_is_refused(self):
        report = self.create(status=Status.REVIEW)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status=Status.PUBLISHED)
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.REVIEW)

    def test_unpublished_report_needs_no_publication_dates(self):
        for status in (Status.DRAFT, Status.REVIEW):
            with self.subTest(status):
                report = self.create(status=status, slug=f"report-{status}")
                self.assertIsNone(Report.objects.get(pk=report.pk).published_at)

    def test_slug_is_unique(self):
        make_report(slug="iraq-june-24-30-2020")
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_report(title="Another title", slug="iraq-june-24-30-2020")
        self.assertEqual(Report.objects.filter(slug="iraq-june-24-30-2020").count(), 1)


class ReportValidationTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.series = make_series()

    def unsaved(self, **fields):
        return Report(**report_fields(self.series) | fields)

    def test_period_end_before_start_is_reported_once_on_the_period_end_field(self):
        report = self.unsaved(period_start=datetime.date(2020, 7, 10), period_end=datetime.date(2020, 7, 1))
        with self.assertRaises(ValidationError) as caught:
            report.full_clean()
        errors = caught.exception.message_dict
        self.assertEqual(errors, {"period_end": [PERIOD_ORDER_MESSAGE]})
        self.assertEqual(PERIOD_ORDER_MESSAGE, "The period end cannot be before the period start.")
        every_message = [message for messages in errors.values() for message in messages]
        self.assertEqual(every_message.count(PERIOD_ORDER_MESSAGE), 1)

    def test_valid_report_and_one_day_period_pass_full_clean(self):
        day = datetime.date(2020, 6, 24)
        for label, fields in {"week": {}, "one day": {"period_start": day, "period_end": day}}.items():
            with self.subTest(label):
                report = self.unsaved(**fields)
                self.assertIsNone(report.full_clean())

    def test_model_requires_a_slug_the_admin_form_proposes_it(self):
        # The proposal from the title lives in ReportAdminForm.clean_slug (see test_workflow);
        # the model itself never validates a report without an address.
        report = self.unsaved(slug="")
        with self.assertRaises(ValidationError) as caught:
            report.full_clean()
        self.assertEqual(list(caught.exception.message_dict), ["slug"])

    def test_clean_keeps_a_slug_that_was_given(self):
        report = self.unsaved(slug="my-own-slug")
        report.clean()
        self.assertEqual(report.slug, "my-own-slug")

    def test_full_clean_reports_a_duplicate_slug(self):
        make_report(slug="iraq-june-24-30-2020")
        with self.assertRaises(ValidationError) as caught:
            self.unsaved().full_clean()
        self.assertIn("slug", caught.exception.message_dict)


class VisibilityTests(SitrepTestCase):
    """published(), scheduled() and the properties built on them, over status × published_at."""

    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.times = {
            "past": now - datetime.timedelta(days=1),
            "just now": now,
            "soon": now + datetime.timedelta(hours=1),
            "future": now + datetime.timedelta(days=3),
            "none": None,
        }
        cls.reports = {}
        for status in Status:
            for label, when in cls.times.items():
                if status == Status.PUBLISHED and when is None:
                    continue  # refused by the database, see DatabaseConstraintTests
                report = make_report(title=f"{status} {label}", status=status, published_at=when)
                if status != Status.PUBLISHED:
                    # A draft may keep a date, e.g. after being unpublished; it must still stay hidden.
                    Report.objects.filter(pk=report.pk).update(published_at=when, first_published_at=when)
                    report.refresh_from_db()
                cls.reports[status, label] = report

    def expected_public(self, status, label):
        return status == Status.PUBLISHED and label in ("past", "just now")

    def expected_scheduled(self, status, label):
        return status == Status.PUBLISHED and label in ("soon", "future")

    def test_published_holds_only_published_reports_whose_time_has_come(self):
        published = set(Report.objects.published())
        for (status, label), report in self.reports.items():
            with self.subTest(status=status, published_at=label):
                self.assertEqual(report in published, self.expected_public(status, label))
        self.assertEqual(len(published), 2)

    def test_scheduled_holds_only_published_reports_still_in_the_future(self):
        scheduled = set(Report.objects.scheduled())
        for (status, label), report in self.reports.items():
            with self.subTest(status=status, published_at=label):
                self.assertEqual(report in scheduled, self.expected_scheduled(status, label))
        self.assertEqual(len(scheduled), 2)

    def test_published_and_scheduled_split_the_published_status_between_them(self):
        published = set(Report.objects.published())
        scheduled = set(Report.objects.scheduled())
        self.assertFalse(published & scheduled)
        self.assertEqual(published | scheduled, set(Report.objects.filter(status=Status.PUBLISHED)))

    def test_scheduled_report_is_not_published_until_its_time(self):
        report = self.reports[Status.PUBLISHED, "soon"]
        self.assertNotIn(report, Report.objects.published())
        Report.objects.filter(pk=report.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
        self.assertIn(report, Report.objects.published())
        self.assertNotIn(report, Report.objects.scheduled())

    def test_is_public_and_is_scheduled_agree_with_the_querysets(self):
        for (status, label), report in self.reports.items():
            with self.subTest(status=status, published_at=label):
                self.assertEqual(report.is_public, self.expected_public(status, label))
                self.assertEqual(report.is_scheduled, self.expected_scheduled(status, label))

    def test_status_label_says_scheduled_only_for_a_future_published_report(self):
        expected = {Status.DRAFT: "Draft", Status.REVIEW: "In review", Status.PUBLISHED: "Published"}
        for (status, label), report in self.reports.items():
            with self.subTest(status=status, published_at=label):
                want = "Scheduled" if self.expected_scheduled(status, label) else expected[status]
                self.assertEqual(report.status_label, want)


class TagTests(SitrepTestCase):
    def test_tags_differing_only_in_case_share_one_tag_row(self):
        first = make_report(title="First", tags=["iran"])
        second = make_report(title="Second", tags=["Iran"])
        self.assertEqual(Tag.objects.count(), 1)
        tag = Tag.objects.get()
        self.assertEqual(list(first.tags.all()), [tag])
        self.assertEqual(list(second.tags.all()), [tag])

    def test_adding_a_tag_again_in_another_case_keeps_one_tag(self):
        report = make_report(tags=["Iran"])
        report.tags.add("IRAN")
        self.assertEqual(list(report.tags.names()), ["Iran"])
        self.assertEqual(Tag.objects.count(), 1)
        self.assertEqual(report.tagged_items.count(), 1)

    def test_reports_can_be_filtered_by_tag_in_any_case(self):
        tagged = make_report(title="Tagged", tags=["Kata’ib Hezbollah"])
        make_report(title="Untagged", tags=["Baghdad"])
        self.assertEqual(list(Report.objects.filter(tags__name__iexact="kata’ib hezbollah")), [tagged])


class PeriodDisplayTests(SitrepTestCase):
    def test_period_display_in_house_style(self):
        cases = [
            ((2020, 6, 24), (2020, 6, 30), "June 24–30, 2020"),
            ((2020, 7, 29), (2020, 8, 5), "July 29 – August 5, 2020"),
            ((2020, 12, 30), (2021, 1, 5), "December 30, 2020 – January 5, 2021"),
            ((2020, 6, 24), (2020, 6, 24), "June 24, 2020"),
        ]
        for start, end, expected in cases:
            with self.subTest(expected):
                report = make_report(title=expected, start=start, end=end)
                self.assertEqual(report.period_display, expected)


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html):
    collector = _TagCollector()
    collector.feed(html)
    collector.close()
    return collector.elements


def url_scheme(url):
    """The scheme a browser would see: it drops ASCII whitespace and control characters first."""
    cleaned = "".join(ch for ch in url if ord(ch) > 0x20 and ch != "\x7f").lower()
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0] if ":" in head else ""


class MarkdownRenderingTests(SimpleTestCase):
    def test_emphasis_links_lists_and_headings_render(self):
        html = render_markdown(
            "## Key events\n\n"
            "Kata’ib Hezbollah *retaliates* and **escalates**, see [the source](https://example.org/a).\n\n"
            "- Baghdad\n- Basra\n\n"
            "1. First\n2. Second\n\n"
            "### Outlook\n"
        )
        self.assertInHTML("<h2>Key events</h2>", html)
        self.assertInHTML("<h3>Outlook</h3>", html)
        self.assertInHTML("<em>retaliates</em>", html)
        self.assertInHTML("<strong>escalates</strong>", html)
        self.assertInHTML(f'<a href="https://example.org/a" rel="{LINK_REL}">the source</a>', html)
        self.assertInHTML("<ul><li>Baghdad</li><li>Basra</li></ul>", html)
        self.assertInHTML("<ol><li>First</li><li>Second</li></ol>", html)

    def test_body_html_is_the_rendered_body_marked_safe(self):
        report = Report(body="Some *markdown*.")
        self.assertInHTML("<p>Some <em>markdown</em>.</p>", report.body_html)
        self.assertIsInstance(report.body_html, SafeString)

    def test_one_text_leaves_nothing_behind_for_the_next(self):
        # The converter is reused (reset) between texts: footnotes, abbreviations and link
        # references of one body must not reach another.
        first = render_markdown("Oil[^1] and [the source][s].\n\n[^1]: A note.\n\n[s]: https://example.org/s\n\n"
                                "*[KH]: Kata'ib Hezbollah\n\nKH again.")  # fmt: skip
        self.assertIn("A note.", first)
        self.assertIn('title="Kata', first)
        second = render_markdown("KH and [the source][s] and a plain line.")
        self.assertNotIn("A note.", second)
        self.assertNotIn("<abbr", second)
        self.assertNotIn("example.org", second)
        self.assertEqual(second, render_markdown("KH and [the source][s] and a plain line."))

    def test_empty_body_renders_nothing(self):
        for body in ("", None):
            with self.subTest(body=body):
                self.assertEqual(render_markdown(body), "")

    def test_safe_links_survive_with_rel(self):
        cases = {
            "[a](https://example.org/path?q=1)": "https://example.org/path?q=1",
            "[a](http://example.org)": "http://example.org",
            "[a](mailto:desk@example.org)": "mailto:desk@example.org",
            "<https://example.org>": "https://example.org",
            '[a](https://example.org "Title")': "https://example.org",
            "[a][ref]\n\n[ref]: https://example.org/ref": "https://example.org/ref",
        }
        for source, href in cases.items():
            with self.subTest(source):
                links = [attrs for tag, attrs in elements(render_markdown(source)) if tag == "a"]
                self.assertEqual(len(links), 1)
                self.assertEqual(links[0]["href"], href)
                self.assertEqual(links[0]["rel"], LINK_REL)

    def test_raw_html_is_shown_as_text_not_as_tags(self):
        cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            '<b onclick="x()">b</b>',
            '<iframe src="https://evil.example/"></iframe>',
            '<a href="https://example.org" onmouseover="x">hi</a>',
        ]
        for source in cases:
            with self.subTest(source):
                html = render_markdown(source)
                self.assertEqual([tag for tag, _ in elements(html)], ["p"])
                self.assertIn(source.replace("<", "&lt;").replace(">", "&gt;"), html)

    HOSTILE = [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<b onclick="x()">b</b>',
        '<iframe src="https://evil.example/"></iframe>',
        "<svg onload=alert(1)>",
        "<style>body { display: none }</style>",
        '<a href="https://example.org" onmouseover="x">hi</a>',
        '<div markdown="1"><script>alert(1)</script></div>',
        "<!-- x --><script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        '[x](" onmouseover="alert(1))',
        '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
        'A paragraph\n{: onclick="alert(1)" }',
        '## Heading {: onclick="alert(1)" }',
        "| a |\n|---|\n| <script>alert(1)</script> |",
        "*[HTML]: <b onclick=x>\n\nSome HTML here.",
    ]

    def test_hostile_input_leaves_no_script_event_handler_or_dangerous_link(self):
        self.assertGreaterEqual(len(self.HOSTILE), 15)
        for source in self.HOSTILE:
            with self.subTest(source):
                html = render_markdown(source)
                self.assertNotIn("<script", html.lower())
                for tag, attrs in elements(html):
                    self.assertIn(tag, ALLOWED_TAGS)
                    self.assertNotIn(tag, {"script", "iframe", "img", "svg", "style", "object", "embed"})
                    for name, value in attrs.items():
                        self.assertFalse(name.startswith("on"), f"event attribute {name}={value!r} in {html!r}")
                        if name in ("href", "src", "action", "formaction"):
                            self.assertIn(url_scheme(value), {"", "http", "https", "mailto"}, html)
                            self.assertNotIn("javascript:", value.lower().replace(" ", ""))

    def test_dangerous_schemes_keep_no_href(self):
        for source in (
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox(1))",
        ):
            with self.subTest(source):
                links = [attrs for tag, attrs in elements(render_markdown(source)) if tag == "a"]
                self.assertEqual(len(links), 1)
                self.assertNotIn("href", links[0])


class MomentReadingTests(SitrepTestCase):
    def test_moments_read_back_are_the_moments_written_in_utc(self):
        written = datetime.datetime(2020, 8, 19, 7, 5, 3, 120, tzinfo=datetime.timezone(datetime.timedelta(hours=3)))
        report = make_report(published_at=written)
        row = Report.objects.filter(pk=report.pk).values_list("published_at", "created_at").get()
        self.assertEqual(row[0], written)
        self.assertIs(row[0].tzinfo, datetime.UTC)
        self.assertIs(row[1].tzinfo, datetime.UTC)

    def test_on_postgresql_they_are_read_by_psycopgs_own_loader(self):
        if connection.vendor != "postgresql":
            self.skipTest("PostgreSQL only")
        import psycopg

        oid = psycopg.postgres.types["timestamptz"].oid
        loader = connection.connection.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
        self.assertEqual(loader.__name__, "UTCMomentLoader")
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::timestamptz", ["1999-12-31 23:59:59.999999-05:30"])
            moment = cursor.fetchone()[0]
        self.assertEqual(moment, datetime.datetime(2000, 1, 1, 5, 29, 59, 999999, datetime.UTC))
        self.assertIs(moment.tzinfo, datetime.UTC)
