"""Facet counts for the archive: tags, authors, series and years, each with the number of results
choosing it would give within the current filters.

One query (two groupings joined by UNION ALL), whatever the number of tags, series or years,
and only once per publication generation for the same filters (reports.caching.memo):

- tags: the current results grouped by tag. Tags narrow (a report must carry all the
  chosen ones), so adding a tag gives exactly the current results that carry it.
- series and years: the results of every filter but `series` and `year`, grouped by
  series and by the calendar years the period starts and ends in. A series or a year
  replaces the current one, and each group either overlaps a year or not, so this one
  grouping gives the series counts within the chosen year, the year counts within the
  chosen series, and the number of current results (so the paginator needs no COUNT).
"""

import functools
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from html import escape
from urllib.parse import urlencode

from django.db.models import Count, Value
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext

from reports.caching import compiled
from reports.caching.memo import per_generation
from reports.caching.vocabulary import published_vocabulary, shown_name
from reports.models import ReportAuthor, TaggedReport
from reports.public.filters import listing_language
from reports.public.sets import results as result_sets


@dataclass(frozen=True)
class FacetValue:
    value: str  # the query parameter's value: a slug or a year
    label: str
    count: int
    selected: bool
    href: str  # the archive with this value chosen, or removed when it is selected


@dataclass(frozen=True)
class FacetGroup:
    name: str
    title: str
    shown: list
    more: list  # listed behind a disclosure, so that a long tail of tags does not bury the rest


# The filters whose facets count what other results would be (a search ranks, the series and year
# facets count beside the chosen series and year): not the results of one page.
WIDENING = {"q", "series", "year"}
# How many values of a facet are listed before the rest are folded away.
FACET_SHOWN = 12


