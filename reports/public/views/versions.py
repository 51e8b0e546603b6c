"""/reports/<slug>/v/<n>/: a published state of a report, at an address that never changes.

The page shows the report as it was then, under a banner linking to the current version and
listing the corrections made since. The current version's page says so and is served at its
own address (no redirect: the address a reader cites must keep showing what they read, and
after the next correction it will no longer be the current one).

Canonical link: the current version's page is the report's page under another address, so its
canonical is the report's address (search engines count them once). A superseded version is
not a duplicate of anything, yet readers searching should land on the current text: it says
`noindex` (and names no canonical, which would contradict it), as encyclopaedias do for old
revisions. Neither is in the sitemap, which lists canonical pages only.

A report whose slug changed keeps its old versions' addresses: /reports/<old slug>/v/<n>/
answers 301 to the same version at the report's address now.
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from reports.caching.memo import kept_for_readers
from reports.public.citation import CitedVersion
from reports.public.editions.versions import is_gone, moved_to, version_page
from reports.public.media.pdf_links import pdf_block
from reports.public.views.report import CitationFileView, ReportDetailView, cite_files

ROBOTS_SUPERSEDED = "noindex, follow"


class ReportVersionView(ReportDetailView):
    template_name = "reports/report_version.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            slug, number = kwargs["slug"], int(kwargs["number"])
            moved = moved_to(slug, number)
            if moved:
                return HttpResponsePermanentRedirect(moved)
            if not is_gone(slug, number):
                raise
            context = {"slug": kwargs["slug"], "number": kwargs["number"], "site_name": settings.SITE_NAME}
            return TemplateResponse(request, "reports/version_gone.html", context, status=410)

    def get_object(self, queryset=None):
        slug, number = self.kwargs["slug"], int(self.kwargs["number"])
        self.version = kept_for_readers(self.request, "version", (slug, number), lambda: version_page(slug, number))
        if self.version is None:
            raise Http404("No published version of a report has this address.")
        return self.version.report

    def cited_version(self, report):
        return cited(self.request, self.version)

    def pdf_block(self, report):
        # The PDF this state had, at that file's own address (kept when it is replaced).
        return pdf_block(report.pdf, report.slug, pinned=True)

    def cite_files(self, report):
        return cite_files("reports:version-cite-{}", report.slug, self.version.number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.version
        context.update(
            version=version,
            report_url=version.report.get_absolute_url(),
            json_ld=None,  # the report's page describes the report; this one is a state of it
            canonical_url=context["canonical_url"] if version.is_current else None,
        )
        citation = context["citation"]
        context["highwire_tags"] = [
            (name, citation.cited_url if name == "citation_abstract_html_url" else content)
            for name, content in context["highwire_tags"]
        ]
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.version.is_current:
            response["X-Robots-Tag"] = ROBOTS_SUPERSEDED
        return response


class VersionCitationFileView(CitationFileView):
    """/reports/<slug>/v/<n>/cite.ris and cite.json: that version's citation as a file."""

    def get_object(self, queryset=None):
        slug, number = self.kwargs["slug"], int(self.kwargs["number"])
        version = version_page(slug, number)
        if version is None:
            raise Http404("No published version of a report has this address.")
        self.version = cited(self.request, version)
        return version.report


def cited(request, version):
    """A VersionPage as a citation names it."""
    url = request.build_absolute_uri(version.get_absolute_url())
    return CitedVersion(version.number, timezone.localdate(version.published_at), url)
