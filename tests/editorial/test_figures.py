"""Figures change as part of saving a report: one action, audited, signalled, and careful with
the files readers have seen."""

import io

from django.core.files.storage import default_storage
from PIL import Image

from reports.editorial.actions import editing
from reports.editorial.actions.base import ActionRefused
from reports.editorial.actions.figures import FigureRow
from reports.models import ALT_TEXT_MESSAGE, CORRECTION_NOTE_MESSAGE, Correction, Figure, Report
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, jpeg_with_gps, upload
from tests.helpers import make_report, make_user


def save(report, by, rows, note=""):
    return editing.save_report(report, by=by, tags=list(report.tags.all()), figures=rows, correction_note=note)


def new_row(data=None, alt="Map of the week's events", **fields):
    return FigureRow(None, upload(data or image_bytes("PNG", (900, 600))), alt_text=alt, **fields)


def keep_row(figure, **changes):
    fields = {name: getattr(figure, name) for name in ("alt_text", "caption", "credit", "long_description", "position")}
    return FigureRow(figure, None, **{**fields, **changes})


class FigureActionTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer, cls.editor = make_user("writer"), make_user("editor")

    def test_a_writer_adds_a_figure_stored_without_metadata_and_rendered_after_commit(self):
        report = make_report(status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            event = save(report, self.writer, [new_row(jpeg_with_gps(), caption="Events, 24-30 June")])
        figure = Figure.objects.get(report=report)
        self.assertIn("figures", event.changed_fields)
        self.assertEqual((figure.width, figure.height, figure.caption), (800, 500, "Events, 24-30 June"))
        self.assertRegex(figure.image.name, rf"^figures/{figure.key}/original\.jpg$")
        with default_storage.open(figure.image.name) as stored:
            data = stored.read()
        self.assertNotIn(b"SN-4455-12", data)
        self.assertEqual(dict(Image.open(io.BytesIO(data)).getexif()), {})
        # The immediate task backend ran the renditions task once the action had committed.
        self.assertEqual({(r["ext"], r["width"]) for r in figure.renditions if r["kind"] == "w"},
                         {(ext, w) for ext in ("avif", "webp", "jpg") for w in (320, 640)})  # fmt: skip
        self.assertEqual([(r["width"], r["height"]) for r in figure.renditions if r["kind"] == "card"], [(1200, 630)])
        for rendition in figure.renditions:
            self.assertTrue(default_storage.exists(rendition["name"]), rendition["name"])

    def test_figures_are_reordered_and_the_first_is_the_lead(self):
        report = make_report(status=Report.Status.DRAFT)
        save(report, self.writer, [new_row(alt="Map"), new_row(alt="Chart")])
        first, second = report.figures.current()
        self.assertEqual([first.alt_text, second.alt_text], ["Map", "Chart"])
        save(report, self.writer, [keep_row(first, position=5), keep_row(second, position=1)])
        self.assertEqual([f.alt_text for f in report.figures.current()], ["Chart", "Map"])

    def test_replacing_a_draft_figure_deletes_the_old_files_it_no_longer_uses(self):
        report = make_report(status=Report.Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            save(report, self.writer, [new_row()])
        figure = report.figures.get()
        old = [figure.image.name, *(r["name"] for r in figure.renditions)]
        with self.captureOnCommitCallbacks(execute=True):
            save(report, self.writer, [FigureRow(figure, upload(image_bytes("WEBP", (700, 400))), alt_text="New map")])
        figure.refresh_from_db()
        self.assertTrue(figure.image.name.endswith("original.webp"))
        self.assertEqual(Figure.objects.filter(report=report).count(), 1)
        for name in old:
            self.assertFalse(default_storage.exists(name), name)

    def test_replacing_a_live_figure_needs_a_correction_note_and_keeps_the_old_file(self):
        report = make_report()
        with self.captureOnCommitCallbacks(execute=True):
            save(report, self.editor, [new_row()], note="Added the map.")
        figure = report.figures.get()
        replacement = [FigureRow(figure, upload(image_bytes("PNG", (640, 480))), alt_text="Corrected map")]
        with self.assertRaisesMessage(ActionRefused, CORRECTION_NOTE_MESSAGE):
            save(report, self.editor, replacement)
        figure.refresh_from_db()
        self.assertEqual(figure.alt_text, "Map of the week's events")  # nothing changed
        old_name = figure.image.name
        with self.captureOnCommitCallbacks(execute=True):
            save(report, self.editor, replacement, note="The map placed Ghaani on the wrong bank.")
        self.assertEqual(
            list(Correction.objects.filter(report=report).values_list("note", flat=True)),
            ["Added the map.", "The map placed Ghaani on the wrong bank."],
        )
        retired = Figure.objects.get(report=report, retired_at__isnull=False)
        self.assertEqual(retired.image.name, old_name)
        self.assertTrue(default_storage.exists(old_name))
        self.assertEqual([f.alt_text for f in report.figures.current()], ["Corrected map"])

    def test_removing_a_live_figure_retires_it(self):
        report = make_report()
        save(report, self.editor, [new_row()], note="Added the map.")
        figure = report.figures.get()
        with self.captureOnCommitCallbacks(execute=True):
            save(report, self.editor, [keep_row(figure, delete=True)], note="Removed a map that was wrong.")
        self.assertFalse(report.figures.current().exists())
        self.assertTrue(default_storage.exists(Figure.objects.get(report=report).image.name))

    def test_an_upload_that_is_not_an_image_is_refused_at_its_field(self):
        report = make_report(status=Report.Status.DRAFT)
        with self.assertRaises(ActionRefused) as refused:
            save(report, self.writer, [new_row(b"%PDF-1.4 not an image")])
        self.assertEqual(refused.exception.field, "image")
        self.assertFalse(Figure.objects.exists())

    def test_a_blank_alt_text_is_refused(self):
        report = make_report(status=Report.Status.DRAFT)
        with self.assertRaisesMessage(ActionRefused, ALT_TEXT_MESSAGE) as refused:
            save(report, self.writer, [new_row(alt="   ")])
        self.assertEqual(refused.exception.field, "alt_text")
        self.assertFalse(Figure.objects.exists())
