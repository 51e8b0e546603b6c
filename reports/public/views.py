import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Max, Min
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from reports.caching.memo import kept_for_readers, per_generation
from reports.caching.vocabulary import published_vocabulary
from reports.editorial import permissions
from reports.models import Report, TaggedReport
from reports.public.charts import month_chart
from reports.public.citation import Citation
from reports.public.facets import ArchiveFacets
from reports.public.filters import ReportFilter
from reports.public.listing import (
    FilteredLater,
    KeptPagesMixin,
    KnownCountPaginator,
    PublishedReportsMixin,
    RankedResults,
)
from reports.public.report_page import ReportPage
from reports.public.summaries import tag_links
from reports.public.timeline import iso_year_bounds, year_timelines
from reports.text.periods import format_day, format_period, iso_week_label, parse_year, year_error

FACET_NAMES = ("tag", "series", "year")


class ArchiveView(KeptPagesMixin, FilterView):
    # What the page cache keys on (reports.caching.page_cache): the filters and the page.
    query_parameters = (*tuple(ReportFilter.base_filters), "page")
    filterset_class = ReportFilter
    template_name = "reports/archive.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that "no filters" is simply a valid, empty set of filters.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    @cached_property
    def facets(self):
        return ArchiveFacets(self.filterset) if self.filterset.is_valid() else None

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.facets is None:
            return super().get_paginator(queryset, per_page, **kwargs)
        if self.filterset.form.cleaned_data.get("q"):
            queryset = RankedResults(self.filterset, self.facets.total)
        return KnownCountPaginator(queryset, per_page, count=self.facets.total, **kwargs)

    def get(self, request, *args, **kwargs):
        # The filter form sends its empty fields too; bookmarks and feed links should not carry them.
        if any(value == "" for _, values in request.GET.lists() for value in values):
            clean = request.GET.copy()
            for name, values in request.GET.lists():
                clean.setlist(name, [value for value in values if value != ""])
            return redirect(f"{request.path}?{clean.urlencode()}" if clean else request.path)
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = self.filterset.is_valid()
        self.object_list = FilteredLater(self.filterset) if valid else self.filterset.queryset.none()
        response = self.render_to_response(self.get_context_data(filter=self.filterset, object_list=self.object_list))
        if not valid:
            response.status_code = 400  # the page still renders, with the reason at the filter
        return response

    def page_key(self):
        return ("archive", self.filterset.cache_key()) if self.facets is not None else None

    def search_query(self):
        return self.filterset.form.cleaned_data.get("q") if self.facets is not None else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        # Tags, series and years are chosen from the facets; the form keeps them as they are.
        context["facet_names"] = FACET_NAMES
        context["chosen_facets"] = [(name, value) for name in FACET_NAMES for value in query.getlist(name)]
        context["active_filters"] = [
            (label, _without(query, name, value)) for name, value, label in self.filterset.active_filters()
        ]
        context["facets"] = self.facets
        context["search_query"] = self.search_query()
        if self.facets is not None:
            # ~300 links: rendered once per generation and query, whatever the page number.
            html = per_generation(
                "facets-html", context["filter_query"], lambda: render_to_string("reports/_facets.html", context)
            )
            context["facets_html"] = mark_safe(html)  # rendered by our own template, escaped there
            week = self.filterset.form.cleaned_data.get("week")
            if week:
                context["week_links"] = _neighbouring_weeks(query, week[0])
        return context


def _neighbouring_weeks(query, monday):
    """(rel, label, query string) for the weeks before and after the filtered one; none past
    the calendar's ends (year 1 or 9999)."""
    links = []
    for rel, label, days in (("prev", "Previous week", -7), ("next", "Next week", 7)):
        try:
            day = monday + datetime.timedelta(days=days)
        except OverflowError:
            continue
        week_query = query.copy()
        week_query["week"] = iso_week_label(day)
        links.append((rel, f"{label}: {week_query['week']}", week_query.urlencode()))
    return links


def _without(query, name, value):
    """The query string with one value of one parameter removed."""
    remaining = query.copy()
    remaining.setlist(name, [v for v in query.getlist(name) if v != value])
    return remaining.urlencode()


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
            context.update(canonical_url=url, citation=citation, json_ld=citation.json_ld(series_url))
        context["previous_report"], context["next_report"] = report.neighbours
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class TagListView(PublishedReportsMixin, ListView):
    query_parameters = ()
    template_name = "reports/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return published_vocabulary().tag_counts()


