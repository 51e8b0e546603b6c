"""What every public listing shares: starting from the published reports, pages kept per
publication generation, and paginators that know their count or their ranking."""

from functools import partial

from django.core.paginator import Paginator
from django.db.models import Case, F, When, Window
from django.db.models.functions import Mod, RowNumber
from django.urls import reverse

from reports.caching import compiled
from reports.caching.memo import kept_for_readers, per_generation
from reports.models import Report
from reports.public.filters import listing_language
from reports.public.search import with_headline
from reports.public.sets import results as result_sets
from reports.public.summaries import report_summary


class PublishedReportsMixin:
    """Public views start from Report.objects.published(), and nothing else."""

    def published_reports(self):
        return Report.objects.published()

    def get_queryset(self):
        return self.published_reports().for_listing()


class InPageLanguageMixin:
    """For listings besides the archive's (tag threads, author pages, coverage): the published
    reports in the page's language, as the archive and feeds they link to list them."""

    def published_reports(self):
        return super().published_reports().filter(language=listing_language())


class KeptPagesMixin(PublishedReportsMixin):
    """For listings of reports: a page holds until the public site next changes, so its
    reports are kept per publication generation (reports.caching.memo) as ReportSummary values. A
    later request for the same page runs no query, and renders plain values."""

    def get_queryset(self):
        # What a summary shows; the tags join the page's own query (paginate_queryset), so a
        # request for a kept page does not even build their subquery.
        return self.published_reports().select_related("series").defer("body", "body_rendering")

    def page_key(self):
        """What besides the page number selects the listing's reports; None keeps nothing."""
        return None

    def search_query(self):
        """The words whose matches the summaries mark, if any."""
        return None

    def paginate_queryset(self, queryset, page_size):
        paginator, page, reports, is_paginated = super().paginate_queryset(queryset, page_size)
        archive_url = reverse("reports:archive")
        key = self.page_key()

        def summaries():
            query = self.search_query()
            listed = reports.for_summaries()
            return [report_summary(report, archive_url, query) for report in listed]

        page.object_list = kept_for_readers(self.request, "page", (key, page.number), summaries) if key else summaries()
        return paginator, page, page.object_list, is_paginated


class PageLater:
    """A page of reports whose query is built, or its compiled SQL run (reports.caching.compiled),
    only when the page's summaries are made: a page kept for this generation costs nothing.
    `key` (with the shape of `values`) says what the SQL depends on; None builds it every time."""

    def __init__(self, key, build, **values):
        self.key, self.build, self.values = key, build, values

    def for_summaries(self):
        if self.key is None:
            return self.build(**self.values).for_summaries()
        return compiled.run(self.key, lambda **values: self.build(**values).for_summaries(), **self.values)


class ReadRows:
    """Reports already read, for a paginator's page: as PageLater gives them."""

    def __init__(self, rows):
        self.rows = rows

    def for_summaries(self):
        return self.rows


class FirstRows:
    """For a paginator's source: the first page's reports and one more, read once (first_rows()).
    When they are no more than a page, they are all the results, and what counts them (the
    archive's facets, the API's count) needs no query of its own; the first page is then these
    rows, not another query (first_holding())."""

    _first = None

    def first_rows(self):
        if self._first is None:
            self._first = self._read_first(slice(0, self.page_size + 1))
        return self._first

    def first_holding(self, index):
        """The rows of `index` among the first rows read, if they hold them all; else None."""
        first = self._first
        if first is None or index.start or not (index.stop <= len(first) or len(first) <= self.page_size):
            return None
        return first[: index.stop]


class FilteredLater(FirstRows):
    """The archive's filtered reports, for its paginator: pages of them, filtered later.

    A deep page starts from an anchor: the (period_start, id) of every ANCHOR_EVERY-th report
    in the archive's order, found once per publication generation and filters by one pass over
    the index (reports.caching.memo). The page then skips fewer than ANCHOR_EVERY index entries
    from there, so page 5,000 costs what page 5 does, and there are only ANCHOR_EVERY / 20
    shapes of page query to compile."""

    ANCHOR_EVERY = 500

    def __init__(self, filterset, page_size):
        self.filterset, self.page_size = filterset, page_size

    def _read_first(self, index):
        return list(self[index].for_summaries())

    def __getitem__(self, index):
        start = index.start or 0
        if (known := self.first_holding(index)) is not None:
            return ReadRows(known)
        length = full_page(index, self.page_size) - start
        if result_sets.answers(self.filterset):
            # Filters that are all sets (reports.public.sets.results): the page's ids from them.
            ids = result_sets.of(self.filterset).page(start, length)
            by_ids = partial(published_by_ids, self.filterset)
            return PageLater(("archive page by ids",), by_ids, ids=ids) if ids else ReadRows([])
        values = self.filterset.query_values()
        block = start // self.ANCHOR_EVERY
        if block:
            anchors = per_generation("anchors", self.filterset.cache_key(), self._anchors)
            values["anchor_day"], values["anchor_pk"] = anchors[block]
        offset = start - block * self.ANCHOR_EVERY
        return PageLater(("archive page", offset, length), lambda **v: self._page(offset, length, **v), **values)

    def _page(self, offset, length, anchor_day=None, anchor_pk=None, **values):
        reports = self.filterset.filtered(values)
        if anchor_day is None and not offset:
            return reports[:length]
        if anchor_day is not None:
            reports = reports.filter(period_start__lte=anchor_day).exclude(period_start=anchor_day, pk__gt=anchor_pk)
        # Its ids first, so that OFFSET skips index entries only (migration 0015's
        # report_archive_covering_idx), and the page's columns and its tags' and bylines'
        # subqueries are computed for its own reports, not for every row it skips.
        return reports.filter(pk__in=reports.values("pk")[offset : offset + length])

    def _anchors(self):
        """[(period_start, id)] of the reports at positions 0, ANCHOR_EVERY, 2 * ANCHOR_EVERY, ..."""
        order = [F("period_start").desc(), F("pk").desc()]
        numbered = self.filterset.qs.annotate(position=Window(RowNumber(), order_by=order))
        rows = numbered.annotate(offset=Mod(F("position") - 1, self.ANCHOR_EVERY)).filter(offset=0)
        return list(rows.order_by("position").values_list("period_start", "pk"))


