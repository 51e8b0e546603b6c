import io

from django.core.management.base import BaseCommand, CommandError

from reports.importexport import exporting
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

    def handle(self, *args, format, status, output, **options):
        reports = Report.objects.all()
        if status:
            reports = reports.filter(status__in=status)
        rows = exporting.report_rows(reports)
        write = exporting.write_json if format == "json" else exporting.write_csv
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
