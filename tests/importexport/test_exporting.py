import csv
import datetime
import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from taggit.models import Tag

from reports.importexport.exporting import COLUMNS, guard_cell, unguard_cell
from reports.models import Report, ReportEvent, Series
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user

Status = Report.Status
UTC = datetime.UTC


def export(*options):
    out = io.StringIO()
    call_command("export_reports", *options, stdout=out)
    return out.getvalue()


class CsvGuardTests(SimpleTestCase):
    def test_cells_a_spreadsheet_would_run_get_a_quote_and_come_back_exactly(self):
        cases = [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+44 20 7946 0000", "'+44 20 7946 0000"),
            ("- a Markdown list item", "'- a Markdown list item"),
            ("@mention", "'@mention"),
            ("\tindented", "'\tindented"),
            ("'=already quoted", "''=already quoted"),
            ("'plain quote", "'plain quote"),
            ("Kata’ib Hezbollah", "Kata’ib Hezbollah"),
            ("2020-06-24", "2020-06-24"),
            ("", ""),
        ]
        for text, guarded in cases:
            with self.subTest(text=text):
                self.assertEqual(guard_cell(text), guarded)
                self.assertEqual(unguard_cell(guarded), text)

    @given(st.text())
    def test_unguard_undoes_guard_and_a_guarded_cell_never_starts_a_formula(self, text):
        self.assertEqual(unguard_cell(guard_cell(text)), text)
        self.assertFalse(guard_cell(text).startswith(("=", "+", "-", "@", "\t", "\r")))


