"""What listings show of reports, as plain values: kept per publication generation and
rendered without the ORM."""

from typing import NamedTuple, TypedDict
from urllib.parse import urlencode

from django.utils.html import conditional_escape

from reports.public.search import highlighted_summary


class TagLink(NamedTuple):
    """A tag as a listing links it: to the archive filtered by it."""

    name: str
    href: str


class ReportSummary(TypedDict):
    """What a listing shows of a report, as plain values.

    Listings keep their pages per publication generation (reports.public.listing.KeptPagesMixin), so
    the URLs, the period in words and the tag links are worked out once per generation, not on
    every request, and a kept page unpickles without the ORM. A dict, because Django's
    templates look names up in a dict first and elsewhere only after that fails.
    """

    title: str
    url: str
    period_start: str  # ISO 8601, for <time datetime>
    period_display: str
    series_name: str
    summary_html: str  # safe HTML: the summary escaped, with a search's matches marked
    tags: tuple[TagLink, ...]


def report_summary(report, archive_url, search_query=None):
    """A report as listings show it (see ReportSummary)."""
    return ReportSummary(
        title=report.title,
        url=report.get_absolute_url(),
        period_start=report.period_start.isoformat(),
        period_display=report.period_display,
        series_name=report.series.name,
        summary_html=highlighted_summary(report, search_query) if search_query else conditional_escape(report.summary),
        tags=tag_links(report.tag_list, archive_url),
    )


def tag_links(tags, archive_url):
    """TagLinks for tags (TagRefs or Tags): each to the archive filtered by it."""
    return tuple(TagLink(tag.name, f"{archive_url}?{urlencode({'tag': tag.slug})}") for tag in tags)
