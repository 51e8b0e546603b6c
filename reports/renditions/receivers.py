"""Receivers of the figures' signals (reports.editorial.signals): a saved figure's renditions
are queued for a worker; files no figure uses are deleted from storage, and so are a deleted
report's files (its figures, their renditions, its PDFs and their thumbnails)."""

import logging
import os

from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import Q
from django.dispatch import receiver

from reports.editorial import signals
from reports.models import FIGURES_PREFIX, Figure, ReportPDF
from reports.renditions.tasks import render_figure

logger = logging.getLogger(__name__)


@receiver(signals.figures_saved, dispatch_uid="render-saved-figures")
def queue_renditions(sender, figure_ids, **kwargs):
    for figure in Figure.objects.filter(pk__in=figure_ids).only("pk", "key"):
        render_figure.enqueue(figure.pk, figure.key)


@receiver(signals.figure_files_unused, dispatch_uid="delete-unused-figure-files")
def delete_unused_files(sender, names, **kwargs):
    still_used = set(Figure.objects.filter(image__in=names).values_list("image", flat=True))
    for name in names:
        if name and name not in still_used:
            default_storage.delete(name)


@receiver(signals.report_deleted, dispatch_uid="delete-deleted-report-files")
def delete_report_files(sender, files=(), **kwargs):
    """Once the deletion has committed: delete the report's files that no other row names
    (another report's figure in the same folder, a PDF sharing the file), one by one, so that
    one failing does not keep the others."""
    names = [name for name in files if name]
    used = still_used(names)
    for name in names:
        if name in used:
            continue
        try:
            default_storage.delete(name)
            remove_empty_folder(name)
        except Exception:  # a storage that is down: the file stays, the deletion holds
            logger.exception("Could not delete %s, a file of deleted report %s", name, kwargs.get("report_id"))


def figure_key(name):
    parts = name.split("/")
    return parts[1] if len(parts) == 3 and parts[0] == FIGURES_PREFIX else None


def still_used(names):
    """Those of `names` that a remaining figure or PDF still names (or keeps in its folder)."""
    used = set(Figure.objects.filter(image__in=names).values_list("image", flat=True))
    pdfs = ReportPDF.objects.filter(Q(file__in=names) | Q(thumbnail__in=names)).values_list("file", "thumbnail")
    used.update(name for pair in pdfs for name in pair)
    keys = {key for name in names if (key := figure_key(name))}
    live_keys = set(Figure.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    used.update(name for name in names if figure_key(name) in live_keys)
    return used


def remove_empty_folder(name):
    """On the local disk, the file's folder (figures/<key>/, reports/pdf/<id>/) once it is empty."""
    if not isinstance(default_storage, FileSystemStorage):  # an object store keeps no folders
        return
    folder = os.path.dirname(default_storage.path(name))
    if os.path.isdir(folder) and not os.listdir(folder):
        os.rmdir(folder)
