"""PDFs made in the tests with pypdf: with words on their pages, encrypted, or scripted."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, StreamObject

PNG_BYTES = (  # a 1×1 PNG, for "a PNG renamed .pdf"
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def pdf_writer(*page_texts):
    """A writer with one A4 page per text, each text written on its page in Helvetica."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for text in page_texts or ("A report.",):
        page = writer.add_blank_page(595, 842)
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        content = StreamObject()
        content.set_data(f"BT /F1 18 Tf 72 760 Td ({escaped}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(content)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    return writer


def pdf_bytes(*page_texts, encrypt=None, javascript=None):
    writer = pdf_writer(*page_texts)
    if javascript:
        writer.add_open_action(JavaScript(javascript))
    if encrypt:
        writer.encrypt(encrypt)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def annotation_action_pdf():
    """A PDF whose only script is a link annotation's additional action (/AA)."""
    writer = pdf_writer("Click the link.")
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript")})
    action[NameObject("/JS")] = StreamObject()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/AA"): DictionaryObject({NameObject("/E"): action}),
        }
    )
    from pypdf.generic import ArrayObject, FloatObject

    annotation[NameObject("/Rect")] = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(10), FloatObject(10)])
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(data=None, name="report.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)


class TemporaryMedia:
    """Stored files go to a fresh folder, removed after the test class."""

    @classmethod
    def setUpClass(cls):
        import shutil
        import tempfile

        from django.test import override_settings

        cls._media = tempfile.mkdtemp(prefix="sitrep-media-")
        cls._media_settings = override_settings(MEDIA_ROOT=cls._media)
        cls._media_settings.enable()
        cls.addClassCleanup(shutil.rmtree, cls._media, ignore_errors=True)
        cls.addClassCleanup(cls._media_settings.disable)
        super().setUpClass()


def attach_pdf(report, by, data=None, *, note="", name="report.pdf"):
    """Give `report` a PDF through the editorial action, as the admin does."""
    from reports.editorial.actions import editing, pdfs

    return editing.save_report(
        report,
        by=by,
        tags=[tag.name for tag in report.tags.all()],
        correction_note=note,
        pdf=pdfs.PdfChange(pdf_upload(data, name=name)),
    )


def store_pdf(report, data):
    """Store a PDF and its thumbnail for `report` directly, as the action and the task would
    (for data set up without an editor)."""
    from django.core.files.base import ContentFile

    from reports.models import ReportPDF
    from reports.renditions.pdf_thumbnails import render_first_page
    from reports.text.pdfs import read_pdf

    facts = read_pdf(data)
    pdf = ReportPDF(report=report, original_name="report.pdf", size=facts.size, page_count=facts.page_count)
    pdf.file.save("report.pdf", ContentFile(data), save=False)
    image, pdf.thumbnail_width, pdf.thumbnail_height = render_first_page(data)
    pdf.thumbnail.save("first-page.webp", ContentFile(image), save=False)
    pdf.save()
    report.pdf_text = facts.text
    report.save(update_fields=["pdf_text"])
    return pdf
