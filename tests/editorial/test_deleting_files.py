"""A deleted report's files leave storage once the deletion has committed: its figures (retired
ones too) with their renditions, its PDFs (replaced ones too) with their thumbnails. A receiver
of report_deleted deletes them (reports.renditions.receivers), never the action itself."""

import os

from django.conf import settings
from django.core.files.storage import default_storage

from reports.editorial import signals
from reports.editorial.actions import editing
from reports.editorial.actions.base import ActionRefused
from reports.editorial.actions.figures import FigureRow, stored_names
from reports.models import Figure, Report, ReportPDF
from reports.renditions.receivers import delete_report_files
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import make_report, make_user
from tests.pdfs import attach_pdf, pdf_bytes


def files_of(report_id):
    """Every storage name of the report's figures and PDFs, as the rows have them now."""
    names = [name for figure in Figure.objects.filter(report_id=report_id) for name in stored_names(figure)]
    pdfs = ReportPDF.objects.filter(report_id=report_id)
    return names + [field.name for pdf in pdfs for field in (pdf.file, pdf.thumbnail) if field]


class DeletedReportFilesTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor, cls.writer = make_user("editor"), make_user("writer")

    def setUp(self):
        super().setUp()
        self.report = self.with_files(make_report(slug="doomed"), "Doomed")
        self.other = self.with_files(make_report(slug="kept", start=(2020, 7, 1), end=(2020, 7, 7)), "Kept")
        self.names = files_of(self.report.pk)

    def with_files(self, report, text):
        """A live report with a retired figure and a replaced PDF, all rendered (after commit)."""
        with self.captureOnCommitCallbacks(execute=True):
            for size, note in (((400, 300), "Added the map."), ((500, 300), "Replaced the map.")):
                rows = [
                    FigureRow(figure, None, alt_text=figure.alt_text, delete=True) for figure in report.figures.all()
                ]
                rows.append(FigureRow(None, upload(image_bytes("PNG", size)), alt_text=f"Map of {text}"))
                editing.save_report(report, by=self.editor, tags=[], figures=rows, correction_note=note)
                attach_pdf(report, self.editor, pdf_bytes(f"{text} {size}"), note=note)
        return report

    def delete(self, report):
        with self.captureOnCommitCallbacks(execute=True):
            editing.delete_report(Report.objects.get(pk=report.pk), by=self.editor)

    def test_every_file_of_a_deleted_report_leaves_storage_and_its_folders_with_them(self):
        kinds = {name.rsplit("/", 1)[-1].split(".")[0] for name in self.names}
        self.assertTrue({"original", "w320", "card", "first-page"} <= kinds, kinds)
        self.assertEqual(Figure.objects.filter(report=self.report, retired_at__isnull=False).count(), 1)
        self.assertEqual(ReportPDF.objects.filter(report=self.report, replaced_at__isnull=False).count(), 1)
        self.assertTrue(all(default_storage.exists(name) for name in self.names))
        self.delete(self.report)
        self.assertEqual([name for name in self.names if default_storage.exists(name)], [])
        folders = {os.path.join(settings.MEDIA_ROOT, os.path.dirname(name)) for name in self.names}
        self.assertEqual([folder for folder in folders if os.path.exists(folder)], [])

    def test_the_other_reports_files_stay(self):
        others = files_of(self.other.pk)
        self.delete(self.report)
        self.assertTrue(all(default_storage.exists(name) for name in others))

    def test_nothing_is_deleted_before_the_deletion_commits_nor_when_it_is_refused(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            editing.delete_report(self.report, by=self.editor)
        self.assertTrue(all(default_storage.exists(name) for name in self.names))
        self.assertEqual(len(callbacks), 1)  # the signals, sent once it commits
        report = self.other
        names = files_of(report.pk)
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(ActionRefused):
            editing.delete_report(report, by=self.writer)
        self.assertTrue(all(default_storage.exists(name) for name in names))

    def test_the_receiver_deletes_them_not_the_action(self):
        signals.report_deleted.disconnect(dispatch_uid="delete-deleted-report-files")
        self.addCleanup(signals.report_deleted.connect, delete_report_files, dispatch_uid="delete-deleted-report-files")
        heard = []
        signals.report_deleted.connect(lambda sender, **kw: heard.append(kw["files"]), weak=False, dispatch_uid="heard")
        self.addCleanup(signals.report_deleted.disconnect, dispatch_uid="heard")
        self.delete(self.report)
        self.assertTrue(all(default_storage.exists(name) for name in self.names))
        self.assertEqual(sorted(heard[0]), sorted(self.names))

    def test_a_file_another_report_still_names_is_kept(self):
        lead = self.report.figures.current().get()
        Figure.objects.create(report=self.other, image=lead.image.name, alt_text="The same map", position=5)
        self.delete(self.report)
        self.assertTrue(default_storage.exists(lead.image.name))
        gone = [name for name in self.names if name != lead.image.name]
        self.assertEqual([name for name in gone if default_storage.exists(name)], [])
