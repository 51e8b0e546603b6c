"""One report's page, and its citation as files reference managers import."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.timezone import localtime
from django.views.generic import DetailView

from reports.caching import compiled
from reports.caching.memo import kept_for_readers
from reports.editorial import permissions
from reports.models import AuthorRef, Report
from reports.models.correction import corrections_json
from reports.public.citation import Citation, CitedVersion
from reports.public.editions.translations import alternates, report_url_in, x_default
from reports.public.editions.versions import version_url
from reports.public.media.pdf_links import pdf_block
from reports.public.report_page import ReportPage
from reports.public.summaries import byline_html, tag_links
from reports.text.periods import format_day


class ReportDetailView(DetailView):
    query_parameters = ()
    template_name = "reports/report_detail.html"
    context_object_name = "report"

    def can_preview(self):
        return permissions.may_read_drafts(self.request.user)

    def get_queryset(self):
        return self.reports(drafts=self.can_preview())

    def reports(self, drafts):
        # Staff may preview drafts, reports in review and scheduled reports; readers may not.
        reports = Report.objects.all() if drafts else Report.objects.published()
        # One query for the report with its tags, neighbours in the series, versions and corrections.
        reports = reports.for_listing().with_neighbours().with_versions().with_pdf().with_translations()
        return reports.annotate(correction_data=corrections_json())

    def get_object(self, queryset=None):
        if queryset is not None:
            return super().get_object(queryset)
        # What readers see of a report, with its tags, neighbours and corrections, holds until
        # the public site next changes; a slug no reader can see is looked up each time.
        report = kept_for_readers(self.request, "report", self.kwargs["slug"], self._report_or_none)
        if report is None:
            raise Http404("No published report has this address.")
        return report

    def _report_or_none(self):
        # Compiled once per process (reports.caching.compiled): only the slug and the moment change.
        found = compiled.run("report page", self._report, slug=self.kwargs["slug"], drafts=self.can_preview())
        return ReportPage.of(found[0]) if found else None

    def _report(self, slug, drafts):
        return self.reports(drafts).filter(slug=slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["is_preview"] = not report.is_public
        archive_url = reverse("reports:archive")
        context["series_url"] = f"{archive_url}?{urlencode({'series': report.series.slug})}"
        context["report_tags"] = tag_links(report.tag_list, archive_url)
        # Moments as the page prints them, in the site's time zone, formatted here: Django's
        # date filter costs about ten times as much, and the page prints five.
        if report.first_published_at:
            published = localtime(report.first_published_at)
            context["published"] = {
                "iso": published.isoformat(),
                "machine": published.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "day": format_day(published),
            }
        context["modified_iso"] = localtime(report.last_modified).isoformat()
        if report.is_public:
            url = self.request.build_absolute_uri(report.get_absolute_url())
            today = timezone.localdate()
            context["accessed_day"] = format_day(today)
            citation = Citation(report, url, settings.SITE_NAME, today, self.cited_version(report))
            series_url = self.request.build_absolute_uri(context["series_url"])
            author_url = self.request.build_absolute_uri
            lead = report.lead_figure
            card = self.request.build_absolute_uri(lead.card_url) if lead and lead.card_url else None
            context.update(
                canonical_url=url,
                citation=citation,
                card_url=card,
                json_ld=citation.json_ld(series_url, lambda author: author_url(author_page(author.slug)), card),
                highwire_tags=citation.highwire_tags(),
            )
        context["cite_files"] = self.cite_files(report)
        context.update(translation_context(report, self.request.build_absolute_uri))
        context["byline_html"] = byline_html(AuthorRef(a.name, a.slug) for a in report.authors if a.is_person)
        context["previous_report"], context["next_report"] = report.neighbours
        context["pdf"] = self.pdf_block(report)
        return context

    def cited_version(self, report):
        """The version a citation on this page cites: the current one."""
        return cited_version(self.request, report, report.current_version)

    def cite_files(self, report):
        """The addresses of the RIS and CSL-JSON downloads of this page's citation."""
        return cite_files("reports:cite-{}", report.slug)

    def pdf_block(self, report):
        return pdf_block(report.pdf, report.slug)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


def cited_version(request, report, version):
    """A VersionRef of `report` as a citation names it, or None."""
    if version is None:
        return None
    url = request.build_absolute_uri(version_url(report.slug, version.number))
    return CitedVersion(version.number, timezone.localdate(version.published_at), url)


CITE_KINDS = ("ris", "csl-json")


def cite_files(name_pattern, *arguments):
    """{"ris": …, "csl_json": …}: the addresses of a citation's downloads, by URL name: one
    address in every language (citation files are not translated)."""
    with translation.override("en"):
        return {kind.replace("-", "_"): reverse(name_pattern.format(kind), args=arguments) for kind in CITE_KINDS}


def translation_context(report, absolute):
    """The report's language versions: the `hreflang` alternates (absolute, itself included, and
    x-default) when it has translations, "Also in" links to the others, and for a translation
    whose original was corrected after it was made, the original to read."""
    versions = alternates(report, absolute)
    if len(versions) < 2:
        return {"alternates": [], "also_in": []}
    context = {
        "alternates": versions,
        "x_default": x_default(report, absolute),
        "also_in": [version for version in versions if version.language != report.language],
    }
    original = next((t for t in report.translations if t.is_original), None)
    if report.original_corrected_at and original is not None:
        context["original_corrected"] = {
            "at": localtime(report.original_corrected_at),
            "url": report_url_in(original.language, original.slug),
            "language": original.language,
        }
    return context


def author_page(slug):
    return reverse("reports:author", kwargs={"slug": slug})


class CitationFileView(DetailView):
    """/reports/<slug>/cite.ris and cite.json: the citation as a file to import, for readers."""

    query_parameters = ()
    kind = "ris"  # or "csl-json"
    KINDS = {
        "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
        "csl-json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
    }

    def get_object(self, queryset=None):
        reports = Report.objects.published().for_listing().with_neighbours()
        reports = reports.with_versions().with_pdf().with_translations()
        report = reports.prefetch_related("corrections").filter(slug=self.kwargs["slug"]).first()
        if report is None:
            raise Http404("No published report has this address.")
        page = ReportPage.of(report)
        self.version = cited_version(self.request, page, page.current_version)
        return page

    def render_to_response(self, context, **kwargs):
        report = self.object
        url = self.request.build_absolute_uri(report.get_absolute_url())
        citation = Citation(report, url, settings.SITE_NAME, timezone.localdate(), self.version)
        content_type, extension = self.KINDS[self.kind]
        body = citation.ris if self.kind == "ris" else json.dumps([citation.csl_item()], ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{report.slug}.{extension}"'
        return response
