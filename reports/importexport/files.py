"""A report's files beside an export: `export_reports --files DIR` copies them into DIR and
the JSON names them (with their alt texts and captions); `import_reports --files DIR` gives
them back to the reports it imported.

Each kind of file is one FileKind, under its own key of the JSON's "files":

    "files": {"<report slug>": {"figures": [{"file": "<slug>/figure-1.png", "alt_text": …}, …]}}

The PDF becomes a second kind (export: its records; restore: hand them to its action).
"""

import shutil
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

from reports.editorial.actions import figures as figure_actions
from reports.models import Report

FIGURE_FIELDS = ("alt_text", "caption", "credit", "long_description")


class FilesError(Exception):
    """A files folder that cannot be read or written; str() says why."""


class FigureFiles:
    name = "figures"

    def export(self, report, folder):
        records = []
        for number, figure in enumerate(report.figures.current(), start=1):
            relative = f"{report.slug}/figure-{number}.{figure.image.name.rsplit('.', 1)[-1]}"
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(figure.image.name, "rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            records.append({"file": relative, **{name: getattr(figure, name) for name in FIGURE_FIELDS}})
        return records

    def restore(self, report, records, folder):
        opened = [open(inside(folder, record["file"]), "rb") for record in records]
        try:
            rows = [
                figure_actions.FigureRow(None, File(handle), **{n: record.get(n, "") for n in FIGURE_FIELDS})
                for handle, record in zip(opened, records, strict=True)
            ]
            return figure_actions.import_figures(report, rows)
        finally:
            for handle in opened:
                handle.close()


KINDS = (FigureFiles(),)


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


def import_files(document, folder):
    """Give the imported reports the files an export's "files" names; how many reports got them."""
    folder, restored = Path(folder), 0
    if not folder.is_dir():
        raise FilesError(f"{folder} is not a folder.")
    for slug, kinds in (document or {}).items():
        report = Report.objects.filter(slug=slug).first()
        if report is None:
            continue  # refused or skipped by the import: it has no report to give them to
        try:
            restored += any([kind.restore(report, kinds[kind.name], folder) for kind in KINDS if kind.name in kinds])
        except OSError as error:
            raise FilesError(f"A file in {folder} cannot be read: {error.strerror}.") from None
    return restored
