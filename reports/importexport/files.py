"""A report's files beside an export: `export_reports --files DIR` copies them into DIR and
the JSON names them (with their alt texts and captions, or their PDFs' dates); `import_reports
--files DIR` gives them back to the reports it imported.

Each kind of file is one FileKind, under its own key of the JSON's "files":

    "files": {"<report slug>": {"figures": [{"file": "<slug>/figure-1.png", "alt_text": …}, …],
                                "pdfs": [{"file": "<slug>/pdf-1.pdf", "replaced_at": null, …}, …]}}

An import checks every file first (check_files: each is in the folder and is what it says:
an image, a readable PDF), before it writes anything; then restore_files gives the reports
their files in one transaction, so a refusal leaves none half given.
"""

import shutil
from pathlib import Path
from typing import NamedTuple

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.dateparse import parse_datetime

from reports.editorial.actions import figures as figure_actions
from reports.editorial.actions import pdfs as pdf_actions
from reports.editorial.actions.base import ActionRefused
from reports.models import Report
from reports.text.pdfs import PdfRefused, read_pdf

FIGURE_FIELDS = ("alt_text", "caption", "credit", "long_description")


class FilesError(Exception):
    """A files folder that cannot be read or written; str() says why."""


def copy_out(name, target):
    """Copy the stored file `name` to the path `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with default_storage.open(name, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)


def file_of(record, key="file"):
    """The relative path a record names under `key`, or FilesError."""
    value = record.get(key) if isinstance(record, dict) else None
    if not isinstance(value, str) or not value:
        raise FilesError(f"A record of the files names no {key}: {str(record)[:80]}.")
    return value


def moment(record, key):
    """The date and time a record gives under `key` (None when it gives none), or FilesError."""
    value = record.get(key)
    if value is None:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise FilesError(f"{record['file']}: “{str(value)[:40]}” is not a date and time ({key}).")
    return parsed


class FigureFiles:
    name = "figures"

    def export(self, report, folder):
        records = []
        for number, figure in enumerate(report.figures.current(), start=1):
            relative = f"{report.slug}/figure-{number}.{figure.image.name.rsplit('.', 1)[-1]}"
            copy_out(figure.image.name, folder / relative)
            records.append({"file": relative, **{name: getattr(figure, name) for name in FIGURE_FIELDS}})
        return records

    def check(self, records, folder):
        """(path, record) for each figure, or FilesError: each file is an image sitrep takes."""
        checked = []
        for record in records:
            path = inside(folder, file_of(record))
            with open(path, "rb") as handle:
                reason = figure_actions.image_refusal(File(handle))
            if reason:
                raise FilesError(f"{record['file']}: {reason}")
            checked.append((path, record))
        return checked

    def restore(self, report, checked):
        opened = [open(path, "rb") for path, _ in checked]
        try:
            rows = [
                figure_actions.FigureRow(None, File(handle), **{n: str(record.get(n) or "") for n in FIGURE_FIELDS})
                for handle, (_, record) in zip(opened, checked, strict=True)
            ]
            return figure_actions.import_figures(report, rows)
        finally:
            for handle in opened:
                handle.close()


class CheckedPdf(NamedTuple):
    path: Path
    facts: object  # reports.text.pdfs.PdfFacts, as read from the file
    original_name: str
    uploaded_at: object
    replaced_at: object
    thumbnail: Path | None


class PdfFiles:
    """The report's PDFs, current and replaced (oldest first), with their thumbnails; page
    counts and text are read again from the files on import."""

    name = "pdfs"

    def export(self, report, folder):
        records = []
        for number, pdf in enumerate(report.pdfs.order_by("uploaded_at", "pk"), start=1):
            relative = f"{report.slug}/pdf-{number}.pdf"
            copy_out(pdf.file.name, folder / relative)
            record = {
                "file": relative,
                "original_name": pdf.original_name,
                "size": pdf.size,
                "page_count": pdf.page_count,
                "uploaded_at": pdf.uploaded_at.isoformat(),
                "replaced_at": pdf.replaced_at.isoformat() if pdf.replaced_at else None,
            }
            if pdf.thumbnail:
                record["thumbnail"] = f"{report.slug}/pdf-{number}-first-page.{pdf.thumbnail.name.rsplit('.', 1)[-1]}"
                copy_out(pdf.thumbnail.name, folder / record["thumbnail"])
            records.append(record)
        return records

    def check(self, records, folder):
        checked = []
        for record in records:
            path = inside(folder, file_of(record))
            try:
                facts = read_pdf(path.read_bytes())
            except PdfRefused as refused:
                raise FilesError(f"{record['file']}: {refused}") from None
            thumbnail = inside(folder, file_of(record, "thumbnail")) if record.get("thumbnail") else None
            if thumbnail is not None:
                with open(thumbnail, "rb") as handle:
                    if reason := figure_actions.image_refusal(File(handle)):
                        raise FilesError(f"{record['thumbnail']}: {reason}")
            name = str(record.get("original_name") or path.name)
            uploaded, replaced = moment(record, "uploaded_at"), moment(record, "replaced_at")
            checked.append(CheckedPdf(path, facts, name, uploaded, replaced, thumbnail))
        if sum(pdf.replaced_at is None for pdf in checked) > 1:
            raise FilesError(f"{', '.join(r['file'] for r in records)}: a report has one current PDF, these name more.")
        return checked

    def restore(self, report, checked):
        opened = []
        try:
            rows = []
            for pdf in checked:
                opened.append(upload := open(pdf.path, "rb"))
                thumbnail = None
                if pdf.thumbnail is not None:
                    opened.append(thumbnail := open(pdf.thumbnail, "rb"))
                files = (File(upload, name=pdf.path.name), File(thumbnail) if thumbnail else None)
                rows.append(pdf_actions.ImportedPdf(files[0], pdf.facts, pdf.original_name, pdf.uploaded_at,
                                                    pdf.replaced_at, files[1]))  # fmt: skip
            return pdf_actions.import_pdfs(report, rows)
        finally:
            for handle in opened:
                handle.close()


KINDS = (FigureFiles(), PdfFiles())


def inside(folder, relative):
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise FilesError(f"{relative} is not a file in {folder}.")
    return path


def export_files(reports, folder):
    """Copy the files of `reports` into `folder`; the "files" the JSON export names."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        document = {}
        for report in reports.order_by("slug"):
            kinds = {kind.name: records for kind in KINDS if (records := kind.export(report, folder))}
            if kinds:
                document[report.slug] = kinds
    except OSError as error:
        raise FilesError(f"{folder} cannot be written: {error.strerror}.") from None
    return document


