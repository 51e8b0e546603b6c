"""A report's figures: adding, reordering, replacing and removing them (as part of saving the
report, editing.save_report), and recording the renditions the background task made.

Every stored file is re-encoded first, without its metadata (reports.imaging.checks). While
readers can see the report, a replaced or removed figure is retired, not deleted: the file
they saw stays at its own address. Otherwise the files it no longer uses are announced as
unused (signals.figure_files_unused) once the action has committed, and a receiver deletes them.
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.editorial import signals
from reports.editorial.actions.base import ActionRefused, editorial_action, lock
from reports.imaging.checks import ImageRefused, clean_image
from reports.models import Figure, Report, new_figure_key

TEXT_FIELDS = ("alt_text", "caption", "credit", "long_description")


class FigureRow(NamedTuple):
    """What a form asks of one figure: `figure` is the stored one (None for a new one),
    `upload` a new file for it (or None), `delete` whether to remove it."""

    figure: Figure | None
    upload: object
    alt_text: str = ""
    caption: str = ""
    credit: str = ""
    long_description: str = ""
    position: int = 0
    delete: bool = False


def stored_names(figure):
    """Every file a figure's row names: the original and its renditions."""
    return [figure.image.name, *(rendition["name"] for rendition in figure.renditions)]


def apply(report, rows, *, live, outcome):
    """Make the report's figures what `rows` say, inside the caller's action. Whether anything
    changed. `live`: readers can see the report, so old files are kept (retired)."""
    now = timezone.now()
    changed, unused, to_render = False, [], []
    current = {figure.pk: figure for figure in report.figures.current()}
    kept = []
    for index, row in enumerate(rows):
        figure = current.get(row.figure.pk) if row.figure is not None else None
        if row.figure is not None and figure is None:
            continue  # removed meanwhile by someone else
        if row.delete:
            if figure is not None:
                changed = True
                _retire_or_drop(figure, live=live, now=now, unused=unused)
            continue
        if figure is None and row.upload is None:
            continue  # an empty extra row
        kept.append((row.position, index, row, figure))
    # Two steps, so a reordering never meets the one-figure-per-position constraint halfway.
    staying = [figure.pk for _, _, _, figure in kept if figure is not None]
    for offset, pk in enumerate(staying):
        Figure.objects.filter(pk=pk).update(position=10_000 + offset)
    for position, (_, _, row, figure) in enumerate(sorted(kept, key=lambda item: item[:2])):
        if figure is None:
            figure = Figure(report=report)
            changed = True
        elif row.upload is not None:
            changed = True
            stored = Figure.objects.get(pk=figure.pk)
            figure.key, figure.renditions = new_figure_key(), []
            if live:  # the file readers saw stays at its address, on a retired copy of the row
                Figure.objects.filter(pk=figure.pk).update(key=figure.key)
                stored.pk, stored.retired_at = None, now
                stored.save()
            else:
                unused += stored_names(stored)
        texts = {name: (getattr(row, name) or "").strip() for name in TEXT_FIELDS}
        if figure.pk and (position != figure.position or any(getattr(figure, n) != v for n, v in texts.items())):
            changed = True
        for name, value in texts.items():
            setattr(figure, name, value)
        figure.position = position
        if row.upload is not None:
            store_upload(figure, row.upload)
            to_render.append(figure)
        try:
            figure.full_clean(exclude=["report", "image", "key"])
        except ValidationError as invalid:
            field = next(iter(invalid.message_dict), None) if hasattr(invalid, "error_dict") else None
            raise ActionRefused(" ".join(invalid.messages), field=field) from None
        figure.save()
    if to_render:
        outcome.announce(signals.figures_saved, Figure, report=report, figure_ids=[f.pk for f in to_render])
    if unused:
        outcome.announce(signals.figure_files_unused, Figure, names=unused)
    return changed


def store_upload(figure, upload):
    """Put the upload on `figure` as its original, re-encoded without metadata."""
    try:
        data, checked = clean_image(upload)
    except ImageRefused as refused:
        raise ActionRefused(str(refused), field="image") from None
    figure.width, figure.height = checked.width, checked.height
    figure.image.save(f"original.{checked.extension}", ContentFile(data), save=False)


def image_refusal(file):
    """Why an image file would be refused as a figure (or a thumbnail), or None: for checking
    an import's files before anything is written."""
    try:
        clean_image(file)
    except ImageRefused as refused:
        return str(refused)
    return None


def _retire_or_drop(figure, *, live, now, unused):
    if live:
        Figure.objects.filter(pk=figure.pk).update(retired_at=now)
    else:
        unused += stored_names(figure)
        figure.delete()


def record_renditions(figure_id, key, renditions):
    """Keep the renditions made of the file `key` on its figure (unless it has a new file by
    now: then they are announced unused). Readers' pages change if the report is public."""
    with editorial_action("renditions", actor=None) as outcome:
        figure = Figure.objects.select_for_update().filter(pk=figure_id, key=key).first()
        names = [rendition["name"] for rendition in renditions]
        if figure is None:
            outcome.announce(signals.figure_files_unused, Figure, names=names)
            return None
        old = [r["name"] for r in figure.renditions if r["name"] not in names]
        figure.renditions = renditions
        figure.save(update_fields=["renditions"])
        if old:
            outcome.announce(signals.figure_files_unused, Figure, names=old)
        if Report.objects.published().filter(pk=figure.report_id).exists():
            outcome.public_changed()
    return figure


def import_figures(report, rows, *, by=None):
    """Give a report that has no figures yet these (an import's files: see
    reports.importexport.files). Whether it did: a report with figures keeps them."""
    with editorial_action("import figures", actor=by) as outcome:
        report = lock(report)
        if report.figures.current().exists():
            return False
        apply(report, rows, live=False, outcome=outcome)
        if report.status == Report.Status.PUBLISHED:
            outcome.public_changed()
    return True
