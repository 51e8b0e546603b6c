"""Where a report's PDF and its thumbnail are fetched from, and what the report page says of them."""

from django.urls import reverse


def pdf_url(slug):
    """The current PDF's address: /reports/<slug>/<slug>.pdf. It does not change with edits."""
    return reverse("reports:pdf", kwargs={"slug": slug, "name": slug})


def pinned_pdf_url(slug, pdf_pk):
    """This very PDF's address, kept when it is replaced: /reports/<slug>/pdf/<pk>/<slug>.pdf."""
    return reverse("reports:pdf-version", kwargs={"slug": slug, "pk": pdf_pk, "name": slug})


def thumbnail_url(slug, pdf_pk):
    return reverse("reports:pdf-thumbnail", kwargs={"slug": slug, "pk": pdf_pk})


def pdf_block(pdf, slug, *, token=None, pinned=False):
    """The report page's "Download PDF" block for PdfRef `pdf` (None without one); through the
    preview link `token` when the page is a preview; `pinned`: linking this very file (a version's
    page), not whichever PDF is current."""
    if pdf is None:
        return None
    if token is None:
        url = pinned_pdf_url(slug, pdf.pk) if pinned else pdf_url(slug)
        thumbnail = thumbnail_url(slug, pdf.pk)
    else:
        url = reverse("reports:preview-pdf", kwargs={"token": token, "name": slug})
        thumbnail = reverse("reports:preview-pdf-thumbnail", kwargs={"token": token})
    return {
        "label": pdf.label,
        "url": url,
        "thumbnail_url": thumbnail if pdf.thumbnail else None,
        "width": pdf.thumbnail_width,
        "height": pdf.thumbnail_height,
    }
