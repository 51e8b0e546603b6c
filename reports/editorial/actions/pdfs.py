"""A report's PDF: attaching, replacing and removing it (within save_report's action),
keeping the first-page thumbnail the background task made, and giving an imported report the
PDFs an export holds (import_pdfs).

Replacing or removing the PDF of a report readers have seen keeps the old file, marked
replaced, at its own address (readers cite files); the change needs a correction note while
the report is live. A PDF nobody outside the desk has seen is simply deleted.
"""

import datetime
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reports.editorial import signals
from reports.editorial.actions.base import ActionRefused, editorial_action, lock
from reports.editorial.corrections import correction_required
from reports.imaging.checks import ImageRefused, clean_image
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


class ImportedPdf(NamedTuple):
    """One PDF of an export (reports.importexport.files): the open file, its facts as read from
    it, and what the export says of it; `thumbnail` an open image file, or None."""

    upload: object
    facts: PdfFacts
    original_name: str
    uploaded_at: datetime.datetime | None
    replaced_at: datetime.datetime | None
    thumbnail: object = None


def import_pdfs(report, rows, *, by=None):
    """Give a report that has no PDF yet the PDFs `rows` (ImportedPdf, oldest first; at most
    one not replaced: the current one, whose text search reads). Whether it did: a report with
    PDFs keeps them. Each PDF without a thumbnail is announced, so the task makes one."""
    with editorial_action("import pdfs", actor=by) as outcome:
        report = lock(report)
        if report.pdfs.exists():
            return False
        if sum(row.replaced_at is None for row in rows) > 1:
            raise ActionRefused("A report has one current PDF; these name more.", field="pdf")
        for row in rows:
            pdf, text = new_pdf(report, PdfChange(row.upload, row.facts))
            pdf.original_name = (row.original_name or pdf.original_name)[:255]
            pdf.replaced_at = row.replaced_at
            if row.thumbnail is not None:
                _store_thumbnail(pdf, row.thumbnail)
            pdf.save()
            if row.uploaded_at is not None:  # auto_now_add: only an update keeps the original moment
                ReportPDF.objects.filter(pk=pdf.pk).update(uploaded_at=row.uploaded_at)
            if row.replaced_at is None:
                report.pdf_text = text
            if not pdf.thumbnail:
                outcome.announce(signals.report_pdf_changed, Report, report=report, pdf=pdf)
        report.save(update_fields=["pdf_text"])
        if report.status == Report.Status.PUBLISHED:
            outcome.public_changed()
    return True


def _store_thumbnail(pdf, image):
    try:
        data, checked = clean_image(image)
    except ImageRefused as refused:
        raise ActionRefused(f"The thumbnail of {pdf.original_name}: {refused}", field="pdf") from None
    pdf.thumbnail.save(f"first-page.{checked.extension}", ContentFile(data), save=False)
    pdf.thumbnail_width, pdf.thumbnail_height = checked.width, checked.height
