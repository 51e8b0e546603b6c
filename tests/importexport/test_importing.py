import datetime
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase
from taggit.models import Tag

from reports.importexport.reading import read_listing, read_source
from reports.importexport.records import SourceError
from reports.models import Report, ReportEvent, Series
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series

Status = Report.Status
EN = "\u2013"
EM = "\u2014"

SEED_FILE = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_7698ccc2d73061d9.txt"
SUMMARY_1 = "Kata’ib Hezbollah — a key proxy — fired rockets at the “Green Zone”; protesters rallied."
SUMMARY_2 = "Prime Minister Mustafa al-Kadhimi met Iran’s foreign minister in Baghdad."
SUMMARY_3 = "Elections were set for June 2021 after months of protests."


def listing(*paragraphs, heading="Iraq Situation Report"):
    """A listing in the scraped format: paragraphs separated by blank lines."""
    return "\n\n".join([heading, *paragraphs] if heading else paragraphs) + "\n"


GOOD_LISTING = listing(
    "Iraq Situation Report: August 19-25, 2020",
    SUMMARY_1,
    "Iraq Situation Report June 24-30, 2020",
    SUMMARY_2,
    f"Iraq Situation Report: July 29 {EN} Aug. 5, 2020",
    SUMMARY_3,
    "Pages",
)


