"""What listings show of reports, as plain values: kept per publication generation and
rendered without the ORM."""

from typing import NamedTuple, TypedDict
from urllib.parse import urlencode

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext

from reports.caching.vocabulary import shown_name, shown_names
from reports.public.media.pictures import picture
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
    byline_html: str  # safe HTML: "By <a>Jane Doe</a> and <a>Omar Ali</a>", or "" when unsigned
    thumbnail_html: str  # safe HTML: the lead figure's smallest rendition, or "" without figures


def report_summary(report, archive_url, search_query=None):
    """A report as listings show it (see ReportSummary)."""
    return ReportSummary(
        title=report.title,
        url=report.get_absolute_url(),
        period_start=report.period_start.isoformat(),
        period_display=report.period_display,
        series_name=shown_name("series", report.series.slug, report.series.name),
        summary_html=highlighted_summary(report, search_query) if search_query else conditional_escape(report.summary),
        tags=tag_links(report.tag_list, archive_url),
        byline_html=byline_html(report.author_list),
        thumbnail_html=thumbnail_html(report.figure_list),
    )


def thumbnail_html(figure_list):
    return str(picture(1, figure_list[0]).thumbnail_html()) if figure_list else ""


def byline_html(authors):
    """ "By Jane Doe", "By Jane Doe and Omar Ali", "By A, B and C", each name linking to the
    author's page; "" for an unsigned report."""
    links = [format_html('<a href="{}">{}</a>', author.get_absolute_url(), author.name) for author in authors]
    if not links:
        return ""
    if len(links) > 1:
        separator = pgettext("list separator", ", ")
        names = format_html(gettext("{names} and {last}"), names=mark_safe(separator.join(links[:-1])), last=links[-1])
    else:
        names = links[0]
    return format_html(gettext("By {names}"), names=names)


def tag_links(tags, archive_url):
    """TagLinks for tags (TagRefs or Tags): each to the archive filtered by it."""
    names = shown_names("tag")
    return tuple(
        TagLink(names.get(tag.slug) or tag.name, f"{archive_url}?{urlencode({'tag': tag.slug})}") for tag in tags
    )
