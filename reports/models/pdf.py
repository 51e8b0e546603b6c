"""A report's PDF: the file as its publishers release it, and the facts readers are told about it.

A report has at most one current PDF (`replaced_at` empty). Replacing or removing the PDF of a
report readers have seen keeps the old one, marked replaced, so that its own address still
answers: readers cite files. The PDF's text is kept on the report (`Report.pdf_text`), where
search reads it. The first-page thumbnail is made later, by a background task
(reports.renditions.pdf_thumbnails); until then `thumbnail` is empty.
"""

import uuid
from typing import NamedTuple

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.utils.translation import gettext_lazy as _


def pdf_path(pdf, filename):
    # A fresh folder per upload: a file's name in storage never changes, nor is it reused.
    return f"reports/pdf/{uuid.uuid4().hex}/{pdf.report.slug or 'report'}.pdf"


def thumbnail_path(pdf, filename):
    return f"{pdf.file.name.rsplit('/', 1)[0]}/first-page.webp"


class ReportPDF(models.Model):
    report = models.ForeignKey("reports.Report", on_delete=models.CASCADE, related_name="pdfs")
    file = models.FileField(upload_to=pdf_path, max_length=300)
    original_name = models.CharField(max_length=255, help_text=_("The name the file had when it was uploaded."))
    size = models.PositiveBigIntegerField(help_text=_("In bytes."))
    page_count = models.PositiveIntegerField()
    thumbnail = models.FileField(upload_to=thumbnail_path, max_length=300, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When another PDF replaced it, or it was removed.")
    )

    class Meta:
        verbose_name = _("report PDF")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(replaced_at__isnull=True),
                name="report_pdf_one_current",
                violation_error_message="A report has one current PDF.",
            ),
            models.CheckConstraint(
                condition=Q(page_count__gte=1), name="report_pdf_has_pages", violation_error_message="A PDF has pages."
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_current(self):
        return self.replaced_at is None


def size_label(size):
    """A file size as readers read it: "950 bytes", "12 KB", "1.4 MB"."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class PdfRef(NamedTuple):
    """A report's current PDF as pages, feeds and the API show it: plain values only."""

    pk: int
    size: int
    page_count: int
    thumbnail: str  # the stored thumbnail's name, "" until the task has made it
    thumbnail_width: int | None
    thumbnail_height: int | None

    @property
    def size_display(self):
        return size_label(self.size)

    @property
    def label(self):
        pages = f"{self.page_count} page{'' if self.page_count == 1 else 's'}"
        return f"Download PDF ({pages}, {self.size_display})"


PDF_REF_FIELDS = PdfRef._fields


def current_pdf_json():
    """The current PDF of the report in the outer query, as one JSON object (or NULL)."""
    current = ReportPDF.objects.filter(report=OuterRef("pk"), replaced_at__isnull=True).order_by()
    return Subquery(
        current.values(data=JSONObject(**{name: name for name in PDF_REF_FIELDS}))[:1], output_field=models.JSONField()
    )


def pdf_ref(data):
    """A PdfRef from current_pdf_json()'s object, or None when the report has no PDF."""
    if not data:
        return None
    return PdfRef(**{**{name: data.get(name) for name in PDF_REF_FIELDS}, "thumbnail": data.get("thumbnail") or ""})