class ListingFormatTests(SimpleTestCase):
    """read_listing on its own: what is a title, a summary, a heading and page furniture."""

    def read(self, text, **options):
        source = read_listing(text, **options)
        return [(str(r.where), r.period_start.isoformat(), r.summary) for r in source.reports], [
            str(refusal) for refusal in source.refused
        ]

    def test_titles_summaries_and_heading_are_read_exactly(self):
        source = read_listing(GOOD_LISTING)
        self.assertEqual(source.refused, [])
        self.assertEqual(
            [(str(r.where), r.series_name, r.period_start, r.period_end, r.summary) for r in source.reports],
            [
                ("line 3", "Iraq Situation Report", datetime.date(2020, 8, 19), datetime.date(2020, 8, 25), SUMMARY_1),
                ("line 7", "Iraq Situation Report", datetime.date(2020, 6, 24), datetime.date(2020, 6, 30), SUMMARY_2),
                ("line 11", "Iraq Situation Report", datetime.date(2020, 7, 29), datetime.date(2020, 8, 5), SUMMARY_3),
            ],
        )

    def test_navigation_remnants_are_skipped(self):
        remnants = ["Pages", "Next »", "« Previous", "1 2 3 … 12", "Page 2 of 14", "Load more", "Older posts", "»", "3"]
        for remnant in remnants:
            with self.subTest(remnant=remnant):
                text = listing(remnant, "Iraq Situation Report: June 24-30, 2020", SUMMARY_2, remnant)
                self.assertEqual(self.read(text), ([("line 5", "2020-06-24", SUMMARY_2)], []))

    def test_line_endings_and_blank_lines_do_not_change_the_text(self):
        variants = {
            "CRLF": GOOD_LISTING.replace("\n", "\r\n"),
            "CR": GOOD_LISTING.replace("\n", "\r"),
            "extra blank lines": GOOD_LISTING.replace("\n\n", "\n\n \n\t\n"),
        }
        expected = [r.summary for r in read_listing(GOOD_LISTING).reports]
        for name, text in variants.items():
            with self.subTest(name):
                self.assertEqual([r.summary for r in read_listing(text).reports], expected)

    def test_a_summary_of_several_paragraphs_is_kept_with_one_blank_line_between(self):
        text = listing("Iraq Situation Report: June 24-30, 2020", "First paragraph.", "", "", "Second paragraph.")
        self.assertEqual(read_listing(text).reports[0].summary, "First paragraph.\n\nSecond paragraph.")

    def test_a_hard_wrapped_summary_keeps_its_line_breaks(self):
        text = listing("Iraq Situation Report: June 24-30, 2020", "Wrapped across\ntwo lines.")
        self.assertEqual(read_listing(text).reports[0].summary, "Wrapped across\ntwo lines.")

    def test_the_series_option_wins_over_the_heading_and_stands_in_for_a_missing_one(self):
        without_heading = listing("Iraq Situation Report: June 24-30, 2020", SUMMARY_2, heading=None)
        cases = [
            (GOOD_LISTING, "Syria Situation Report", "Syria Situation Report"),
            (GOOD_LISTING, None, "Iraq Situation Report"),
            (without_heading, "Iraq Weekly", "Iraq Weekly"),
        ]
        for text, option, expected in cases:
            with self.subTest(option=option):
                names = {r.series_name for r in read_listing(text, series_name=option).reports}
                self.assertEqual(names, {expected})

    def test_a_listing_without_heading_or_series_option_is_refused_as_a_whole(self):
        text = listing("Iraq Situation Report: June 24-30, 2020", SUMMARY_2, heading=None)
        with self.assertRaisesMessage(SourceError, "has no series heading on its first line"):
            read_listing(text)

    def test_text_that_is_not_a_report_is_refused_where_it_stands(self):
        text = listing(
            "An introduction to this archive, which is not a report.",
            "Iraq Situation Report: June 24-30, 2020",
            "Iraq Situation Report: July 1-7, 2020",
            SUMMARY_1,
            "Iraq Situation Report: July 8-14, 2020",
        )
        self.assertEqual(
            self.read(text),
            (
                [("line 7", "2020-07-01", SUMMARY_1)],
                [
                    "line 3: An introduction to this archive, which is not a report.: no title before this text",
                    "line 5: Iraq Situation Report: June 24-30, 2020: no summary follows the title",
                    "line 11: Iraq Situation Report: July 8-14, 2020: no summary follows the title",
                ],
            ),
        )

    def test_every_archive_title_form_is_read(self):
        forms = [
            ("Iraq Situation Report: August 19-25, 2020", "2020-08-19", "2020-08-25"),
            ("Iraq Situation Report: July 29 - Aug. 5, 2020", "2020-07-29", "2020-08-05"),
            ("Iraq Situation Report June 24-30, 2020", "2020-06-24", "2020-06-30"),
            ("Iraq Situation Report: Sept. 1-7, 2020", "2020-09-01", "2020-09-07"),
            ("Iraq Situation Report: Sep 1-7, 2020", "2020-09-01", "2020-09-07"),
            ("Iraq Situation Report: September 1-7, 2020", "2020-09-01", "2020-09-07"),
            (f"Iraq Situation Report: June 24{EN}30, 2020", "2020-06-24", "2020-06-30"),
            (f"Iraq Situation Report: June 24 {EM} 30, 2020", "2020-06-24", "2020-06-30"),
            (f"Iraq Situation Report: July 29{EM}Aug 5, 2020", "2020-07-29", "2020-08-05"),
            ("Iraq Situation Report: Dec. 30, 2020 - Jan. 5, 2021", "2020-12-30", "2021-01-05"),
            ("Iraq Situation Report: Dec. 30 - Jan. 5, 2021", "2020-12-30", "2021-01-05"),
            ("Iraq Situation Report: June 24, 2020 - June 30, 2020", "2020-06-24", "2020-06-30"),
            # Other publishers' forms: day first, ISO dates, "to" between the ends.
            (f"Iraq Situation Report: 3{EN}9 June 2020", "2020-06-03", "2020-06-09"),
            (f"Iraq Situation Report: 30 June {EN} 6 July 2020", "2020-06-30", "2020-07-06"),
            (f"Iraq Situation Report: 28 December 2020 {EN} 3 January 2021", "2020-12-28", "2021-01-03"),
            ("Iraq Situation Report: 2020-06-03 to 2020-06-09", "2020-06-03", "2020-06-09"),
            ("Iraq Situation Report: June 3 to 9, 2020", "2020-06-03", "2020-06-09"),
        ]
        for title, start, end in forms:
            with self.subTest(title=title):
                report = read_listing(listing(title, SUMMARY_1)).reports[0]
                self.assertEqual((report.period_start.isoformat(), report.period_end.isoformat()), (start, end))


