"""A map and a PDF from the writer's upload to the reader's screen: uploaded with the map's alt
text in the admin, published by an editor, the map seen by a reader as a responsive picture and
the PDF downloaded (issue 15's journey)."""

import tempfile
from pathlib import Path

from django.test import override_settings
from playwright.sync_api import expect

from reports.models import Report
from reports.models.pdf import size_label
from tests.browser import BrowserTestCase
from tests.figure_helpers import TemporaryMedia, jpeg_with_gps
from tests.helpers import make_report, make_series, make_user
from tests.pdfs import pdf_bytes


# Django's live server serves MEDIA_ROOT itself at MEDIA_URL, before any view: moved out of
# the way, so that /media/ is answered by reports.public.media.files as in production.
@override_settings(MEDIA_URL="/live-server-media-unused/")
class FigureJourneyTests(TemporaryMedia, BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series()
        make_user("writer")
        make_user("editor")
        self.report = make_report("Iraq Situation Report: August 26 - September 1, 2020", status=Report.Status.DRAFT,
                                  start=(2020, 8, 26), end=(2020, 9, 1))  # fmt: skip
        folder = Path(tempfile.mkdtemp(prefix="sitrep-upload-"))
        self.map_file = folder / "map-week-35.jpg"
        self.map_file.write_bytes(jpeg_with_gps(size=(1800, 1100)))
        self.svg_file = folder / "map.svg"
        self.svg_file.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
        self.pdf_data = pdf_bytes("Iraq Situation Report: August 26 - September 1, 2020", "Map of the week")
        self.pdf_file = folder / "ISW Iraq week 35.pdf"
        self.pdf_file.write_bytes(self.pdf_data)

    def test_writer_uploads_a_map_and_a_pdf_editor_publishes_reader_sees_the_map_and_downloads_the_pdf(self):
        page = self.page
        change = self.url(f"/admin/reports/report/{self.report.pk}/change/")
        # The writer first tries an SVG: refused at the field, and the alt text stays typed.
        self.log_in("writer", "pw-writer")
        page.goto(change)
        page.set_input_files("#id_figures-0-image", str(self.svg_file))
        page.fill("#id_figures-0-alt_text", "Map of clashes near Mosul")
        page.fill("#id_figures-0-caption", "Clashes, 26 August - 1 September")
        page.click("input[name=_continue]")
        expect(page.locator("#figures-0 .errorlist")).to_contain_text("is not a JPEG, PNG, WebP or AVIF image")
        expect(page.locator("#id_figures-0-alt_text")).to_have_value("Map of clashes near Mosul")
        # Then the real map and the report's PDF, and submits the report for review.
        page.set_input_files("#id_figures-0-image", str(self.map_file))
        page.set_input_files("#id_pdf", str(self.pdf_file))
        page.click("button:has-text('Submit for review')")
        self.assert_message("Submitted for review")
        figure = self.report.figures.get()
        self.assertEqual(figure.alt_text, "Map of clashes near Mosul")

        # Readers cannot see the map of a report in review.
        reader = self.browser.new_page()
        response = reader.goto(self.url(f"/media/{figure.image.name}"))
        self.assertEqual(response.status, 404)

        # The editor publishes it.
        self.log_in("editor", "pw-editor")
        page.goto(change)
        page.locator("button[name=_transition][value=publish]").first.click()
        self.assert_message("Published")

        # A reader on a phone-sized screen sees the map, from a rendition that fits.
        reader.set_viewport_size({"width": 400, "height": 800})
        reader.goto(self.url(self.report.get_absolute_url()))
        image = reader.locator(".lead-figure img")
        expect(image).to_have_attribute("alt", "Map of clashes near Mosul")
        expect(reader.locator(".lead-figure figcaption")).to_contain_text("Clashes, 26 August - 1 September")
        reader.wait_for_function("() => document.querySelector('.lead-figure img').complete")
        shown = image.evaluate("img => ({src: img.currentSrc, natural: img.naturalWidth, width: img.width})")
        self.assertRegex(shown["src"], r"/media/figures/[\w-]+/w(320|640|1024)\.(avif|webp)$")
        self.assertLess(shown["natural"], 1800)
        self.assertLessEqual(shown["width"], 400)
        self.assertEqual(image.get_attribute("width"), "1800")

        # And downloads the PDF, under the report's own name.
        link = reader.get_by_role("link", name=f"Download PDF (2 pages, {size_label(len(self.pdf_data))})")
        with reader.expect_download() as download:
            link.click()
        self.assertEqual(download.value.suggested_filename, f"{self.report.slug}.pdf")
        self.assertEqual(Path(download.value.path()).read_bytes(), self.pdf_data)
        reader.close()
        self.assertNoCspViolations()
