"""The editors' coverage page: the public week timeline for one ISO year, with the missing
weeks listed beside the unpublished reports that would fill them. Read-only, for anyone
who may view reports; linked from the Report change list."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext

from reports.models import Report
from reports.public.timeline import MISSING, SeriesTimeline, build_timeline, iso_year_bounds, periods_by_series
from reports.text.periods import parse_year, year_error


@dataclass(frozen=True)
class EditorCoverage:
    """A series' published coverage in one ISO year, and its missing weeks with the reports
    not yet published that would fill them."""

    series_timeline: SeriesTimeline
    missing_weeks: list  # (Week, [unpublished reports overlapping it])


def editor_coverage(year, today):
    """Every series with reports in `year`, up to today: two queries."""
    year_start, year_end = iso_year_bounds(year)
    last_day = min(year_end, today)
    published = periods_by_series(
        Report.objects.published()
        .order_by("series__name", "series__slug", "period_start")
        .values_list("series__name", "series__slug", "period_start", "period_end")
    )
    unpublished = (
        Report.objects.exclude(pk__in=Report.objects.published())
        .filter(period_start__lte=year_end, period_end__gte=year_start)
        .select_related("series")
        .order_by("period_start")
    )
    pending = {}
    for report in unpublished:
        pending.setdefault((report.series.name, report.series.slug), []).append(report)
    coverage = []
    for name, slug in sorted(published.keys() | pending.keys()):
        periods = published.get((name, slug), [])
        # The run starts with the series' first report, published or not: no weeks missing before it.
        first_start = min([start for start, _ in periods] + [r.period_start for r in pending.get((name, slug), [])])
        timeline = build_timeline(periods, max(first_start, year_start), last_day)
        if not timeline.weeks:
            continue
        missing = [
            (
                week,
                [
                    r
                    for r in pending.get((name, slug), [])
                    if r.period_start <= week.sunday and r.period_end >= week.monday
                ],
            )
            for week in timeline.weeks_by_status(MISSING)
        ]
        coverage.append(EditorCoverage(SeriesTimeline(name, slug, timeline), missing))
    return coverage


def coverage_view(model_admin, request):
    """The public week timeline for one ISO year (this one by default) with its missing weeks
    listed: read-only, for anyone who may view reports."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    raw_year = request.GET.get("year", str(today.isocalendar().year))
    year = parse_year(raw_year)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Coverage by week, %(year)s") % {"year": year} if year else gettext("Coverage by week"),
        "opts": model_admin.model._meta,
        "year": year,
        "coverage": editor_coverage(year, today) if year else [],
        "year_error": None if year else year_error(raw_year),
    }
    response = TemplateResponse(request, "admin/reports/report/coverage.html", context)
    response.status_code = 200 if year else 400
    return response
