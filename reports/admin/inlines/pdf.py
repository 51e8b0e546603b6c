"""The report's PDF on its change form: the upload field, checked by reading it (pypdf), the
"Remove the PDF" box, and the current PDF as a link. The change itself is part of the save's
one editorial action (editing.save_report(..., pdf=form.pdf_change()))."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.editorial.actions import pdfs
from reports.public.media import pdf_links
from reports.text.pdfs import PdfRefused, read_pdf


class PdfFormMixin(forms.Form):
    pdf = forms.FileField(
        required=False,
        label=_("PDF"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_(
            "The whole report as a PDF, as readers will download it (no encryption, no JavaScript). "
            "Choosing a file replaces the current PDF; a published report's old PDF stays at its own address."
        ),
    )
    remove_pdf = forms.BooleanField(required=False, label=_("Remove the PDF"))
    pdf_facts = None  # what clean_pdf read from the upload

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload:
            try:
                self.pdf_facts = read_pdf(upload.read())
            except PdfRefused as refused:
                raise forms.ValidationError(str(refused), code="pdf") from None
            upload.seek(0)
        return upload

    def pdf_change(self):
        """The PDF this form attaches or removes (a pdfs.PdfChange), or None."""
        cleaned = getattr(self, "cleaned_data", {})
        if cleaned.get("pdf") and self.pdf_facts is not None:
            return pdfs.PdfChange(cleaned["pdf"], self.pdf_facts)
        if cleaned.get("remove_pdf") and self.instance.pk and self.instance.pdf is not None:
            return pdfs.PdfChange()
        return None


class CurrentPdfMixin:
    @admin.display(description=_("current PDF"))
    def current_pdf(self, report):
        pdf = report.pdf if report.pk else None
        if pdf is None:
            return gettext("No PDF")
        thumbnail = "" if pdf.thumbnail else " " + gettext("(its thumbnail is being made)")
        return format_html(
            '<a href="{}">{}</a>{}', pdf_links.pdf_url(report.slug), pdf.label.removeprefix("Download "), thumbnail
        )