class RoundTripTests(SitrepTestCase):
    """Export, empty the database, import the export: the same reports come back."""

    @classmethod
    def setUpTestData(cls):
        iraq = make_series("Iraq Situation Report", slug="iraq-situation-report")
        syria = make_series("Syria “Weekly” — Brief", slug="syria-weekly")
        moment = datetime.datetime(2020, 7, 2, 14, 0, 0, 123456, tzinfo=UTC)
        future = timezone.now().replace(microsecond=654321) + datetime.timedelta(days=30)
        reports = [
            make_report(
                "Iraq Situation Report: June 24-30, 2020",
                series=iraq,
                slug="iraq-june-24-30",
                published_at=moment,
                summary="Kata’ib Hezbollah — a proxy — struck the “Green Zone”.",
                body="## Takeaways\r\n\r\n- one\r\n- two\n",
                tags=["Kata’ib Hezbollah", "Basra, Iraq", "baghdad"],
            ),
            make_report(
                "=HYPERLINK(evil)",
                series=iraq,
                slug="formula-title",
                start=(2020, 12, 30),
                end=(2021, 1, 5),
                status=Status.PUBLISHED,
                published_at=future,
                summary="+ starts like a formula",
                body="- a list first\n'- a quoted dash",
            ),
            make_report(
                "@ in review",
                series=syria,
                slug="syria-review",
                start=(2020, 6, 24),
                end=(2020, 6, 24),
                status=Status.REVIEW,
                summary="'=already quoted",
                tags=["Iran"],
            ),
            make_report("Unpublished draft", series=syria, slug="syria-draft", status=Status.DRAFT),
        ]
        # A draft that was published once keeps its first publication date.
        Report.objects.filter(slug="syria-draft").update(first_published_at=moment)
        for number, report in enumerate(reports):
            created = moment - datetime.timedelta(days=number, microseconds=number)
            Report.objects.filter(pk=report.pk).update(
                created_at=created, updated_at=created + datetime.timedelta(hours=1)
            )

    def empty_the_database(self):
        ReportEvent.objects.all().delete()
        Report.objects.all().delete()
        Series.objects.all().delete()
        Tag.objects.all().delete()

    def round_trip(self, export_format):
        before = export("--format", export_format)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"reports.{export_format}"
            path.write_text(before, encoding="utf-8", newline="")
            self.empty_the_database()
            out = io.StringIO()
            call_command("import_reports", str(path), stdout=out)
        self.assertEqual(out.getvalue(), "created: 4, updated: 0, unchanged: 0, refused: 0\n")
        self.assertEqual(export("--format", export_format), before)
        return before

    def test_a_json_export_imported_into_an_empty_database_gives_back_the_same_reports(self):
        document = json.loads(self.round_trip("json"))
        self.assertEqual([row["slug"] for row in document["reports"]][:2], ["iraq-june-24-30", "formula-title"])
        first = Report.objects.get(slug="iraq-june-24-30")
        self.assertEqual(first.body, "## Takeaways\r\n\r\n- one\r\n- two\n")
        self.assertEqual(first.created_at, datetime.datetime(2020, 7, 2, 14, 0, 0, 123456, tzinfo=UTC))
        self.assertEqual(sorted(first.tags.names(), key=str.lower), ["baghdad", "Basra, Iraq", "Kata’ib Hezbollah"])
        scheduled = Report.objects.get(slug="formula-title")
        self.assertEqual((scheduled.is_scheduled, scheduled.title), (True, "=HYPERLINK(evil)"))
        draft = Report.objects.get(slug="syria-draft")
        self.assertEqual((draft.status, draft.published_at), (Status.DRAFT, None))
        self.assertIsNotNone(draft.first_published_at)
        self.assertEqual(
            sorted(ReportEvent.objects.values_list("action", "to_status")),
            [("import", "draft"), ("import", "published"), ("import", "published"), ("import", "review")],
        )

    def test_a_csv_export_imported_into_an_empty_database_gives_back_the_same_reports(self):
        rows = list(csv.DictReader(io.StringIO(self.round_trip("csv"), newline="")))
        self.assertEqual(tuple(rows[0]), COLUMNS)
        formula = next(row for row in rows if row["slug"] == "formula-title")
        self.assertEqual((formula["title"], formula["summary"]), ("'=HYPERLINK(evil)", "'+ starts like a formula"))
        self.assertEqual(Report.objects.get(slug="syria-review").summary, "'=already quoted")
        self.assertEqual(Report.objects.get(slug="formula-title").body, "- a list first\n'- a quoted dash")

    def test_importing_an_export_again_changes_nothing_and_edits_come_back_as_updates(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "reports.json"
            path.write_text(export(), encoding="utf-8")
            out = io.StringIO()
            call_command("import_reports", str(path), stdout=out)
            self.assertEqual(out.getvalue(), "created: 0, updated: 0, unchanged: 4, refused: 0\n")

            report = Report.objects.get(slug="iraq-june-24-30")
            report.tags.set(["Iran"])
            Report.objects.filter(pk=report.pk).update(body="Edited after the export.")
            out = io.StringIO()
            call_command("import_reports", str(path), "--dry-run", stdout=out)
            self.assertIn("would update: Iraq Situation Report: June 24-30, 2020", out.getvalue())
            self.assertIn("    +++ tags (imported)", out.getvalue())
            call_command("import_reports", str(path), stdout=io.StringIO())
        report.refresh_from_db()
        self.assertEqual(report.body, "## Takeaways\r\n\r\n- one\r\n- two\n")
        self.assertEqual(sorted(report.tags.names(), key=str.lower), ["baghdad", "Basra, Iraq", "Kata’ib Hezbollah"])

    def test_export_rows_that_are_wrong_are_refused_by_line_with_the_reason(self):
        header = ",".join(column for column in COLUMNS if column != "authors")  # an optional column, left out
        good = "Iraq,iraq,Good,good,2020-06-24,2020-06-30,Text.,,,draft,,,,"
        lines = [
            header,
            good,
            "Iraq,iraq,Reversed,reversed,2020-06-30,2020-06-24,Text.,,,draft,,,,",
            "Iraq,iraq,Bad date,bad-date,2020-06-31,2020-07-06,Text.,,,draft,,,,",
            "Iraq,iraq,Bad status,bad-status,2020-07-01,2020-07-07,Text.,,,live,,,,",
            "Iraq,iraq,No date,no-date,2020-07-08,2020-07-14,Text.,,,published,,,,",
            "Iraq,iraq,Draft dated,draft-dated,2020-07-15,2020-07-21,Text.,,,draft,2020-07-23T14:00:00+00:00,,,",
            "Iraq,iraq,Bad slug,bad slug,2020-07-22,2020-07-28,Text.,,,draft,,,,",
            "Iraq,iraq,Bad moment,bad-moment,2020-07-29,2020-08-04,Text.,,,published,yesterday,,,",
            'Iraq,iraq,"Multi-line\nsummary",,2020-08-05,2020-08-11,,,,draft,,,,',
            "Iraq,iraq,Same period,other-slug,2020-06-24,2020-06-30,Text.,,,draft,,,,",
            "Iraq,iraq,Too many,too-many,2020-08-12,2020-08-18,Text.,,,draft,,,,,extra",
            "Syria,syria,Slug taken,good,2020-06-24,2020-06-30,Text.,,,draft,,,,",
        ]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "reports.csv"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            self.empty_the_database()
            out, err = io.StringIO(), io.StringIO()
            with self.assertRaises(CommandError):
                call_command("import_reports", str(path), stdout=out, stderr=err)
        self.assertEqual(
            err.getvalue().splitlines(),
            [
                "line 3: Reversed: the period ends before it starts",
                "line 4: Bad date: the period_start “2020-06-31” is not a date (YYYY-MM-DD)",
                "line 5: Bad status: “live” is not a status (draft, review, published)",
                "line 6: No date: a published report needs its publication date",
                "line 7: Draft dated: only a published report has a publication date",
                "line 8: Bad slug: the slug “bad slug” may hold only letters, digits, hyphens and underscores",
                "line 9: Bad moment: the published_at “yesterday” is not a date and time (ISO 8601)",
                "line 10: Multi-line summary: the summary is empty",
                "line 12: Same period: the same series and period as line 2",
                "line 13: Too many: more cells than the header has columns",
                "line 14: Slug taken: another report already has the slug “good”",
            ],
        )
        self.assertEqual(out.getvalue(), "created: 0, updated: 0, unchanged: 0, refused: 11\n")
        self.assertEqual(Report.objects.count(), 0)


class ExportCommandTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        series = make_series()
        make_report("Published one", series=series, slug="published-one", tags=["Iran"])
        make_report("A draft", series=series, slug="a-draft", status=Status.DRAFT, start=(2020, 7, 1), end=(2020, 7, 7))
        make_report(
            "In review", series=series, slug="in-review", status=Status.REVIEW, start=(2020, 7, 8), end=(2020, 7, 14)
        )

    def test_every_report_is_written_with_series_period_texts_tags_status_and_dates(self):
        document = json.loads(export())
        self.assertEqual((document["format"], document["version"]), ("sitrep-reports", 1))
        self.assertEqual([row["slug"] for row in document["reports"]], ["published-one", "a-draft", "in-review"])
        first = document["reports"][0]
        self.assertEqual(tuple(first), COLUMNS)
        self.assertEqual(
            (first["series"], first["period_start"], first["period_end"], first["tags"], first["status"]),
            ("Iraq Situation Report", "2020-06-24", "2020-06-30", ["Iran"], "published"),
        )
        self.assertTrue(first["published_at"].endswith("+00:00"))

    def test_the_status_option_chooses_the_reports(self):
        cases = [
            (("--status", "draft"), ["a-draft"]),
            (("--status", "draft", "--status", "review"), ["a-draft", "in-review"]),
            ((), ["published-one", "a-draft", "in-review"]),
        ]
        for options, slugs in cases:
            with self.subTest(options=options):
                rows = csv.DictReader(io.StringIO(export("--format", "csv", *options), newline=""))
                self.assertEqual([row["slug"] for row in rows], slugs)

    def test_the_output_option_writes_a_file_and_an_unwritable_one_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "reports.csv"
            self.assertEqual(export("--format", "csv", "--output", str(path)), "")
            self.assertEqual(path.read_bytes().decode("utf-8"), export("--format", "csv"))
            with self.assertRaisesMessage(CommandError, "cannot be written"):
                export("--output", str(Path(folder) / "missing" / "reports.json"))


class AdminExportActionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        series = make_series()
        cls.published = make_report("=Published", series=series, slug="published", tags=["Iran"])
        for number in range(3):
            day = 1 + 7 * number
            make_report(
                f"Draft {number}",
                series=series,
                slug=f"draft-{number}",
                status=Status.DRAFT,
                start=(2020, 7, day),
                end=(2020, 7, day + 6),
            )

    def export_action(self, query="", **data):
        self.client.force_login(self.writer)
        url = reverse("admin:reports_report_changelist") + query
        return self.client.post(url, {"action": "export_csv", "index": 0, **data})

    def rows(self, response):
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment; filename=", response["Content-Disposition"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        return list(csv.DictReader(io.StringIO(text[1:], newline="")))

    def test_the_selected_reports_are_exported_with_the_command_s_columns(self):
        response = self.export_action(_selected_action=[self.published.pk])
        rows = self.rows(response)
        self.assertEqual(tuple(rows[0]), COLUMNS)
        self.assertEqual([(row["title"], row["tags"]) for row in rows], [("'=Published", "Iran")])

    def test_select_all_exports_every_report_the_current_filters_show(self):
        response = self.export_action("?status=draft", select_across=1, _selected_action=[self.published.pk])
        self.assertEqual([row["slug"] for row in self.rows(response)], ["draft-0", "draft-1", "draft-2"])

    def test_the_action_is_offered_to_whoever_may_view_reports(self):
        self.client.force_login(self.writer)
        page = self.client.get(reverse("admin:reports_report_changelist"))
        self.assertContains(page, "Export selected reports as CSV")
