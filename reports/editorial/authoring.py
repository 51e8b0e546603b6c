"""Period-aware authoring: house-style titles, the next period of a series, and period warnings.

Warnings never block saving: a special issue may well cover ten days or overlap another.
"""

import datetime
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from taggit.models import Tag

from reports.models import Report
from reports.text.periods import format_period, house_title

USUAL_LENGTH = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Proposal:
    title: str
    slug: str


def propose(series, start, end):
    """The house-style title and slug for a series and period, or None while one is missing or wrong."""
    if series is None or start is None or end is None or end < start:
        return None
    title = house_title(series.name, start, end)
    return Proposal(title, slugify(title)[:255])


def next_period(series):
    """The seven days after the series' latest report, or None for a series with no reports yet."""
    if series is None:
        return None
    latest = Report.objects.filter(series=series).order_by("-period_end", "-pk").values_list("period_end", flat=True)
    last_end = latest.first()
    if last_end is None:
        return None
    start = last_end + datetime.timedelta(days=1)
    return start, start + USUAL_LENGTH - datetime.timedelta(days=1)


def _describe(report):
    period = format_period(report.period_start, report.period_end)
    return gettext("“%(title)s” (%(period)s)") % {"title": report.title, "period": period}


def period_warnings(series, start, end, *, exclude_pk=None):
    """Sentences about a period that is unusual for its series: overlapping, after a gap, not 7 days."""
    if series is None or start is None or end is None or end < start:
        return []
    others = Report.objects.filter(series=series).exclude(pk=exclude_pk).only("title", "period_start", "period_end")
    warnings = []
    overlapping = others.filter(period_start__lte=end, period_end__gte=start).order_by("period_start", "pk")
    for other in overlapping:
        warnings.append(gettext("The period overlaps %(report)s in the same series.") % {"report": _describe(other)})
    previous = others.filter(period_start__lt=start).order_by("-period_end", "-pk").first()
    if previous is not None and previous.period_end < start - datetime.timedelta(days=1):
        gap = (start - previous.period_end).days - 1
        day_after = previous.period_end + datetime.timedelta(days=1)
        gap_sentence = ngettext(
            "The period leaves a gap of %(gap)s day after %(report)s: the next period would start on %(day)s.",
            "The period leaves a gap of %(gap)s days after %(report)s: the next period would start on %(day)s.",
            gap,
        )
        warnings.append(
            gap_sentence % {"gap": gap, "report": _describe(previous), "day": format_period(day_after, day_after)}
        )
    length = (end - start).days + 1
    if length != USUAL_LENGTH.days:
        long = ngettext(
            "The period is %(length)s day long, not %(usual)s.",
            "The period is %(length)s days long, not %(usual)s.",
            length,
        )
        warnings.append(long % {"length": length, "usual": USUAL_LENGTH.days})
    return warnings


def tag_vocabulary():
    """Every tag name, in one order on every database (not the database's collation)."""
    return sorted(Tag.objects.values_list("name", flat=True), key=lambda name: (name.casefold(), name))
