"""export_reports --files DIR writes the figures and PDFs beside the JSON; import_reports --files DIR
reads them back: into an empty database, the same reports, files, alt texts and PDFs."""

import hashlib
import io
import json
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from reports.editorial.actions import editing
from reports.editorial.actions.figures import FigureRow
from reports.editorial.actions.pdfs import PdfChange
from reports.models import Figure, Report, ReportEvent, ReportPDF, Series
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import make_report, make_user
from tests.pdfs import PNG_BYTES, pdf_bytes, pdf_upload

FIELDS = ("alt_text", "caption", "credit", "long_description")


def figures_now():
    """Each report's figures as readers get them: the bytes' digest and the texts."""
    result = {}
    for figure in Figure.objects.current().select_related("report").order_by("report__slug", "position"):
        with default_storage.open(figure.image.name) as stored:
            digest = hashlib.sha256(stored.read()).hexdigest()
        result.setdefault(figure.report.slug, []).append((digest, *(getattr(figure, n) for n in FIELDS)))
    return result


def digest(name):
    with default_storage.open(name) as stored:
        return hashlib.sha256(stored.read()).hexdigest()


def pdfs_now():
    """Each report's PDFs, oldest first, as readers and search get them, and its PDF text."""
    result = {}
    for pdf in ReportPDF.objects.select_related("report").order_by("report__slug", "uploaded_at", "pk"):
        thumbnail = (digest(pdf.thumbnail.name), pdf.thumbnail_width, pdf.thumbnail_height) if pdf.thumbnail else None
        facts = (digest(pdf.file.name), pdf.original_name, pdf.size, pdf.page_count, pdf.uploaded_at, pdf.replaced_at)
        result.setdefault(pdf.report.slug, [pdf.report.pdf_text]).append((*facts, thumbnail))
    return result


def empty_the_database():
    ReportEvent.objects.all().delete()
    Report.objects.all().delete()
    Series.objects.all().delete()


class ExportImportFilesTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        editor = make_user("editor")
        live = make_report(slug="iraq-june-24-30")
        draft = make_report("Draft with a chart", slug="draft-chart", status=Report.Status.DRAFT, start=(2020, 6, 17))
        make_report("No figures", slug="no-figures", start=(2020, 7, 1), end=(2020, 7, 7))
        editing.save_report(live, by=editor, tags=[], correction_note="Added the maps.", figures=[
            FigureRow(None, upload(image_bytes("PNG", (400, 300))), alt_text="Map of clashes", caption="Week 26",
                      credit="Map: sitrep", long_description="Eleven clashes east of the river."),
            FigureRow(None, upload(image_bytes("JPEG", (300, 200))), alt_text="Map of displacement"),
        ])  # fmt: skip
        editing.save_report(draft, by=editor, tags=[], figures=[
            FigureRow(None, upload(image_bytes("WEBP", (320, 240))), alt_text="Chart of incidents"),
        ])  # fmt: skip

    def test_an_export_with_figures_imported_into_an_empty_database_gives_the_same_reports_files_and_alt_texts(self):
        before_figures = figures_now()
        self.assertEqual(set(before_figures), {"iraq-june-24-30", "draft-chart"})
        with tempfile.TemporaryDirectory() as folder:
            export_path, files = Path(folder) / "reports.json", Path(folder) / "files"
            call_command("export_reports", "--output", str(export_path), "--files", str(files))
            document = json.loads(export_path.read_text())
            self.assertEqual(document["files"]["iraq-june-24-30"]["figures"][0]["file"], "iraq-june-24-30/figure-1.png")
            self.assertTrue((files / "draft-chart" / "figure-1.webp").is_file())
            before = export_path.read_text()

            ReportEvent.objects.all().delete()
            Report.objects.all().delete()
            Series.objects.all().delete()
            self.assertFalse(Figure.objects.exists())

            out = io.StringIO()
            call_command("import_reports", str(export_path), "--files", str(files), stdout=out)
            self.assertEqual(
                out.getvalue(),
                "created: 3, updated: 0, unchanged: 0, refused: 0\nfiles: 2 reports given their files\n",
            )
            self.assertEqual(figures_now(), before_figures)
            again = Path(folder) / "again.json"
            call_command("export_reports", "--output", str(again), "--files", str(Path(folder) / "again"))
            self.assertEqual(json.loads(again.read_text())["reports"], json.loads(before)["reports"])
            self.assertEqual(json.loads(again.read_text())["files"], document["files"])

            # Importing again changes nothing: the reports keep the figures they have.
            out = io.StringIO()
            call_command("import_reports", str(export_path), "--files", str(files), stdout=out)
            self.assertIn("files: 0 reports given their files", out.getvalue())
            self.assertEqual(figures_now(), before_figures)

    def test_files_needs_the_json_format_and_a_folder_that_holds_the_files(self):
        with self.assertRaisesMessage(CommandError, "--files needs --format json"):
            call_command("export_reports", "--format", "csv", "--files", "/tmp/anywhere", stdout=io.StringIO())
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "reports.json"
            call_command("export_reports", "--output", str(path), "--files", str(Path(folder) / "files"))
            document = json.loads(path.read_text())
            document["files"]["draft-chart"]["figures"][0]["file"] = "../../etc/passwd"
            path.write_text(json.dumps(document))
            Report.objects.filter(slug="draft-chart").delete()
            with self.assertRaisesMessage(CommandError, "../../etc/passwd is not a file in"):
                call_command("import_reports", str(path), "--files", str(Path(folder) / "files"), stdout=io.StringIO())

    def test_a_figure_that_is_not_an_image_stops_the_import_before_anything_is_written(self):
        with tempfile.TemporaryDirectory() as folder:
            path, files = Path(folder) / "reports.json", Path(folder) / "files"
            call_command("export_reports", "--output", str(path), "--files", str(files))
            (files / "draft-chart" / "figure-1.webp").write_bytes(b"not an image at all")
            empty_the_database()
            with self.assertRaisesMessage(CommandError, "Nothing was written: draft-chart/figure-1.webp: "):
                call_command("import_reports", str(path), "--files", str(files), stdout=io.StringIO())
            self.assertFalse(Report.objects.exists())
            document = json.loads(path.read_text())
            document["files"]["draft-chart"] = ["figure-1.webp"]
            path.write_text(json.dumps(document))
            with self.assertRaisesMessage(CommandError, "The files of draft-chart are not as export_reports"):
                call_command("import_reports", str(path), "--files", str(files), stdout=io.StringIO())


SCRIPTED = pdf_bytes(javascript="app.alert(1)")


class ExportImportPdfTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        editor = make_user("editor")
        live = make_report(slug="iraq-june-24-30")
        draft = make_report("Draft with a PDF", slug="draft-pdf", status=Report.Status.DRAFT, start=(2020, 6, 17))
        with cls.captureOnCommitCallbacks(execute=True):  # the thumbnails are made after the commit
            for texts, note in ((("Old map",), "Added the PDF."), (("New map", "Second page"), "Corrected the map.")):
                pdf = PdfChange(pdf_upload(pdf_bytes(*texts), name=f"{texts[0]}.pdf"))
                editing.save_report(live, by=editor, tags=[], pdf=pdf, correction_note=note)
        editing.save_report(draft, by=editor, tags=[], pdf=PdfChange(pdf_upload(pdf_bytes("Draft"))))  # no thumbnail

    def export(self, folder):
        path = Path(folder) / "reports.json"
        call_command("export_reports", "--output", str(path), "--files", str(Path(folder) / "files"))
        return path, json.loads(path.read_text())

    def import_(self, path, folder):
        out = io.StringIO()
        call_command("import_reports", str(path), "--files", str(Path(folder) / "files"), stdout=out)
        return out.getvalue()

    def test_the_current_and_replaced_pdfs_come_back_with_their_pages_text_dates_and_thumbnails(self):
        before = pdfs_now()
        self.assertEqual([len(pdfs) for pdfs in before.values()], [2, 3])  # the text, then each PDF
        self.assertEqual(before["iraq-june-24-30"][0], "New map\n\nSecond page")
        with tempfile.TemporaryDirectory() as folder:
            path, document = self.export(folder)
            records = document["files"]["iraq-june-24-30"]["pdfs"]
            self.assertEqual([r["file"] for r in records], ["iraq-june-24-30/pdf-1.pdf", "iraq-june-24-30/pdf-2.pdf"])
            self.assertEqual([r["page_count"] for r in records], [1, 2])
            self.assertIsNotNone(records[0]["replaced_at"])
            self.assertIsNone(records[1]["replaced_at"])
            self.assertTrue((Path(folder) / "files" / records[1]["thumbnail"]).is_file())
            self.assertNotIn("thumbnail", document["files"]["draft-pdf"]["pdfs"][0])

            empty_the_database()
            self.assertFalse(ReportPDF.objects.exists())
            self.assertEqual(self.import_(path, folder).splitlines()[-1], "files: 2 reports given their files")
            self.assertEqual(pdfs_now(), before)
            self.assertEqual(Report.objects.filter(pdf_text__contains="Second page").count(), 1)  # search reads it
            self.assertEqual(self.export(Path(folder) / "again")[1]["files"], document["files"])

            # Again: the reports keep the PDFs they have.
            self.assertEqual(self.import_(path, folder).splitlines()[-1], "files: 0 reports given their files")
            self.assertEqual(ReportPDF.objects.count(), 3)

    def test_an_imported_pdf_without_a_thumbnail_has_one_made_after_the_import(self):
        with tempfile.TemporaryDirectory() as folder:
            path, _ = self.export(folder)
            empty_the_database()
            with self.captureOnCommitCallbacks(execute=True):
                self.import_(path, folder)
        pdf = ReportPDF.objects.get(report__slug="draft-pdf")
        self.assertEqual((bool(pdf.thumbnail), pdf.thumbnail_width), (True, 240))

    def test_a_missing_or_bad_file_stops_the_import_before_anything_is_written(self):
        cases = {
            "missing": (lambda files, record: (files / record["file"]).unlink(), "pdf-2.pdf is not a file in"),
            "not a pdf": (lambda files, record: (files / record["file"]).write_bytes(PNG_BYTES), "is not a PDF"),
            "scripted": (lambda files, record: (files / record["file"]).write_bytes(SCRIPTED), "carries JavaScript"),
            "bad thumbnail": (lambda files, record: (files / record["thumbnail"]).write_bytes(b"nothing"),
                              "pdf-2-first-page.webp:"),
        }  # fmt: skip
        for case, (spoil, message) in cases.items():
            with self.subTest(case), tempfile.TemporaryDirectory() as folder, transaction.atomic():
                path, document = self.export(folder)
                spoil(Path(folder) / "files", document["files"]["iraq-june-24-30"]["pdfs"][1])
                empty_the_database()
                with self.assertRaisesMessage(CommandError, "Nothing was written: iraq-june-24-30/") as raised:
                    self.import_(path, folder)
                self.assertIn(message, str(raised.exception))
                self.assertFalse(Report.objects.exists())
                self.assertFalse(ReportPDF.objects.exists())
                transaction.set_rollback(True)

    def test_records_that_say_the_wrong_things_are_refused_with_a_reason(self):
        cases = {
            "a date that is not one": ({"replaced_at": "last week"}, "“last week” is not a date and time"),
            "two current pdfs": ({"replaced_at": None}, "a report has one current PDF"),
            "no file": ({"file": None}, "names no file"),
        }
        for case, (change, message) in cases.items():
            with self.subTest(case), tempfile.TemporaryDirectory() as folder, transaction.atomic():
                path, document = self.export(folder)
                document["files"]["iraq-june-24-30"]["pdfs"][0].update(change)
                path.write_text(json.dumps(document))
                empty_the_database()
                with self.assertRaisesMessage(CommandError, message):
                    self.import_(path, folder)
                self.assertFalse(Report.objects.exists())
                transaction.set_rollback(True)