class ImportCommandCase(SitrepTestCase):
    """Helpers for running import_reports on files written to a temporary folder."""

    @classmethod
    def setUpTestData(cls):
        for name in ("Mustafa al-Kadhimi", "Kata’ib Hezbollah", "Protests", "Baghdad", "Elections", "Green Zone"):
            Tag.objects.create(name=name)

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, text, name="listing.txt", encoding="utf-8"):
        path = self.folder / name
        path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return path

    def run_import(self, text, *options, name="listing.txt"):
        """Run the command; (stdout lines, stderr lines)."""
        out, err = io.StringIO(), io.StringIO()
        call_command("import_reports", str(self.write(text, name)), *options, stdout=out, stderr=err)
        return out.getvalue().splitlines(), err.getvalue().splitlines()

    def run_failing_import(self, text, *options, name="listing.txt"):
        """Run the command expecting a CommandError; (its message, stdout lines, stderr lines)."""
        out, err = io.StringIO(), io.StringIO()
        with self.assertRaises(CommandError) as caught:
            call_command("import_reports", str(self.write(text, name)), *options, stdout=out, stderr=err)
        return str(caught.exception), out.getvalue().splitlines(), err.getvalue().splitlines()

    def snapshot(self):
        """Everything an import may write, to show that it wrote nothing."""
        return (
            list(Series.objects.values_list("pk", "name", "slug")),
            list(Report.objects.values_list().order_by("pk")),
            list(Tag.objects.values_list().order_by("pk")),
            list(Report.tags.through.objects.values_list().order_by("pk")),
            list(ReportEvent.objects.values_list().order_by("pk")),
        )


