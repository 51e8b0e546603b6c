"""Receivers of the figures' signals (reports.editorial.signals): a saved figure's renditions
are queued for a worker; files no figure uses are deleted from storage."""

import logging

from django.core.files.storage import default_storage
from django.dispatch import receiver

from reports.editorial import signals
from reports.models import Figure
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
