"""A report's PDF: attaching, replacing and removing it (within save_report's action), and
keeping the first-page thumbnail the background task made.

Replacing or removing the PDF of a report readers have seen keeps the old file, marked
replaced, at its own address (readers cite files); the change needs a correction note while
the report is live. A PDF nobody outside the desk has seen is simply deleted.
"""

from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reports.editorial import signals
from reports.editorial.actions.base import ActionRefused, editorial_action
from reports.editorial.corrections import correction_required
from reports.models import CORRECTION_NOTE_MESSAGE, Report, ReportPDF
from reports.text.pdfs import PdfFacts, PdfRefused, read_pdf


class PdfChange(NamedTuple):
    """A new PDF (an uploaded file, with its facts when a form has read them already), or,
    with `upload` None, the removal of the current one."""

    upload: object = None
    facts: PdfFacts | None = None

    @property
    def removes(self):
        return self.upload is None


def check_note(report, correction_note):
    """A live report's PDF changes only with a correction note (like any change readers saw)."""
    if correction_required(report) and not correction_note.strip():
        raise ActionRefused(CORRECTION_NOTE_MESSAGE, field="correction_note")


def apply_change(report, change, *, outcome):
    """Within an action on the locked `report`: make `change`. Returns whether anything
    changed; announces report_pdf_changed after commit."""
    current = report.pdfs.filter(replaced_at__isnull=True).first()
    if change.removes and current is None:
        return False
    new, text = (None, "") if change.removes else new_pdf(report, change)
    if current is not None:
        retire(report, current)
    if new is not None:
        new.save()
    report.pdf_text = text
    report.save(update_fields=["pdf_text"])
    outcome.announce(signals.report_pdf_changed, Report, report=report, pdf=new)
    return True


def new_pdf(report, change):
    """The new ReportPDF (its file stored, the row not yet saved) and its text."""
    data = _bytes(change.upload)
    try:
        facts = change.facts or read_pdf(data)
    except PdfRefused as refused:
        raise ActionRefused(str(refused), field="pdf") from None
    pdf = ReportPDF(
        report=report,
        original_name=(getattr(change.upload, "name", "") or "report.pdf").rsplit("/", 1)[-1][:255],
        size=facts.size,
        page_count=facts.page_count,
    )
    pdf.file.save("report.pdf", ContentFile(data), save=False)
    return pdf, facts.text


def retire(report, pdf):
    """Readers may have fetched it: it stays, replaced. Otherwise it goes, with its files."""
    now = timezone.now()
    if report.first_published_at is not None and report.first_published_at <= now:
        pdf.replaced_at = now
        pdf.save(update_fields=["replaced_at"])
        return
    names = [field.name for field in (pdf.file, pdf.thumbnail) if field]
    storage = pdf.file.storage
    pdf.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _bytes(upload):
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def keep_thumbnail(pdf_id, image, *, width, height, extension="webp"):
    """Keep the first-page thumbnail the background task rendered (`image`: bytes) for PDF
    `pdf_id`. Readers see it on the report's page, so a live report's pages are renewed."""
    with editorial_action("pdf_thumbnail", actor=None) as outcome:
        pdf = ReportPDF.objects.select_for_update().select_related("report").filter(pk=pdf_id).first()
        if pdf is None:  # removed meanwhile
            return None
        old = pdf.thumbnail.name if pdf.thumbnail else None
        pdf.thumbnail.save(f"first-page.{extension}", ContentFile(image), save=False)
        pdf.thumbnail_width, pdf.thumbnail_height = width, height
        pdf.save(update_fields=["thumbnail", "thumbnail_width", "thumbnail_height"])
        if old and old != pdf.thumbnail.name:
            storage = pdf.thumbnail.storage
            transaction.on_commit(lambda: storage.delete(old))
        if pdf.report.status == Report.Status.PUBLISHED:
            outcome.public_changed()
    return pdf
