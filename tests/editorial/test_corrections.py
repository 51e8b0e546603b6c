"""Corrections: an editor's change to a live report carries a public, dated note."""

import datetime

import feedparser
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Correction, Report, ReportEvent
from tests.base import SitrepTestCase
from tests.helpers import form_fields, make_report, make_series, make_user, submit
from tests.history_helpers import add_url, change_url, edit, kept, live_report, restore, restore_url, scheduled_report

Status = Report.Status
NOTE = "Corrected the date of the Ghaani meeting."


class CorrectionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        make_series()

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_correction_note_is_asked_for_only_on_a_live_report(self):
        cases = {
            "draft": make_report(status=Status.DRAFT, title="Draft"),
            "in review": make_report(status=Status.REVIEW, title="Review"),
            "scheduled": scheduled_report(),
            "live": live_report(),
        }
        for label, report in cases.items():
            with self.subTest(label):
                page = self.client.get(change_url(report))
                if label == "live":
                    self.assertContains(page, 'name="correction_note"')
                    self.assertContains(page, "Correction note")
                else:
                    self.assertNotContains(page, 'name="correction_note"')

    def test_changing_a_live_report_without_a_note_is_refused_and_keeps_the_form(self):
        report = live_report(summary="Ghaani met them on Tuesday.")
        response = edit(self.client, report, summary="Ghaani met them on Wednesday.", body="New paragraph.")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "the correction note is required")
        self.assertContains(response, "Ghaani met them on Wednesday.")  # nothing the editor typed is lost
        self.assertContains(response, "New paragraph.")
        report.refresh_from_db()
        self.assertEqual(report.summary, "Ghaani met them on Tuesday.")
        self.assertFalse(Correction.objects.exists())
        self.assertEqual(kept(report), [])

    def test_a_correction_goes_live_at_once_and_is_listed_on_the_report_page(self):
        report = live_report(summary="Ghaani met them on Tuesday.")
        response = edit(self.client, report, summary="Ghaani met them on Wednesday.", correction_note=f"  {NOTE} ")
        self.assertEqual(response.status_code, 302)
        correction = Correction.objects.get()
        self.assertEqual((correction.report, correction.editor, correction.note), (report, self.editor, NOTE))
        event = report.events.get()
        self.assertEqual(
            (event.action, event.note, event.changed_fields), (ReportEvent.Action.CORRECT, NOTE, ["summary"])
        )
        self.assertEqual(kept(report)[-1].message, f"Correction: {NOTE}")
        self.client.logout()
        page = self.client.get(report.get_absolute_url())
        self.assertContains(page, "Ghaani met them on Wednesday.")
        self.assertContains(page, '<h2 id="corrections-heading">Corrections</h2>', html=True)
        day = timezone.localtime(correction.created_at)
        self.assertContains(page, f"{day:%B} {day.day}, {day.year}</time>: {NOTE}</li>")
        self.assertContains(page, '<dt>Corrected</dt><dd><a href="#corrections-heading"><time datetime="')

    def test_corrections_are_listed_oldest_first(self):
        report = live_report()
        edit(self.client, report, summary="First fix.", correction_note="Fixed the first thing.")
        edit(self.client, report, summary="Second fix.", correction_note="Fixed the second thing.")
        self.client.logout()
        text = self.client.get(report.get_absolute_url()).content.decode()
        self.assertLess(text.index("Fixed the first thing."), text.index("Fixed the second thing."))

    def test_a_note_without_a_change_is_refused(self):
        report = live_report()
        response = edit(self.client, report, correction_note=NOTE)
        self.assertContains(response, "Nothing in the report has changed, so there is nothing to correct")
        self.assertFalse(Correction.objects.exists())

    def test_saving_or_unpublishing_a_live_report_without_changes_needs_no_note(self):
        report = live_report()
        self.assertEqual(edit(self.client, report).status_code, 302)
        self.assertEqual(edit(self.client, report, button=("_transition", "unpublish")).status_code, 302)
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.DRAFT)
        self.assertFalse(Correction.objects.exists())

    def test_a_scheduled_report_is_not_live_yet_so_its_edits_need_no_note(self):
        report = scheduled_report()
        self.assertEqual(edit(self.client, report, summary="Edited before it goes out.").status_code, 302)
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Edited before it goes out.")
        self.assertFalse(Correction.objects.exists())

    def test_a_report_that_went_live_while_being_edited_asks_for_a_note(self):
        report = scheduled_report()
        page = self.client.get(change_url(report))
        self.assertNotContains(page, 'name="correction_note"')
        # Its publication time passes while the editor types.
        Report.objects.filter(pk=report.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
        data = form_fields(page)
        data["summary"] = ["Typed while it went live."]
        response = self.client.post(change_url(report), data)
        self.assertContains(response, "the correction note is required")
        self.assertContains(response, 'name="correction_note"')
        self.assertContains(response, "Typed while it went live.")
        self.assertNotEqual(Report.objects.get(pk=report.pk).summary, "Typed while it went live.")

    def test_writers_cannot_change_a_live_report_at_all(self):
        report = live_report(summary="Original.")
        self.client.force_login(self.writer)
        page = self.client.get(change_url(report))
        self.assertNotContains(page, 'name="correction_note"')
        response = self.client.post(change_url(report), {"summary": "Writer's fix.", "correction_note": NOTE})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Original.")

    def test_restoring_a_revision_of_a_live_report_is_a_correction(self):
        report = live_report(summary="Original wording.")
        edit(self.client, report, summary="Wrong fix.", correction_note="Fixed the wording.")
        original = kept(report)[0]
        refused = restore(self.client, report, original)
        self.assertContains(refused, "the correction note is required")
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Wrong fix.")
        self.assertContains(self.client.get(restore_url(report, original)), 'name="correction_note"')
        restore(self.client, report, original, correction_note="Restored the original wording.")
        report.refresh_from_db()
        self.assertEqual((report.summary, report.status), ("Original wording.", Status.PUBLISHED))
        self.assertEqual(
            list(report.corrections.values_list("note", flat=True)),
            ["Fixed the wording.", "Restored the original wording."],
        )

    def test_feeds_show_the_report_as_updated_when_it_is_corrected(self):
        report = live_report(title="Corrected report")
        entry = feedparser.parse(self.client.get("/feeds/atom/").content).entries[0]
        self.assertEqual(entry.updated_parsed, entry.published_parsed)
        edit(self.client, report)  # a save that changes nothing is no update
        entry = feedparser.parse(self.client.get("/feeds/atom/").content).entries[0]
        self.assertEqual(entry.updated_parsed, entry.published_parsed)
        edit(self.client, report, summary="Fixed.", correction_note=NOTE)
        corrected_at = Correction.objects.get().created_at
        entry = feedparser.parse(self.client.get("/feeds/atom/").content).entries[0]
        self.assertEqual(entry.updated_parsed[:6], corrected_at.astimezone(datetime.UTC).timetuple()[:6])
        self.assertGreater(entry.updated_parsed, entry.published_parsed)
        self.assertIn(NOTE, entry.summary)
        rss = feedparser.parse(self.client.get("/feeds/rss/").content).entries[0]
        self.assertIn(f"Correction, {corrected_at:%B} {corrected_at.day}, {corrected_at.year}: {NOTE}", rss.summary)

    def test_a_blank_note_is_refused_by_the_database_too(self):
        report = live_report()
        for note in ("", "   "):
            with self.subTest(note=note), self.assertRaises(IntegrityError), transaction.atomic():
                Correction.objects.create(report=report, note=note, editor=self.editor)

    def test_the_report_page_has_no_corrections_section_without_corrections(self):
        report = live_report()
        self.assertNotContains(self.client.get(report.get_absolute_url()), "Corrections")


class CorrectionThroughTheAddFormTests(SitrepTestCase):
    """A new report is never live, so its form has no correction note."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.series = make_series()

    def test_the_add_form_has_a_revision_message_but_no_correction_note(self):
        self.client.force_login(self.editor)
        page = self.client.get(add_url())
        self.assertContains(page, 'name="revision_message"')
        self.assertNotContains(page, 'name="correction_note"')
        response = submit(
            self.client, add_url(), series=str(self.series.pk), title="New", slug="new",
            period_start="2020-08-01", period_end="2020-08-07", summary="New report.",
        )  # fmt: skip
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Report.objects.get(slug="new").events.get().action, ReportEvent.Action.CREATE)
