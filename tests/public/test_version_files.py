"""A version shows the files its readers saw (issue 15): after a live report's map or PDF is
replaced with a correction, the earlier version still shows the old map and links the old PDF,
each at its own address, and the report's page the new ones."""

import re

from reports.editorial.actions import editing
from reports.editorial.actions.figures import FigureRow
from reports.models import Figure
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import forget_cached_results, make_report, make_user
from tests.pdfs import attach_pdf, pdf_bytes


def shown_files(response):
    """The figure files and PDF addresses a page shows or links."""
    html = response.content.decode()
    return set(re.findall(r'(/media/figures/[\w/.-]+?)(?:/w\d+\.\w+|")', html)), set(
        re.findall(r'href="(/reports/[\w-]+/(?:pdf/\d+/)?[\w-]+\.pdf)"', html)
    )


class VersionFilesTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def test_an_earlier_version_shows_the_map_and_pdf_its_readers_saw(self):
        report = make_report(slug="iraq-week")
        first_pdf, second_pdf = pdf_bytes("First edition"), pdf_bytes("Corrected edition", "Annex")
        old_map = FigureRow(None, upload(image_bytes("PNG", (900, 600))), alt_text="Old map")
        with self.captureOnCommitCallbacks(execute=True):
            editing.save_report(report, by=self.editor, tags=[], correction_note="Added the map.", figures=[old_map])
        with self.captureOnCommitCallbacks(execute=True):
            attach_pdf(report, self.editor, first_pdf, note="Added the PDF.")
        old_figure = report.figures.get()
        with self.captureOnCommitCallbacks(execute=True):
            replacement = FigureRow(old_figure, upload(image_bytes("PNG", (640, 480))), alt_text="Corrected map")
            editing.save_report(report, by=self.editor, tags=[], figures=[replacement],
                                correction_note="The map placed Ghaani on the wrong bank.")  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            attach_pdf(report, self.editor, second_pdf, note="The PDF is the corrected edition.")
        forget_cached_results()
        numbers = list(report.versions.order_by("number").values_list("number", flat=True))
        new_figure = Figure.objects.get(report=report, retired_at__isnull=True)

        with_old_pdf = self.client.get(f"/reports/iraq-week/v/{numbers[1]}/")
        self.assertContains(with_old_pdf, 'alt="Old map"')
        self.assertNotContains(with_old_pdf, 'alt="Corrected map"')
        figures, pdfs = shown_files(with_old_pdf)
        self.assertTrue(all(old_figure.key in name for name in figures), figures)
        (old_pdf_url,) = pdfs
        self.assertRegex(old_pdf_url, r"^/reports/iraq-week/pdf/\d+/iraq-week\.pdf$")
        self.assertEqual(b"".join(self.client.get(old_pdf_url).streaming_content), first_pdf)

        current = self.client.get("/reports/iraq-week/")
        self.assertContains(current, 'alt="Corrected map"')
        figures, pdfs = shown_files(current)
        self.assertTrue(figures and all(new_figure.key in name for name in figures), figures)
        self.assertEqual(pdfs, {"/reports/iraq-week/iraq-week.pdf"})
        self.assertEqual(b"".join(self.client.get("/reports/iraq-week/iraq-week.pdf").streaming_content), second_pdf)
        # The latest version shows the same files as the report's page, at their own addresses.
        latest = self.client.get(f"/reports/iraq-week/v/{numbers[-1]}/")
        self.assertContains(latest, 'alt="Corrected map"')
        self.assertNotEqual(shown_files(latest)[1], {old_pdf_url})
