"""The renditions task: made by a worker (manage.py db_worker), never while a reader waits.

Until a figure's renditions are recorded its pages use the original (reports.public.media.pictures).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task

from reports.editorial.actions import figures as figure_actions
from reports.imaging.renditions import make_renditions
from reports.models import Figure


def rendition_name(key, rendition):
    stem = "card" if rendition.kind == "card" else f"w{rendition.width}"
    return f"{Figure.FILES_PREFIX}/{key}/{stem}.{rendition.extension}"


@task()
def render_figure(figure_id, key):
    """Make and store every rendition of figure `figure_id`'s file `key`, then record them."""
    figure = Figure.objects.filter(pk=figure_id, key=key).first()
    if figure is None:
        return 0  # replaced or removed before the worker came to it
    with figure.image.open("rb") as original:
        data = original.read()
    made = []
    for rendition in make_renditions(data):
        name = rendition_name(key, rendition)
        if default_storage.exists(name):
            default_storage.delete(name)  # a rerun makes the same names
        stored = default_storage.save(name, ContentFile(rendition.data))
        made.append({"kind": rendition.kind, "ext": rendition.extension, "width": rendition.width,
                     "height": rendition.height, "name": stored})  # fmt: skip
    figure_actions.record_renditions(figure_id, key, made)
    return len(made)
