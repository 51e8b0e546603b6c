"""Uploading a report's PDF on its change form: refusals at the field that keep the rest of
the form, the upload kept with its pages and text, removal, and a live report's correction note."""

from django.utils.html import escape

from reports.models import Correction, Report
from reports.text import pdfs as reading
from tests.base import SitrepTestCase
from tests.helpers import ROLES, make_report, make_user
from tests.history_helpers import add_url, change_url, edit, live_report
from tests.pdfs import PNG_BYTES, TemporaryMedia, annotation_action_pdf, pdf_bytes, pdf_upload

Status = Report.Status


class PdfUploadTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}

    def test_the_change_form_accepts_files_and_offers_the_pdf_field(self):
        self.client.force_login(self.users["writer"])
        for url in (add_url(), change_url(make_report(status=Status.DRAFT))):
            with self.subTest(url):
                page = self.client.get(url)
                self.assertContains(page, 'enctype="multipart/form-data"')
                self.assertContains(page, 'name="pdf"')

    def test_each_refused_file_is_named_at_the_field_and_nothing_typed_is_lost(self):
        cases = {
            "plain text named .pdf": (b"not a pdf", reading.NOT_A_PDF),
            "a PNG renamed .pdf": (PNG_BYTES, reading.NOT_A_PDF),
            "encrypted": (pdf_bytes("Secret", encrypt="pw"), reading.ENCRYPTED),
            "JavaScript": (pdf_bytes("Hi", javascript="app.alert(1)"), "carries JavaScript"),
            "an annotation's action": (annotation_action_pdf(), "carries JavaScript"),
        }
        report = make_report(status=Status.DRAFT, summary="Stored summary.")
        for role, user in self.users.items():
            self.client.force_login(user)
            for label, (data, message) in cases.items():
                with self.subTest(label, role=role):
                    response = edit(self.client, report, summary="What the writer typed.", pdf=pdf_upload(data))
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, escape(message).split("(")[0])
                    self.assertContains(response, "What the writer typed.")
                    errors = response.context["adminform"].form.errors
                    self.assertEqual(list(errors), ["pdf"])
        report.refresh_from_db()
        self.assertEqual(report.summary, "Stored summary.")
        self.assertFalse(report.pdfs.exists())

    def test_a_writer_uploads_a_pdf_with_a_new_report(self):
        self.client.force_login(self.users["writer"])
        page = self.client.get(add_url())
        series = page.context["adminform"].form.fields["series"].queryset.first() or make_report().series
        response = self.client.post(
            add_url(),
            {
                "series": series.pk, "title": "Iraq Situation Report: July 1-7, 2020", "slug": "",
                "period_start": "2020-07-01", "period_end": "2020-07-07", "summary": "Takeaways.", "body": "",
                "tags": "", "pdf": pdf_upload(pdf_bytes("Words of the PDF", "Page two")),
                "bylines-TOTAL_FORMS": "0", "bylines-INITIAL_FORMS": "0",
            },
        )  # fmt: skip
        self.assertEqual(response.status_code, 302)
        report = Report.objects.get(title="Iraq Situation Report: July 1-7, 2020")
        self.assertEqual(report.pdf.page_count, 2)
        self.assertIn("Words of the PDF", Report.objects.get(pk=report.pk).pdf_text)

    def test_an_upload_replaces_and_the_box_removes_the_pdf_of_a_draft(self):
        self.client.force_login(self.users["writer"])
        report = make_report(status=Status.DRAFT)
        self.assertEqual(edit(self.client, report, pdf=pdf_upload(pdf_bytes("One"))).status_code, 302)
        self.assertContains(self.client.get(change_url(report)), "PDF (1 page,")
        self.assertEqual(edit(self.client, report, remove_pdf="on").status_code, 302)
        self.assertIsNone(Report.objects.get(pk=report.pk).pdf)
        self.assertFalse(report.pdfs.exists())

    def test_a_live_reports_new_pdf_needs_a_correction_note(self):
        self.client.force_login(self.users["editor"])
        report = live_report()
        response = edit(self.client, report, pdf=pdf_upload())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["adminform"].form.errors), ["correction_note"])
        self.assertFalse(report.pdfs.exists())
        response = edit(self.client, report, pdf=pdf_upload(), correction_note="Added the report's PDF.")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(report.pdfs.count(), 1)
        self.assertEqual(Correction.objects.get(report=report).note, "Added the report's PDF.")