class TagThreadView(KeptPagesMixin, ListView):
    """One tag's reports in period order, as a thread, with when and how often it appears
    and the tags most often found with it."""
    query_parameters = ("page",)

    template_name = "reports/tag_thread.html"
    context_object_name = "reports"
    paginate_by = 50
    co_tags_shown = 10

    @cached_property
    def thread(self):
        """The tag's months and the tags most often found with it: two queries, once per
        publication generation."""
        return per_generation("tag-thread", self.tag.slug, self._thread)

    def _thread(self):
        tagged = TaggedReport.objects.filter(
            tag=self.tag, content_object__in=self.published_reports().order_by().values("pk")
        ).order_by()
        months = tagged.values(
            year=ExtractYear("content_object__period_start"), month=ExtractMonth("content_object__period_start")
        ).annotate(
            reports=Count("pk"),
            first_day=Min("content_object__period_start"),
            last_day=Max("content_object__period_end"),
        )
        co_tags = self.tagged_reports(self.tag).tag_counts().exclude(tag=self.tag)[: self.co_tags_shown]
        return list(months), list(co_tags)

    def tagged_reports(self, tag):
        return ReportFilter.base_filters["tag"].filter(super().get_queryset(), [tag])

    @cached_property
    def tag(self):
        # A tag only drafts use is unknown to the public (checked without a query).
        vocabulary = published_vocabulary()
        if self.kwargs["slug"] not in vocabulary.tags:
            raise Http404("No published report has this tag.")
        return vocabulary.tag(self.kwargs["slug"])

    @cached_property
    def months(self):
        """Reports by the month their period starts, with the first and last day the tag covers."""
        return self.thread[0]

    def get_queryset(self):
        return self.tagged_reports(self.tag).order_by("period_start", "pk")

    def get_paginator(self, queryset, per_page, **kwargs):
        return KnownCountPaginator(queryset, per_page, count=sum(m["reports"] for m in self.months), **kwargs)

    def page_key(self):
        return ("tag", self.tag.slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first_day = min(m["first_day"] for m in self.months)
        last_day = max(m["last_day"] for m in self.months)
        context.update(
            tag=self.tag,
            first_week=_week_of(first_day),
            last_week=_week_of(last_day),
            chart=month_chart({(m["year"], m["month"]): m["reports"] for m in self.months}),
            co_tags=self.thread[1],
        )
        return context


def _week_of(day):
    """(the ISO week's label, its Monday-to-Sunday period in words) of a day."""
    monday = day - datetime.timedelta(days=day.weekday())
    return iso_week_label(day), format_period(monday, monday + datetime.timedelta(days=6))


class WeekTimelineView(PublishedReportsMixin, TemplateView):
    """Each series' ISO weeks in one ISO year (the latest by default), marked covered, partly
    covered, covered twice or missing, with links to the other years: a page the same size
    whether the archive holds one year or fifty."""
    query_parameters = ("year",)

    template_name = "reports/weeks.html"

    def runs(self):
        """{(series name, slug): (first day, last day) of its published reports}."""
        rows = (
            self.published_reports()
            .order_by()
            .values_list("series__name", "series__slug")
            .annotate(first=Min("period_start"), last=Max("period_end"))
        )
        return {(name, slug): (first, last) for name, slug, first, last in rows}

    def timelines(self, runs, year):
        year_start, year_end = iso_year_bounds(year)
        rows = (
            self.published_reports()
            .filter(period_start__lte=year_end, period_end__gte=year_start)
            .order_by("period_start")
            .values_list("series__name", "series__slug", "period_start", "period_end")
        )
        return year_timelines(runs, rows, year)

    def get(self, request, *args, **kwargs):
        # Both kept per publication generation: a repeat visit runs no query.
        runs = per_generation("series-runs", "", self.runs)
        years = []
        if runs:
            first, last = min(first for first, _ in runs.values()), max(last for _, last in runs.values())
            years = list(range(_iso_year(first), _iso_year(last) + 1))
        raw_year = request.GET.get("year")
        year = parse_year(raw_year) if raw_year is not None else (years[-1] if years else None)
        if raw_year is not None and year is None:
            context = self.get_context_data(years=years, year_error=year_error(raw_year))
            return self.render_to_response(context, status=400)
        timelines = per_generation("weeks", year, lambda: self.timelines(runs, year)) if year else []
        return self.render_to_response(self.get_context_data(year=year, years=years, series_timelines=timelines))


def _iso_year(day):
    return day.isocalendar().year


class RobotsView(TemplateView):
    query_parameters = ()
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"
