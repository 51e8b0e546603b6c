"""A report's PDF, clicked through in Chromium: a writer uploads it with a new report, an
editor publishes, and a reader downloads it from the report's page."""

import tempfile
from pathlib import Path

from reports.models import Report
from reports.models.pdf import size_label
from tests.browser import BrowserTestCase
from tests.helpers import make_series, make_user
from tests.pdfs import pdf_bytes
from tests.test_browser_journeys import SLUG, TITLE


class PdfJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series(), make_user("writer"), make_user("editor")

    def test_writer_uploads_a_pdf_editor_publishes_reader_downloads_it(self):
        page = self.page
        data = pdf_bytes("Kata'ib Hezbollah rocket attacks", "Map of the week", "Annex")
        upload = Path(self.enterContext(tempfile.TemporaryDirectory())) / "ISW report.pdf"
        upload.write_bytes(data)

        # The writer drafts a report with a PDF; a PNG renamed .pdf was refused first, and
        # what they had typed is still there.
        self.log_in("writer", "pw-writer")
        page.goto(self.url("/admin/reports/report/add/"))
        page.select_option("#id_series", label="Iraq Situation Report")
        page.fill("#id_title", TITLE)
        page.fill("#id_period_start", "2020-08-26")
        page.fill("#id_period_end", "2020-09-01")
        page.fill("#id_summary", "Kata’ib Hezbollah escalated rocket attacks in Baghdad.")
        fake = upload.with_name("map.pdf")
        fake.write_bytes(b"\x89PNG\r\n\x1a\nnot really a pdf")
        page.set_input_files("#id_pdf", str(fake))
        page.click("button:has-text('Submit for review')")
        self.assertIn("This file is not a PDF", page.locator(".field-pdf .errorlist").inner_text())
        self.assertEqual(page.input_value("#id_title"), TITLE)
        page.set_input_files("#id_pdf", str(upload))
        page.click("button:has-text('Submit for review')")
        self.assert_message(f"Submitted for review: “{TITLE}”")

        # The editor publishes it.
        self.log_in("editor", "pw-editor")
        page.goto(self.url("/admin/reports/report/?status=review"))
        page.click(f"text={TITLE}")
        self.assertIn("PDF (3 pages,", page.locator(".field-current_pdf").inner_text())
        page.click("button:has-text('Publish')")
        self.assert_message("Published")
        self.assertEqual(Report.objects.get(slug=SLUG).status, Report.Status.PUBLISHED)

        # A reader (no session) sees the download with its thumbnail and downloads the PDF.
        reader = self.browser.new_context()
        self.addCleanup(reader.close)
        page = reader.new_page()
        page.goto(self.url(f"/reports/{SLUG}/"))
        link = page.get_by_role("link", name=f"Download PDF (3 pages, {size_label(len(data))})")
        thumbnail = page.locator(".pdf-download img")
        self.assertTrue(thumbnail.evaluate("img => img.complete && img.naturalWidth === 240"))
        with page.expect_download() as download:
            link.click()
        self.assertEqual(download.value.suggested_filename, f"{SLUG}.pdf")
        self.assertEqual(Path(download.value.path()).read_bytes(), data)