class ArchiveFacets:
    """The counts are read when the facets are made (the total is the paginator's count); the
    values with their links only when the page renders them, which it does once per
    generation and query (reports.public.views.archive.ArchiveView caches the rendered facets)."""

    def __init__(self, filterset, first_page=None):
        self.filterset = filterset
        self.first_page = first_page  # the results as FilteredLater pages them, when page 1 is asked for
        cleaned = filterset.form.cleaned_data
        self.selected_series = cleaned["series"].slug if cleaned.get("series") else None
        self.selected_year = cleaned.get("year")
        self.selected = {name: {value.slug for value in cleaned.get(name) or ()} for name in ("tag", "author")}
        # Kept counted rather than as rows: a few hundred numbers, not thousands of groups.
        counts = per_generation("facets", filterset.cache_key(), self._count)
        self._counts, self.series_counts, self.series_names, self.year_counts, self.total = counts

    def _count(self):
        groups = None
        cleaned = self.filterset.form.cleaned_data
        if not any(value for name, value in cleaned.items() if name != "lang"):
            # No filters: the counts the last change derived (reports.caching.vocabulary).
            groups = published_vocabulary().unfiltered_archive_groups(listing_language(cleaned.get("lang")))
        first_page = self.first_page if not self.filterset.query_values().keys() & WIDENING else None
        if groups is None and result_sets.applies(self.filterset):
            sets = result_sets.of(self.filterset)
            if first_page is None or sets.total > first_page.page_size:
                return self._count_sets(sets)
        if groups is None and first_page is not None:
            # No more results than a page: the page's own rows hold every count.
            rows = first_page.first_rows()
            groups = _groups_of(rows) if len(rows) <= first_page.page_size else None
        if groups is None:
            groups = self._groups()
        series_groups = [row[1:] for row in groups if row[0] == "series"]
        return (_narrowing(groups), *self._count_series_and_years(series_groups))

    def _count_sets(self, sets):
        """The same counts from a search's or the filters' sets (reports.public.sets.results)."""
        narrowing = _narrowing([(name, *counted) for name in ("tag", "author") for counted in sets.counts(name)])
        series, years = sets.series_and_years(self.selected_series, self.selected_year)
        series_names = {slug: shown_name("series", slug, name) for slug, (name, _) in series.items()}
        return narrowing, {slug: n for slug, (_, n) in series.items()}, series_names, years, sets.total

    def _groups(self):
        """(kind, slug, name, start year, end year, reports) rows: the current results per tag
        and per author, then the results of every filter but series and year per series and years."""
        return compiled.run("facets", self._grouping, **self.filterset.query_values())

    def _grouping(self, **values):
        results = self.filterset.filtered(values).order_by().values("pk")
        tags = (
            TaggedReport.objects.filter(content_object__in=results)
            .order_by()
            .values_list(Value("tag"), "tag__slug", "tag__name", Value(0), Value(0))
            .annotate(reports=Count("content_object"))  # not the link's id: read from the index alone
        )
        authors = (
            ReportAuthor.objects.filter(report__in=results)
            .order_by()
            .values_list(Value("author"), "author__slug", "author__name", Value(0), Value(0))
            .annotate(reports=Count("pk"))
        )
        series_years = (
            self.filterset.filtered(values, without=("series", "year"))
            .order_by()
            .values_list(
                Value("series"), "series__slug", "series__name", ExtractYear("period_start"), ExtractYear("period_end")
            )
            .annotate(reports=Count("pk"))
        )
        return tags.union(authors, series_years, all=True)

    def _count_series_and_years(self, groups):
        series_counts, series_names, year_counts, total = Counter(), {}, Counter(), 0
        for slug, name, start_year, end_year, reports in groups:
            years = range(start_year, end_year + 1)
            in_year = self.selected_year is None or self.selected_year in years
            in_series = self.selected_series is None or self.selected_series == slug
            series_names[slug] = shown_name("series", slug, name)
            if in_year:
                series_counts[slug] += reports
            if in_series:
                for year in years:
                    year_counts[year] += reports
            if in_year and in_series:
                total += reports
        return series_counts, series_names, year_counts, total

    @cached_property
    def query(self):
        query = self.filterset.data.copy()
        query.pop("page", None)
        return query

    @cached_property
    def archive_url(self):
        return reverse("reports:archive")

    @cached_property
    def series(self):
        names = self.series_names
        return [
            self._single_choice("series", slug, names[slug], count, slug == self.selected_series)
            for slug, count in sorted(self.series_counts.items(), key=lambda item: names[item[0]])
            if count
        ]

    @cached_property
    def years(self):
        return [
            self._single_choice("year", str(year), str(year), count, year == self.selected_year)
            for year, count in sorted(self.year_counts.items(), reverse=True)
            if count
        ]

    def _narrowing(self, name):
        """The values of a repeatable facet (tags, authors): choosing one adds it to the others."""
        values = []
        chosen = self.query.getlist(name)
        for slug, label, reports in self._counts[name]:
            selected = slug in self.selected[name]
            if selected:
                href = self._href(name, [value for value in chosen if value != slug])
            else:
                href = self._chosen_href(name, slug, keep=True)
            label = shown_name("tag", slug, label) if name == "tag" else label
            values.append(FacetValue(slug, label, reports, selected, href))
        return values

    @cached_property
    def tags(self):
        return self._narrowing("tag")

    @cached_property
    def authors(self):
        return self._narrowing("author")

    @property
    def groups(self):
        """The non-empty facets, for the page."""
        facets = (
            ("tag", pgettext("facet", "Tags"), self.tags),
            ("author", pgettext("facet", "Authors"), self.authors),
            ("series", pgettext("facet", "Series"), self.series),
            ("year", pgettext("facet", "Years"), self.years),
        )
        return [
            FacetGroup(name, title, values[:FACET_SHOWN], values[FACET_SHOWN:])
            for name, title, values in facets
            if values
        ]

    def _single_choice(self, name, value, label, count, selected):
        href = self._href(name, []) if selected else self._chosen_href(name, value, keep=False)
        return FacetValue(value, label, count, selected, href)

    @cached_property
    def _encoded(self):
        """(name, its values URL-encoded) for each parameter of the query, in order."""
        return [(key, [_encode(key, value) for value in values]) for key, values in self.query.lists()]

    def _around(self, name):
        """(the query before `name`'s values, its values, the query after them), URL-encoded:
        each facet value's link is then these joined around its own value."""
        if name in self._arounds:
            return self._arounds[name]
        before, current, after, found = [], [], [], False
        for key, encoded in self._encoded:
            if key == name:
                found, current = True, encoded
            else:
                (after if found else before).extend(encoded)
        around = self._arounds[name] = ("&".join(before), current, "&".join(after))
        return around

    @cached_property
    def _arounds(self):
        return {}

    def _href(self, name, values):
        """The archive with `name` set to `values` (removed when there are none) and the rest of
        the query as it is: what QueryDict.urlencode() gives for the changed query, without
        copying the query for each of some 250 links."""
        before, _, after = self._around(name)
        encoded = "&".join(part for part in (before, *(_encode(name, value) for value in values), after) if part)
        return f"{self.archive_url}?{encoded}" if encoded else self.archive_url

    def _chosen_href(self, name, value, keep):
        """The archive with `value` (a facet's) chosen for `name`, beside the values chosen
        already if `keep`, else instead of them: _href(name, [*chosen, value]) or
        _href(name, [value]), for each of the panel's values."""
        before, current, after = self._around(name)
        encoded = "&".join(
            part for part in (before, *(current if keep else ()), _encoded_value(name, value), after) if part
        )
        return f"{self.archive_url}?{encoded}"


