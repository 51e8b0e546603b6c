"""export_reports --files DIR writes the figures beside the JSON; import_reports --files DIR
reads them back: into an empty database, the same reports, files and alt texts."""

import hashlib
import io
import json
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.editorial.actions import editing
from reports.editorial.actions.figures import FigureRow
from reports.models import Figure, Report, ReportEvent, Series
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import make_report, make_user

FIELDS = ("alt_text", "caption", "credit", "long_description")


def figures_now():
    """Each report's figures as readers get them: the bytes' digest and the texts."""
    result = {}
    for figure in Figure.objects.current().select_related("report").order_by("report__slug", "position"):
        with default_storage.open(figure.image.name) as stored:
            digest = hashlib.sha256(stored.read()).hexdigest()
        result.setdefault(figure.report.slug, []).append((digest, *(getattr(figure, n) for n in FIELDS)))
    return result


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
                "created: 3, updated: 0, unchanged: 0, refused: 0\nfiles: 2 reports given their figures\n",
            )
            self.assertEqual(figures_now(), before_figures)
            again = Path(folder) / "again.json"
            call_command("export_reports", "--output", str(again), "--files", str(Path(folder) / "again"))
            self.assertEqual(json.loads(again.read_text())["reports"], json.loads(before)["reports"])
            self.assertEqual(json.loads(again.read_text())["files"], document["files"])

            # Importing again changes nothing: the reports keep the figures they have.
            out = io.StringIO()
            call_command("import_reports", str(export_path), "--files", str(files), stdout=out)
            self.assertIn("files: 0 reports given their figures", out.getvalue())
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
