"""The first-page thumbnail of a report's PDF: rendered by a background task (django-tasks),
enqueued by a receiver of report_pdf_changed once the upload has committed; never while an
editor or a reader waits.

pypdfium2 renders the first page, Pillow scales it to THUMBNAIL_WIDTH and encodes it as WebP;
the editorial action pdfs.keep_thumbnail stores it (and renews a live report's pages).
"""

import io
import logging

import pypdfium2
from django_tasks import task
from PIL import Image

from reports.editorial import signals
from reports.editorial.actions import pdfs
from reports.models import ReportPDF

logger = logging.getLogger(__name__)
THUMBNAIL_WIDTH = 240  # CSS pixels shown at 120; twice that for dense screens


def render_first_page(data: bytes, width=THUMBNAIL_WIDTH):
    """The first page of the PDF in `data` as WebP bytes, with its width and height."""
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
    finally:
        document.close()
    if image.width != width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, "WEBP", quality=80, method=4)
    return out.getvalue(), image.width, image.height


@task()
def make_pdf_thumbnail(pdf_id: int):
    pdf = ReportPDF.objects.filter(pk=pdf_id).first()
    if pdf is None:  # removed before the task ran
        return False
    with pdf.file.open("rb") as stored:
        data = stored.read()
    image, width, height = render_first_page(data)
    pdfs.keep_thumbnail(pdf_id, image, width=width, height=height)
    return True


def enqueue_thumbnail(sender, pdf=None, **kwargs):
    if pdf is not None:
        make_pdf_thumbnail.enqueue(pdf.pk)


signals.report_pdf_changed.connect(enqueue_thumbnail, dispatch_uid="pdf_thumbnail")
