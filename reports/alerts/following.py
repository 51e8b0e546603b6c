"""What a subscription follows: the archive's own filters, as a canonical query string, in
words, counted by week, and matched against a newly published report."""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext

from reports.caching.memo import per_generation
from reports.caching.vocabulary import shown_name
from reports.models import Report, Subscription
from reports.public.filters import ReportFilter
from reports.text.periods import format_period, iso_week_label

FOLLOWED = tuple(name for name in ReportFilter.base_filters)  # every filter; never the page
WEEKS_COUNTED = 12


def canonical_query(data):
    """The filters of `data` (a QueryDict) as one query string: only the archive's filters,
    no empty values, names in order, repeated values sorted and once each. The same archive
    page, however its address was written, is the same subscription."""
    query = QueryDict(mutable=True)
    for name in sorted(FOLLOWED):
        values = [value.strip() for value in data.getlist(name) if value.strip()]
        if not values:
            continue
        if name in ReportFilter.REPEATABLE:
            query.setlist(name, sorted(set(values)))
        else:
            query[name] = values[-1]  # as a single-valued parameter is read
    return query.urlencode()


def filter_for(query, language, reports=None):
    """The archive's FilterSet for `query`, as a page in `language` reads it (the listing
    language follows the page's; reports.public.filters.listing_language). Validate and use it
    within translation.override(language)."""
    return ReportFilter(data=QueryDict(query), queryset=Report.objects.published() if reports is None else reports)


def _and(items):
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return gettext("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def describe(filterset):
    """What a valid filter selects, in words, e.g. “Reports tagged Kata'ib Hezbollah in Iraq
    Situation Report”, in the active language."""
    cleaned = filterset.form.cleaned_data
    parts = []
    if tags := cleaned.get("tag"):
        parts.append(gettext("tagged %(tags)s") % {"tags": _and(shown_name("tag", t.slug, t.name) for t in tags)})
    if authors := cleaned.get("author"):
        parts.append(gettext("by %(authors)s") % {"authors": _and(author.name for author in authors)})
    if series := cleaned.get("series"):
        parts.append(gettext("in %(series)s") % {"series": shown_name("series", series.slug, series.name)})
    if text := cleaned.get("q"):
        parts.append(gettext("matching “%(words)s”") % {"words": text})
    if week := cleaned.get("week"):
        label = f"{iso_week_label(week[0])} ({format_period(*week)})"
        parts.append(gettext("covering %(period)s") % {"period": label})
    if cleaned.get("year") is not None:
        parts.append(gettext("covering %(period)s") % {"period": cleaned["year"]})
    if start := cleaned.get("from"):
        parts.append(gettext("covering days from %(day)s") % {"day": start.isoformat()})
    if end := cleaned.get("to"):
        parts.append(gettext("covering days up to %(day)s") % {"day": end.isoformat()})
    if language := cleaned.get("lang"):
        parts.append(gettext("written in %(language)s") % {"language": Report.Language(language).label})
    if not parts:
        return gettext("Every report")
    return " ".join([gettext("Reports"), *parts])


def current_description(subscription):
    """What `subscription` follows in words now (names change, tags merge), in its language;
    the words it was asked with when its filter no longer applies."""
    words = per_generation(
        "alert-description", (subscription.query, subscription.language), lambda: _describe(subscription)
    )  # once per filter and publication generation, not once per message
    return words or subscription.description


def _describe(subscription):
    with translation.override(subscription.language):
        filterset = filter_for(subscription.query, subscription.language)
        return describe(filterset) if filterset.is_valid() else None


def weekly_counts(filterset, *, now=None):
    """[(ISO week label, Monday, count)] for the last WEEKS_COUNTED ISO weeks, this one last: how
    many reports matching the filter first went out in each, i.e. what it would have sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    this_monday = today - datetime.timedelta(days=today.weekday())
    mondays = [this_monday - datetime.timedelta(weeks=n) for n in reversed(range(WEEKS_COUNTED))]
    start = timezone.make_aware(datetime.datetime.combine(mondays[0], datetime.time.min))
    rows = (
        filterset.qs.order_by()
        .filter(first_published_at__gte=start, first_published_at__lte=now)
        .annotate(week=TruncWeek("first_published_at"))
        .values("week")
        .annotate(reports=Count("pk"))
    )
    counts = defaultdict(int)
    for row in rows:
        week = row["week"]
        counts[week.date() if isinstance(week, datetime.datetime) else week] += row["reports"]
    return [(iso_week_label(monday), monday, counts[monday]) for monday in mondays]


def could_match(subscription, query, report, tag_slugs, author_slugs):
    """A quick test, without a query, of what the filters on tags, authors, series and language
    require: a subscription failing it cannot match `report`; one passing it is then checked
    with the real filter."""
    language = query.get("lang") or subscription.language
    if language != report.language:
        return False
    if (series := query.get("series")) and (report.series is None or report.series.slug != series):
        return False
    return set(query.getlist("tag")) <= tag_slugs and set(query.getlist("author")) <= author_slugs


def matching_subscriptions(report):
    """The confirmed subscriptions of addresses not suspended whose filter selects `report`,
    a published report: each distinct filter checked once, by the archive's FilterSet."""
    report = Report.objects.select_related("series").prefetch_related("tags", "authors").get(pk=report.pk)
    tag_slugs = {tag.slug for tag in report.tags.all()}
    author_slugs = {author.slug for author in report.authors.all()}
    candidates = defaultdict(list)
    subscriptions = Subscription.objects.filter(confirmed_at__isnull=False, subscriber__suspended_at=None)
    for subscription in subscriptions.only("pk", "subscriber_id", "query", "language", "frequency").iterator(2000):
        query = QueryDict(subscription.query)
        if could_match(subscription, query, report, tag_slugs, author_slugs):
            candidates[subscription.query, subscription.language].append(subscription)
    this_report = Report.objects.published().filter(pk=report.pk)
    matched = []
    for (query, language), group in candidates.items():
        with translation.override(language):
            filterset = filter_for(query, language, this_report)
            if filterset.is_valid() and filterset.qs.exists():
                matched.extend(group)
    return matched
