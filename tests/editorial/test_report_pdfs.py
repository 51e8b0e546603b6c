"""A report's PDF through the editorial action: what is refused, what is kept, the audit
trail and corrections, replaced files, and the thumbnail the background task makes."""

import io

from django.core.files.storage import default_storage
from PIL import Image

from reports.editorial import signals
from reports.editorial.actions import editing, pdfs
from reports.editorial.actions.base import ActionRefused
from reports.models import CORRECTION_NOTE_MESSAGE, Correction, Report, ReportEvent, ReportPDF
from reports.text import pdfs as reading
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user
from tests.pdfs import PNG_BYTES, TemporaryMedia, annotation_action_pdf, attach_pdf, pdf_bytes


class ReportPdfActionTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.writer = make_user("writer")

    def test_page_count_text_and_original_name_are_kept(self):
        report = make_report(status=Report.Status.DRAFT)
        data = pdf_bytes("Militia convoys near Qaim", "Second page about Tal Afar")
        attach_pdf(report, self.writer, data, name="ISW Iraq 2020-08.pdf")
        pdf = report.pdfs.get()
        self.assertEqual((pdf.page_count, pdf.size, pdf.original_name), (2, len(data), "ISW Iraq 2020-08.pdf"))
        report.refresh_from_db()
        self.assertIn("Militia convoys near Qaim", report.pdf_text)
        self.assertIn("Second page about Tal Afar", report.pdf_text)
        with default_storage.open(pdf.file.name, "rb") as stored:
            self.assertEqual(stored.read(), data)

    def test_each_unsafe_or_unreadable_file_is_refused_at_the_pdf_field(self):
        cases = {
            "not a PDF": (b"Just some text, not a PDF at all.", reading.NOT_A_PDF),
            "a PNG renamed .pdf": (PNG_BYTES, reading.NOT_A_PDF),
            "truncated": (pdf_bytes("Cut short")[:200], reading.UNREADABLE),
            "encrypted": (pdf_bytes("Secret", encrypt="password"), reading.ENCRYPTED),
            "JavaScript on opening": (pdf_bytes("Hi", javascript="app.alert('hi');"), "carries JavaScript"),
            "an annotation's action": (annotation_action_pdf(), "carries JavaScript"),
        }
        report = make_report(status=Report.Status.DRAFT)
        for label, (data, message) in cases.items():
            with self.subTest(label), self.assertRaises(ActionRefused) as refused:
                attach_pdf(report, self.editor, data)
            self.assertEqual(refused.exception.field, "pdf")
            self.assertIn(message, str(refused.exception))
        self.assertFalse(ReportPDF.objects.exists())
        self.assertFalse(ReportEvent.objects.filter(report=report).exists())

    def test_attaching_is_audited_and_announced_after_commit(self):
        report = make_report(status=Report.Status.DRAFT)
        heard = []
        signals.report_pdf_changed.connect(lambda sender, **kw: heard.append(kw), weak=False, dispatch_uid="t")
        self.addCleanup(signals.report_pdf_changed.disconnect, dispatch_uid="t")
        with self.captureOnCommitCallbacks(execute=True):
            event = attach_pdf(report, self.writer)
        self.assertEqual(event.changed_fields, ["pdf"])
        self.assertEqual(event.actor, self.writer)
        self.assertEqual([kw["pdf"] for kw in heard], [report.pdfs.get()])

    def test_the_background_task_makes_a_webp_thumbnail_of_the_first_page(self):
        report = make_report(status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            attach_pdf(report, self.writer, pdf_bytes("First page", "Second"))
        pdf = report.pdfs.get()
        self.assertTrue(pdf.thumbnail)
        with default_storage.open(pdf.thumbnail.name, "rb") as stored:
            image = Image.open(io.BytesIO(stored.read()))
            self.assertEqual(image.format, "WEBP")
            self.assertEqual(image.size, (pdf.thumbnail_width, pdf.thumbnail_height))
        self.assertEqual(pdf.thumbnail_width, 240)
        self.assertEqual(pdf.thumbnail_height, round(240 * 842 / 595))  # A4's proportions

    def test_a_live_reports_pdf_changes_only_with_a_correction_note(self):
        report = make_report()
        with self.assertRaises(ActionRefused) as refused:
            attach_pdf(report, self.editor)
        refusal = (str(refused.exception), refused.exception.field)
        self.assertEqual(refusal, (CORRECTION_NOTE_MESSAGE, "correction_note"))
        self.assertFalse(ReportPDF.objects.exists())
        attach_pdf(report, self.editor, note="Added the PDF of the report.")
        self.assertEqual(Correction.objects.get(report=report).note, "Added the PDF of the report.")
        self.assertEqual(ReportEvent.objects.get(report=report).action, ReportEvent.Action.CORRECT)

    def test_replacing_a_live_reports_pdf_keeps_the_old_one(self):
        report = make_report()
        attach_pdf(report, self.editor, pdf_bytes("Old map"), note="Added the PDF.")
        old = report.pdfs.get()
        attach_pdf(report, self.editor, pdf_bytes("New map"), note="Corrected the map in the PDF.")
        old.refresh_from_db()
        self.assertIsNotNone(old.replaced_at)
        self.assertTrue(default_storage.exists(old.file.name))
        current = report.pdfs.get(replaced_at__isnull=True)
        self.assertNotEqual(current.file.name, old.file.name)
        report.refresh_from_db()
        self.assertEqual(report.pdf_text, "New map")

    def test_replacing_a_drafts_pdf_deletes_the_old_file(self):
        report = make_report(status=Report.Status.DRAFT)
        attach_pdf(report, self.writer, pdf_bytes("First try"))
        old = report.pdfs.get()
        with self.captureOnCommitCallbacks(execute=True):
            attach_pdf(report, self.writer, pdf_bytes("Second try"))
        self.assertFalse(ReportPDF.objects.filter(pk=old.pk).exists())
        self.assertFalse(default_storage.exists(old.file.name))

    def test_removing_the_pdf_forgets_its_text(self):
        report = make_report(status=Report.Status.DRAFT)
        attach_pdf(report, self.writer, pdf_bytes("Words only the PDF has"))
        event = editing.save_report(report, by=self.writer, tags=[], pdf=pdfs.PdfChange())
        self.assertEqual(event.changed_fields, ["pdf"])
        report.refresh_from_db()
        self.assertEqual((report.pdf_text, report.pdf), ("", None))

    def test_removing_no_pdf_changes_nothing(self):
        report = make_report(status=Report.Status.DRAFT)
        self.assertIsNone(editing.save_report(report, by=self.writer, tags=[], pdf=pdfs.PdfChange()))
