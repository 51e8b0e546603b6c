"""The coverage timeline, and robots.txt."""

from django.db.models import Max, Min
from django.views.generic import TemplateView

from reports.caching.memo import per_generation
from reports.public.listing import (
    InPageLanguageMixin,
    PublishedReportsMixin,
)
from reports.public.timeline import iso_year_bounds, year_timelines
from reports.text.periods import parse_year, year_error


class WeekTimelineView(InPageLanguageMixin, PublishedReportsMixin, TemplateView):
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
