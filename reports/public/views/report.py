"""One report's page, and its citation as files reference managers import."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.timezone import localtime
from django.views.generic import DetailView

from reports.caching.memo import kept_for_readers
from reports.editorial import permissions
from reports.models import AuthorRef, Report
from reports.public.citation import Citation
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
        # Staff may preview drafts, reports in review and scheduled reports; readers may not.
        reports = Report.objects.all() if self.can_preview() else Report.objects.published()
        # One query for the report, its tags and its neighbours in the series; one for its corrections.
        return reports.for_listing().with_neighbours().prefetch_related("corrections")

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
        try:
            return ReportPage.of(super().get_object())
        except Http404:
            return None

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
            citation = Citation(report, url, settings.SITE_NAME, today)
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
        context["byline_html"] = byline_html(AuthorRef(a.name, a.slug) for a in report.authors if a.is_person)
        context["previous_report"], context["next_report"] = report.neighbours
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


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
        reports = Report.objects.published().for_listing().with_neighbours().prefetch_related("corrections")
        report = reports.filter(slug=self.kwargs["slug"]).first()
        if report is None:
            raise Http404("No published report has this address.")
        return ReportPage.of(report)

    def render_to_response(self, context, **kwargs):
        report = self.object
        url = self.request.build_absolute_uri(report.get_absolute_url())
        citation = Citation(report, url, settings.SITE_NAME, timezone.localdate())
        content_type, extension = self.KINDS[self.kind]
        body = citation.ris if self.kind == "ris" else json.dumps([citation.csl_item()], ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{report.slug}.{extension}"'
        return response
