import json

from django.core.management.base import BaseCommand, CommandError

from reports.editorial.actions.workflow import TransitionRefused
from reports.importexport import planning, reading
from reports.importexport.files import FilesError, check_files, restore_files
from reports.importexport.records import SourceError
from reports.importexport.writing import apply_plan

# More reports than this in a file and the import shows a progress bar.
PROGRESS_THRESHOLD = 300


class ProgressBar:
    """One line on a stream, redrawn in place: 'Writing   [#######.......]  5000/10000'."""

    WIDTH = 30

    def __init__(self, out, label, total):
        self.out, self.label, self.total, self.shown = out, label, total, -1

    def __call__(self, done):
        filled = self.WIDTH * done // self.total if self.total else self.WIDTH
        if filled == self.shown:
            return
        self.shown = filled
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.out.write(f"\r{self.label:<9} [{bar}] {done:>{len(str(self.total))}}/{self.total}", ending="")
        if done >= self.total:
            self.out.write("")
        self.out.flush()


class Command(BaseCommand):
    help = (
        "Import reports from a back-catalogue listing (UTF-8 text: the series heading, then a title "
        "line and a summary paragraph for each report) or from a file export_reports wrote (.json, "
        ".csv). Reports are identified by series and period: importing again changes nothing, and a "
        "changed text is updated in place. All or nothing, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the listing (.txt) or export (.json, .csv) to import")
        parser.add_argument(
            "--series", help="listings: the series to import into (created if missing); default: the heading"
        )
        parser.add_argument(
            "--status",
            choices=["draft", "published"],
            help="listings: import as drafts (the default) or as published reports",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would be created, updated and refused; write nothing"
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid reports even if some are refused"
        )
        parser.add_argument(
            "--files",
            metavar="DIR",
            help="the folder export_reports --files wrote: give the reports their figures and PDFs",
        )

    def handle(self, *args, file, series, status, dry_run, skip_invalid, verbosity, files=None, **options):
        try:
            source = reading.read_source(file, series_name=series, status=status)
        except SourceError as error:
            raise CommandError(str(error)) from None
        total = len(source.reports)
        show_progress = total > PROGRESS_THRESHOLD and verbosity > 0
        checking = ProgressBar(self.stderr, "Checking", total) if show_progress else None
        plan = planning.plan_import(source, progress=checking)

        # The files are checked before anything is written: a missing or bad one stops it all.
        checked_files = self.check_files(file, files) if files else None
        if dry_run:
            self.show_plan(plan)
        for refusal in plan.refused:
            self.stderr.write(str(refusal))
        if dry_run:
            self.stdout.write(plan.counts())
            self.stdout.write("Dry run: nothing was written.")
            if plan.refused and not skip_invalid:
                self.stdout.write("With refused reports and without --skip-invalid, the import would write nothing.")
            return
        if plan.refused and not skip_invalid:
            self.stdout.write(plan.counts(written=False))
            raise CommandError(
                f"Nothing was written: {len(plan.refused)} refused (listed above). Correct the file and import "
                "it again, or import the others with --skip-invalid."
            )

        work = len(plan.created) + len(plan.updated)
        writing = ProgressBar(self.stderr, "Writing", work) if show_progress and work else None
        try:
            apply_plan(plan, note=f"Imported from {source.name}", progress=writing)
        except TransitionRefused as refused:
            raise CommandError(f"Nothing was written: {refused}") from None
        if verbosity > 1:
            for new in plan.created:
                self.stdout.write(f"created: {new.title}")
            for update in plan.updated:
                self.stdout.write(f"updated: {update.report.title} ({', '.join(update.changes)})")
        self.stdout.write(plan.counts())
        if checked_files is not None:
            try:
                restored = restore_files(checked_files)
            except FilesError as error:
                raise CommandError(f"No files were given (the reports were written): {error}") from None
            self.stdout.write(f"files: {restored} report{'s' if restored != 1 else ''} given their files")

    def check_files(self, file, folder):
        try:
            with open(file, encoding="utf-8") as source:
                document = json.load(source).get("files", {})
        except (OSError, ValueError, AttributeError):
            raise CommandError(f"{file} names no files: --files reads a JSON export written with --files.") from None
        try:
            return check_files(document, folder)
        except FilesError as error:
            raise CommandError(f"Nothing was written: {error}") from None

    def show_plan(self, plan):
        for new in plan.created:
            tags = f"  [tags: {', '.join(new.tags)}]" if new.tags else ""
            self.stdout.write(f"would create: {new.title}{tags}")
        for update in plan.updated:
            self.stdout.write(f"would update: {update.report.title}")
            for name, (old, new) in update.changes.items():
                for line in planning.text_diff(name, old, new):
                    self.stdout.write(f"    {line}")