def check_files(document, folder):
    """Every file an export's "files" names, checked: [(slug, kind, checked)], or FilesError
    saying which file is missing or refused and why. Reads, writes nothing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FilesError(f"{folder} is not a folder.")
    if not isinstance(document, dict):
        raise FilesError("The export's “files” are not as export_reports --files writes them.")
    checked = []
    try:
        for slug, kinds in document.items():
            if not isinstance(kinds, dict):
                raise FilesError(f"The files of {slug} are not as export_reports --files writes them.")
            for kind in KINDS:
                records = kinds.get(kind.name)
                if records is not None and not isinstance(records, list):
                    raise FilesError(f"The {kind.name} of {slug} are not a list.")
                if records:
                    checked.append((slug, kind, kind.check(records, folder)))
    except OSError as error:
        raise FilesError(f"A file in {folder} cannot be read: {error.strerror}.") from None
    return checked


def restore_files(checked):
    """Give the reports the files check_files checked, in one transaction; how many reports got
    any. A report the import did not write (refused, or skipped) is passed over."""
    restored = set()
    try:
        with transaction.atomic():
            for slug, kind, files in checked:
                report = Report.objects.filter(slug=slug).first()
                if report is None:
                    continue
                try:
                    if kind.restore(report, files):
                        restored.add(slug)
                except ActionRefused as refused:
                    raise FilesError(f"The {kind.name} of {slug}: {refused}") from None
    except OSError as error:
        raise FilesError(f"A file cannot be read: {error.strerror}.") from None
    return len(restored)