def _groups_of(reports):
    """The grouping query's rows, counted from the reports themselves (with their tag_list,
    author_list and series)."""
    counted = Counter()
    for report in reports:
        counted.update(("tag", tag.slug, tag.name, 0, 0) for tag in report.tag_list)
        counted.update(("author", author.slug, author.name, 0, 0) for author in report.author_list)
        start, end = report.period_start.year, report.period_end.year
        counted["series", report.series.slug, report.series.name, start, end] += 1
    return [(*group, reports) for group, reports in counted.items()]


def _narrowing(groups):
    """{tag or author: [(slug, name, reports)], most reports first} from (kind, slug, name, ...,
    reports) rows."""
    return {
        name: sorted(((row[1], row[2], row[-1]) for row in groups if row[0] == name), key=lambda t: (-t[2], t[1]))
        for name in ("tag", "author")
    }


def _encode(key, value):
    """One parameter as QueryDict.urlencode() writes it."""
    return urlencode({key.encode(): str(value).encode()})


def query_string(query):
    """[(name, [values])] as QueryDict.urlencode() writes a QueryDict of them."""
    return "&".join(_encode(name, value) for name, values in query for value in values)


# A facet's value (a slug or a year from the published vocabulary, never a reader's input)
# encoded: kept, because the same few hundred are linked on every page.
_encoded_value = functools.lru_cache(maxsize=4096)(_encode)


def panel_html(groups):
    """The archive's facets (FacetGroups) as the page's "Refine" panel: each value a link that
    chooses or removes it, with its count. Built here rather than by a template because the panel
    holds some 250 values, and every new filter renders it once."""
    sections = []
    for group in groups:
        title, name = escape(group.title), escape(group.name)
        section = (f'  <section aria-labelledby="facet-{name}">\n    <h3 id="facet-{name}">{title}</h3>\n'
                   f'    <ul class="facet-list">{_values_html(group.shown)}</ul>\n')  # fmt: skip
        if group.more:
            more = escape(
                gettext("%(count)s more %(title)s") % {"count": len(group.more), "title": group.title.lower()}
            )
            section += (f"    <details>\n      <summary>{more}</summary>\n"
                        f'      <ul class="facet-list">{_values_html(group.more)}</ul>\n    </details>\n')  # fmt: skip
        sections.append(section + "  </section>\n")
    refine = escape(gettext("Refine"))
    hint = escape(gettext("Each number is how many reports that choice gives with the current filters."))
    return mark_safe(  # each value escaped here
        f'<aside class="facets" id="refine" aria-labelledby="refine-heading">\n'
        f'  <h2 id="refine-heading">{refine}</h2>\n  <p class="hint">{hint}</p>\n{"".join(sections)}</aside>\n'
    )


@functools.lru_cache(maxsize=4096)
def _report_noun(language, count):
    """ "report" or "reports" (in `language`, the active one) for a count, escaped: kept, as a
    panel asks for some 250 of them and the plural rule depends on the count alone."""
    return escape(ngettext("report", "reports", count))


def _values_html(values):
    """Facet values (FacetValues) as list items, each a link with its count."""
    items, chosen, language = [], escape(gettext("(chosen; remove)")), get_language()
    for value in values:
        href, label, count = escape(value.href), escape(value.label), value.count
        if value.selected:
            link = (f'<a class="chosen" href="{href}"><span aria-hidden="true">✓ </span>{label}'
                    f'<span class="visually-hidden"> {chosen}</span></a>')  # fmt: skip
        else:
            link = f'<a href="{href}">{label}</a>'
        noun = _report_noun(language, count)
        counted = f'<span class="facet-count">{count}<span class="visually-hidden"> {noun}</span></span>'
        items.append(f"<li>{link} {counted}</li>\n")
    return "".join(items)
