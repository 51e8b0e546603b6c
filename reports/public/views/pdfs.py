"""A report's PDF and its first-page thumbnail, as files to fetch.

/reports/<slug>/<slug>.pdf is the current PDF, under the report's own name;
/reports/<slug>/pdf/<n>/<slug>.pdf is one PDF for good (a replaced one stays there: readers
cite files), and /reports/<slug>/pdf/<n>/first-page.webp its thumbnail. Readers get the files
of published reports only (404 otherwise); staff also those of drafts, reports in review and
scheduled reports, and a preview link's holder its report's current PDF at
/preview/<token>/<slug>.pdf. Files are read through Django's default storage (local or S3),
as attachments, never sniffed and sandboxed.
"""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views import View

from reports.editorial import permissions
from reports.models import PreviewLink, Report, ReportPDF
from reports.public.views.previews import ROBOTS, TOKEN

# No script, plugin, form or frame may run from a served file, even if a browser renders it.
SANDBOX_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"
PUBLIC_MAX_AGE = 300


def stored_file_response(name, *, content_type, filename=None, public):
    """The stored file `name` from the default storage, with the headers every served file has."""
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("This file is no longer stored.") from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=filename is not None, filename=filename or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        response["X-Robots-Tag"] = ROBOTS
    return response


class ReportFileView(View):
    """A report's PDF (`thumbnail` False) or its thumbnail, by the report's slug."""

    query_parameters = ()
    thumbnail = False

    def get(self, request, slug, name=None, pk=None):
        if name is not None and name != slug:
            raise Http404("A report's PDF is named after the report.")
        readers = Report.objects.published()
        reports = Report.objects.all() if permissions.may_read_drafts(request.user) else readers
        report = get_object_or_404(reports.only("pk", "slug", "status", "published_at"), slug=slug)
        pdfs = ReportPDF.objects.filter(report=report)
        pdf = get_object_or_404(pdfs, pk=pk) if pk is not None else get_object_or_404(pdfs, replaced_at__isnull=True)
        return serve(pdf, slug, thumbnail=self.thumbnail, public=report.is_public)


class PreviewFileView(View):
    """The current PDF (or thumbnail) of a preview link's report, whatever its status."""

    query_parameters = ()
    thumbnail = False

    def get(self, request, token, name=None):
        link = (
            PreviewLink.objects.select_related("report").filter(token=token).first() if TOKEN.fullmatch(token) else None
        )
        if link is None or link.is_revoked or link.is_expired:
            raise Http404("This preview link is not valid.")
        if name is not None and name != link.report.slug:
            raise Http404("A report's PDF is named after the report.")
        pdf = get_object_or_404(ReportPDF, report=link.report, replaced_at__isnull=True)
        return serve(pdf, link.report.slug, thumbnail=self.thumbnail, public=False)


def serve(pdf, slug, *, thumbnail, public):
    if thumbnail:
        if not pdf.thumbnail:
            raise Http404("The thumbnail is not made yet.")
        return stored_file_response(pdf.thumbnail.name, content_type="image/webp", public=public)
    return stored_file_response(pdf.file.name, content_type="application/pdf", filename=f"{slug}.pdf", public=public)
