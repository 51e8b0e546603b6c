import io
from functools import partial

from django.core.management.base import BaseCommand, CommandError

from reports.importexport import exporting
from reports.importexport.files import FilesError, export_files
from reports.models import Report


class Command(BaseCommand):
    help = (
        "Write every report with its series, period, texts, tags, status and dates, as JSON or CSV, "
        "to standard output or a file. import_reports reads both back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="default: json")
        parser.add_argument(
            "--status",
            action="append",
            choices=Report.Status.values,
            help="only reports in this status (published includes scheduled); may be repeated",
        )
        parser.add_argument("--output", "-o", help="write to this file instead of standard output")
        parser.add_argument(
            "--files",
            metavar="DIR",
            help="JSON only: also copy each report's figures and PDFs into DIR (the JSON names them)",
        )

    def handle(self, *args, format, status, output, files, **options):
        reports = Report.objects.all()
        if status:
            reports = reports.filter(status__in=status)
        rows = exporting.report_rows(reports)
        write = exporting.write_json if format == "json" else exporting.write_csv
        if files:
            if format != "json":
                raise CommandError("--files needs --format json: a CSV has nowhere to name the files.")
            try:
                document = export_files(reports, files)
            except FilesError as error:
                raise CommandError(str(error)) from None
            write = partial(exporting.write_json, files=document)
        if not output:
            text = io.StringIO()
            write(rows, text)
            self.stdout.write(text.getvalue(), ending="")
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as out:
                write(rows, out)
        except OSError as error:
            raise CommandError(f"{output} cannot be written: {error.strerror}.") from None
