"""The report list: one-line titles, a status badge with its date, a few tags, and the series
only when there is more than one. Mixed into ReportAdmin."""

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from reports.models import Series

TAGS_SHOWN = 3


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", pgettext("status", "Draft")),
            ("review", pgettext("status", "In review")),
            ("scheduled", pgettext("status", "Scheduled")),
            ("live", pgettext("status", "Published")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in ("draft", "review"):
            return queryset.filter(status=value)
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        return queryset


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return Tag.objects.filter(reports_taggedreport_items__isnull=False).distinct().values_list("slug", "name")

    def queryset(self, request, queryset):
        return queryset.filter(tags__slug=self.value()) if self.value() else queryset


def _series_of(request):
    """The series, read once a request: for the list's column and for its filter."""
    if not hasattr(request, "_report_series"):
        request._report_series = list(Series.objects.values_list("pk", "name"))
    return request._report_series


class SeriesFilter(admin.SimpleListFilter):
    title = _("series")
    parameter_name = "series__id__exact"  # the address Django's own series filter had

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in _series_of(request)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(series_id=value) if value and value.isascii() and value.isdigit() else queryset


def _short_period(report):
    start, end = report.period_start, report.period_end
    if start.year != end.year:
        return f"{start:%-d %b %Y} – {end:%-d %b %Y}"
    if start.month != end.month:
        return f"{start:%-d %b} – {end:%-d %b %Y}"
    return f"{start:%-d}–{end:%-d %b %Y}"


def _day(moment):
    return formats.date_format(timezone.localtime(moment), "j M Y")


class ReportListMixin:
    list_display = ("title_column", "status_column", "period", "tag_list", "updated")
    list_display_links = ("title_column",)
    list_filter = (StatusFilter, SeriesFilter, TagFilter)

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if len(_series_of(request)) > 1:
            columns.insert(2, "series")
        return columns

    @admin.display(description=_("title"), ordering="title")
    def title_column(self, report):
        # One line on screen; the whole title stays in the text (screen readers) and on hover.
        # The series' name, which starts most titles, is left to them: the rest tells reports apart.
        prefix = f"{report.series.name}: "
        if report.title.startswith(prefix) and len(report.title) > len(prefix):
            return format_html(
                '<span class="one-line" title="{}"><span class="visually-hidden">{}</span>{}</span>',
                report.title, prefix, report.title[len(prefix):],
            )  # fmt: skip
        return format_html('<span class="one-line" title="{}">{}</span>', report.title, report.title)

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, report):
        return format_html('<span title="{}">{}</span>', report.period_display, _short_period(report))

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, report):
        moment = timezone.localtime(report.updated_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            moment.isoformat(), formats.date_format(moment, "j F Y, H:i T"), formats.date_format(moment, "j M Y"),
        )  # fmt: skip

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, report):
        label = report.status_label
        key = {"Scheduled": "scheduled", "Published": "live"}.get(label, report.status)
        when = ""
        if report.status == report.Status.PUBLISHED:
            when = format_html(
                ' <time datetime="{}">{}</time>', report.published_at.isoformat(), _day(report.published_at)
            )
        # The labels are the status filter's words (translated there).
        return format_html('<span class="status-badge status-{}">{}</span>{}', key, pgettext("status", label), when)

    @admin.display(description=_("tags"))
    def tag_list(self, report):
        names = sorted((tag.name for tag in report.tags.all()), key=str.casefold)
        shown = ", ".join(names[:TAGS_SHOWN])
        if len(names) <= TAGS_SHOWN:
            return shown
        more = len(names) - TAGS_SHOWN
        return format_html(
            '<span title="{}">{} <span class="more-tags">+{}<span class="visually-hidden"> {}</span></span></span>',
            ", ".join(names), shown, more, gettext("more"),
        )  # fmt: skip