def published_by_ids(filterset, ids):
    """The listing's published reports among `ids` (a page of them, from the sets), in the archive's
    order (Report's own)."""
    return filterset.published().filter(pk__in=ids).order_by(*Report._meta.ordering)


def full_page(index, page_size):
    """Where a paginator's slice would end were its page full: a short last page shares the SQL
    of a full one (LIMIT finds no more rows than there are); a longer one (orphans) keeps its end."""
    return max(index.stop, (index.start or 0) + page_size)


class CompiledPages(FirstRows):
    """The filtered reports in their filters' order, for a paginator (the API's): each of the
    first pages from SQL compiled once per process and shape (reports.caching.compiled), the
    rest built as usual; when the filters are all sets, every page's ids come from them, as
    the archive's do (FilteredLater)."""

    COMPILED_PAGES = 10

    def __init__(self, filterset, page_size):
        self.filterset, self.page_size = filterset, page_size

    def _read_first(self, index):
        return self[index]

    def __getitem__(self, index):
        if (known := self.first_holding(index)) is not None:
            return known
        start, stop = index.start or 0, full_page(index, self.page_size)
        if result_sets.answers(self.filterset):
            ids = result_sets.of(self.filterset).page(start, stop - start)
            return compiled.run(("paged by ids",), partial(published_by_ids, self.filterset), ids=ids) if ids else []
        if start >= self.COMPILED_PAGES * self.page_size:
            return list(self._page(start, stop, **self.filterset.query_values()))
        build = partial(self._page, start, stop)
        return compiled.run(("paged", start, stop), build, **self.filterset.query_values())

    def _page(self, start, stop, **values):
        return self.filterset.filtered(values)[start:stop]


class KnownCountPaginator(Paginator):
    """A paginator told how many items there are, so that it runs no COUNT query."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @property
    def count(self):
        return self.known_count


class RankedResults:
    """Search results in rank order for the paginator; each page then fetches only its own reports
    by id. On PostgreSQL a page is ranked from the search's sets as far as that page
    (reports.public.sets.results), which costs what the page holds; elsewhere the ranking (report
    ids, best first) is computed once per publication generation (reports.caching.memo), and
    pages past it run the search itself."""

    RANKED = 2000  # ids kept without sets: 100 pages of 20

    def __init__(self, filterset, count):
        self.filterset, self.count = filterset, count
        self.from_sets = result_sets.available(filterset)
        self.ranked = None if self.from_sets else per_generation("ranking", filterset.cache_key(), self._rank)

    def _rank(self):
        return list(self.filterset.qs.values_list("pk", flat=True)[: self.RANKED])

    def __len__(self):
        return self.count

    def __getitem__(self, page):
        if self.from_sets and page.stop is not None:
            ids = result_sets.of(self.filterset).ranked(page.stop)[page]
        elif page.stop is None or page.stop > len(self.ranked) == self.RANKED:
            return PageLater(None, lambda: self.filterset.qs[page])
        else:
            ids = self.ranked[page]
        if not ids:
            return PageLater(None, lambda: self.filterset.qs.none())
        words = self.filterset.form.cleaned_data["q"]
        return PageLater(("ranked page",), self._page, ids=list(ids), words=words)

    def _page(self, ids, words):
        # The ranked ids are matches already: the page's query reads its 20 rows by id (still
        # among the published ones) and marks their summaries, without searching again.
        rank = Case(*(When(pk=pk, then=position) for position, pk in enumerate(ids)), default=len(ids))
        return with_headline(self.filterset.published().filter(pk__in=ids), words).order_by(rank)