class ImportListingTests(ImportCommandCase):
    def test_a_listing_becomes_drafts_with_house_titles_exact_summaries_and_proposed_tags(self):
        out, err = self.run_import(GOOD_LISTING)
        self.assertEqual((out, err), (["created: 3, updated: 0, unchanged: 0, refused: 0"], []))
        series = Series.objects.get()
        self.assertEqual((series.name, series.slug), ("Iraq Situation Report", "iraq-situation-report"))
        reports = {r.title: r for r in Report.objects.prefetch_related("tags")}
        self.assertEqual(
            sorted(reports),
            [
                "Iraq Situation Report: August 19-25, 2020",
                "Iraq Situation Report: July 29 - August 5, 2020",
                "Iraq Situation Report: June 24-30, 2020",
            ],
        )
        report = reports["Iraq Situation Report: August 19-25, 2020"]
        self.assertEqual(report.slug, "iraq-situation-report-august-19-25-2020")
        self.assertEqual(report.summary, SUMMARY_1)
        self.assertEqual((report.status, report.published_at, report.first_published_at), (Status.DRAFT, None, None))
        # "protesters rallied" names people, not protests: no "Protests" tag.
        self.assertEqual(sorted(report.tags.names()), ["Green Zone", "Kata’ib Hezbollah"])
        self.assertEqual(
            sorted(reports["Iraq Situation Report: June 24-30, 2020"].tags.names()), ["Baghdad", "Mustafa al-Kadhimi"]
        )
        self.assertEqual(Tag.objects.count(), 6)  # nothing invented
        event = report.events.get()
        self.assertEqual((event.action, event.to_status, event.note), ("import", "draft", "Imported from listing.txt"))

    def test_reimporting_the_same_file_changes_nothing(self):
        self.run_import(GOOD_LISTING, "--status", "published")
        before = self.snapshot()
        out, err = self.run_import(GOOD_LISTING, "--status", "published")
        self.assertEqual((out, err), (["created: 0, updated: 0, unchanged: 3, refused: 0"], []))
        self.assertEqual(self.snapshot(), before)

    def test_a_changed_summary_is_updated_in_place(self):
        self.run_import(GOOD_LISTING)
        report = Report.objects.get(period_start="2020-06-24")
        Report.objects.filter(pk=report.pk).update(title="Retitled by an editor")
        changed = GOOD_LISTING.replace(SUMMARY_2, SUMMARY_2 + " He then flew to Tehran.")
        out, _ = self.run_import(changed)
        self.assertEqual(out, ["created: 0, updated: 1, unchanged: 2, refused: 0"])
        updated = Report.objects.get(pk=report.pk)
        self.assertEqual(updated.summary, SUMMARY_2 + " He then flew to Tehran.")
        self.assertEqual((updated.title, updated.slug), ("Retitled by an editor", report.slug))
        self.assertGreater(updated.updated_at, report.updated_at)
        self.assertEqual(Report.objects.count(), 3)

    def test_dry_run_shows_what_would_change_with_a_diff_and_writes_nothing(self):
        self.run_import(GOOD_LISTING)
        text = GOOD_LISTING.replace(SUMMARY_2, "Kadhimi met the foreign minister in Baghdad. He flew home.")
        text += "\n" + listing(
            "Iraq Situation Report: July 1-7, 2020",
            SUMMARY_3,
            "Iraq Situation Report: Aug. 19-25, 2020",
            SUMMARY_1,
            "Iraq Situation Report: June 31, 2020",
            SUMMARY_1,
            heading=None,
        )
        before = self.snapshot()
        out, err = self.run_import(text, "--dry-run")
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(
            out,
            [
                "would create: Iraq Situation Report: July 1-7, 2020  [tags: Elections, Protests]",
                "would update: Iraq Situation Report: June 24-30, 2020",
                "    --- summary (now)",
                "    +++ summary (imported)",
                "    @@ -1 +1,2 @@",
                f"    -{SUMMARY_2}",
                "    +Kadhimi met the foreign minister in Baghdad.",
                "    +He flew home.",
                "created: 1, updated: 1, unchanged: 2, refused: 2",
                "Dry run: nothing was written.",
                "With refused reports and without --skip-invalid, the import would write nothing.",
            ],
        )
        self.assertEqual(
            err,
            [
                "line 21: Iraq Situation Report: Aug. 19-25, 2020: the same series and period as line 3",
                "line 25: Iraq Situation Report: June 31, 2020: June 31 is not a real date",
            ],
        )

    def test_refused_titles_are_reported_line_by_line_and_nothing_is_written(self):
        text = listing(
            "Iraq Situation Report: June 31 - July 6, 2020",
            SUMMARY_1,
            "Iraq Situation Report: Aug. 5 - July 29, 2020",
            SUMMARY_1,
            "Iraq Situation Report: Special Edition",
            SUMMARY_1,
            "Iraq Situation Report: August 25-19, 2020",
            SUMMARY_1,
            "Iraq Situation Report: Juen 24-30, 2020",
            SUMMARY_1,
            "Iraq Situation Report: February 29, 2021",
            SUMMARY_1,
            "Iraq Situation Report: Dec. 30, 2021 - Jan. 5, 2021",
            SUMMARY_1,
            "Iraq Situation Report: July 1-7, 2020",
            SUMMARY_3,
            "Iraq Situation Report: July 8-14, 2020",
        )
        before = self.snapshot()
        message, out, err = self.run_failing_import(text)
        self.assertEqual(
            err,
            [
                "line 3: Iraq Situation Report: June 31 - July 6, 2020: June 31 is not a real date",
                "line 7: Iraq Situation Report: Aug. 5 - July 29, 2020: the period ends before it starts",
                "line 11: Iraq Situation Report: Special Edition: no reporting period found",
                "line 15: Iraq Situation Report: August 25-19, 2020: the period ends before it starts",
                "line 19: Iraq Situation Report: Juen 24-30, 2020: unknown month name 'Juen'",
                "line 23: Iraq Situation Report: February 29, 2021: February 29, 2021 is not a real date",
                "line 27: Iraq Situation Report: Dec. 30, 2021 - Jan. 5, 2021: the period ends before it starts",
                "line 35: Iraq Situation Report: July 8-14, 2020: no summary follows the title",
            ],
        )
        self.assertEqual(out, ["created: 0, updated: 0, unchanged: 0, refused: 8"])
        self.assertIn("Nothing was written: 8 refused", message)
        self.assertIn("--skip-invalid", message)
        self.assertEqual(self.snapshot(), before)

        out, err = self.run_import(text, "--skip-invalid")
        self.assertEqual(out, ["created: 1, updated: 0, unchanged: 0, refused: 8"])
        self.assertEqual(len(err), 8)
        self.assertEqual(Report.objects.get().title, "Iraq Situation Report: July 1-7, 2020")

    def test_an_interrupted_import_leaves_the_database_as_it_was(self):
        self.run_import(listing("Iraq Situation Report: July 1-7, 2020", SUMMARY_3))
        before = self.snapshot()
        # Interrupted after the new reports and their tags are written, before the updates.
        with mock.patch("reports.editorial.actions.importing._apply_updates", side_effect=KeyboardInterrupt):
            with self.assertRaises(KeyboardInterrupt):
                self.run_import(GOOD_LISTING.replace(SUMMARY_2, "Changed."), "--status", "published")
        self.assertEqual(self.snapshot(), before)

    def test_published_reports_are_dated_by_the_listing_rule_with_an_import_event(self):
        self.run_import(GOOD_LISTING, "--status", "published")
        report = Report.objects.get(period_start="2020-06-24")
        two_days_later = datetime.datetime(2020, 7, 2, 14, 0, tzinfo=datetime.UTC)
        self.assertEqual(report.status, Status.PUBLISHED)
        self.assertEqual(
            (report.published_at, report.first_published_at, report.created_at, report.updated_at),
            (two_days_later,) * 4,
        )
        self.assertEqual(Report.objects.published().count(), 3)
        event = report.events.get()
        self.assertEqual(
            (event.action, event.from_status, event.to_status, event.publish_at, event.actor),
            (ReportEvent.Action.IMPORT, "draft", "published", two_days_later, None),
        )

    def test_a_period_ending_in_the_future_is_published_no_later_than_now(self):
        soon = datetime.date.today() + datetime.timedelta(days=1)
        title = f"Iraq Situation Report: {soon:%B} {soon.day}, {soon.year}"
        self.run_import(listing(title, SUMMARY_3), "--status", "published")
        self.assertEqual(Report.objects.published().count(), 1)

    def test_the_series_option_names_the_series_created_or_found(self):
        self.run_import(GOOD_LISTING, "--series", "Iraq Weekly Brief")
        series = Series.objects.get()
        self.assertEqual((series.name, series.slug), ("Iraq Weekly Brief", "iraq-weekly-brief"))
        self.assertEqual(Report.objects.filter(title__startswith="Iraq Weekly Brief: ").count(), 3)

        existing = make_series("Iraq Situation Report", slug="iraq")
        self.run_import(GOOD_LISTING)
        self.assertEqual(existing.reports.count(), 3)
        self.assertEqual(Series.objects.count(), 2)

    def test_reports_are_identified_by_series_and_period_not_by_title(self):
        series = make_series("Iraq Situation Report", slug="iraq-situation-report")
        make_report("Iraq SITREP 24-30 June", series=series, slug="hand-made", start=(2020, 6, 24), end=(2020, 6, 30))
        make_report("Another series", series=make_series("Syria", slug="syria"), start=(2020, 8, 19), end=(2020, 8, 25))
        out, _ = self.run_import(GOOD_LISTING)
        self.assertEqual(out, ["created: 2, updated: 1, unchanged: 0, refused: 0"])
        self.assertEqual(Report.objects.get(slug="hand-made").summary, SUMMARY_2)

    def test_overlapping_reports_of_the_series_are_refused_rather_than_guessed(self):
        series = make_series("Iraq Situation Report", slug="iraq-situation-report")
        for slug in ("first-copy", "second-copy"):
            make_report(series=series, slug=slug, start=(2020, 6, 24), end=(2020, 6, 30))
        _, _, err = self.run_failing_import(GOOD_LISTING)
        self.assertEqual(
            err,
            [
                "line 7: Iraq Situation Report June 24-30, 2020: "
                "2 reports of Iraq Situation Report already cover this period: keep one, then import"
            ],
        )

    def test_a_slug_taken_by_another_report_gets_a_number(self):
        make_report(slug="iraq-situation-report-june-24-30-2020", series=make_series("Other", slug="other"))
        self.run_import(GOOD_LISTING)
        self.assertTrue(Report.objects.filter(slug="iraq-situation-report-june-24-30-2020-2").exists())

    def test_a_large_listing_shows_a_progress_bar_and_a_small_one_does_not(self):
        start = datetime.date(2000, 1, 3)
        weeks = [start + datetime.timedelta(weeks=n) for n in range(301)]
        paragraphs = []
        for monday in weeks:
            sunday = monday + datetime.timedelta(days=6)
            paragraphs += [f"Iraq Situation Report: {monday:%B} {monday.day}, {monday.year} - "
                           f"{sunday:%B} {sunday.day}, {sunday.year}", SUMMARY_3]  # fmt: skip
        out, err = io.StringIO(), io.StringIO()
        call_command("import_reports", str(self.write(listing(*paragraphs))), stdout=out, stderr=err)
        self.assertEqual(out.getvalue(), "created: 301, updated: 0, unchanged: 0, refused: 0\n")
        # Each bar is redrawn in place (\r) and ends its line when full.
        bars = err.getvalue().split("\n")
        self.assertTrue(bars[0].startswith("\rChecking  [#########....................."), bars)
        self.assertTrue(bars[0].endswith("\rChecking  [##############################] 301/301"), bars)
        self.assertEqual(bars[1:], ["\rWriting   [##############################] 301/301", ""])
        _, small = self.run_import(GOOD_LISTING)
        self.assertEqual(small, [])

    def test_the_importer_reads_its_file_as_utf8_with_or_without_a_byte_order_mark(self):
        out, _ = self.run_import("\ufeff" + GOOD_LISTING)
        self.assertEqual(out, ["created: 3, updated: 0, unchanged: 0, refused: 0"])
        self.assertEqual(Series.objects.get().name, "Iraq Situation Report")
        self.assertTrue(Report.objects.filter(summary=SUMMARY_1).exists())

    def test_a_file_that_cannot_be_imported_as_a_whole_gets_a_clear_message(self):
        empty_export = '{"format": "sitrep-reports", "version": 1, "reports": []}'
        no_heading = listing("Iraq Situation Report: June 24-30, 2020", "x", heading=None)
        cases = [
            ("listing.txt", GOOD_LISTING.encode("cp1252", "replace"), (), "is not UTF-8 text: byte 0x92 on line 5"),
            ("listing.txt", "  \n\n", (), "listing.txt is empty."),
            ("listing.txt", no_heading, (), "has no series heading on its first line: name the series with --series"),
            ("listing.txt", GOOD_LISTING, ("--series", "!!!"), "no letters or digits"),
            ("export.json", "{not json", (), "export.json is not valid JSON: Expecting property name"),
            ("export.json", '{"reports": []}', (), 'is not a sitrep export: it has no "format": "sitrep-reports"'),
            ("export.json", '{"format": "sitrep-reports", "version": 9}', (), "of version 9; this sitrep reads"),
            ("export.csv", "title,summary\n", (), "is not a sitrep export: no column period_end, period_start"),
            ("export.csv", "series,title,slug,period_start,period_end,summary,status,colour\n", (), "unknown column"),
            ("export.json", empty_export, ("--status", "draft"), "--status applies to listings"),
            ("export.json", empty_export, ("--series", "X"), "--series applies to listings"),
        ]
        for name, content, options, message in cases:
            with self.subTest(name=name, message=message):
                error, _, _ = self.run_failing_import(content, *options, name=name)
                self.assertIn(message, error)
        with self.assertRaisesMessage(CommandError, "cannot be read: No such file or directory"):
            call_command("import_reports", str(self.folder / "missing.txt"))
        self.assertEqual(Report.objects.count(), 0)

    def test_the_kind_of_file_is_recognised_by_its_content_without_an_extension(self):
        cases = {
            "listing": GOOD_LISTING,
            "json": '{"format": "sitrep-reports", "version": 1, "reports": []}',
            "csv": "series,series_slug,title,slug,period_start,period_end,summary,status\n",
        }
        for kind, text in cases.items():
            with self.subTest(kind):
                self.assertEqual(read_source(self.write(text, name="download")).kind, kind)
