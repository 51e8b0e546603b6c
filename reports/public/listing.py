"""What every public listing shares: starting from the published reports, pages kept per
publication generation, and paginators that know their count or their ranking."""

from django.core.paginator import Paginator
from django.db.models import Case, F, When, Window
from django.db.models.functions import Mod, RowNumber
from django.urls import reverse

from reports.caching.memo import kept_for_readers, per_generation
from reports.models import Report
from reports.public.filters import listing_language
from reports.public.search import with_headline
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
        return self.published_reports().select_related("series").defer("body")

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
            listed = reports.with_tags().with_authors().with_figures()
            return [report_summary(report, archive_url, query) for report in listed]

        page.object_list = kept_for_readers(self.request, "page", (key, page.number), summaries) if key else summaries()
        return paginator, page, page.object_list, is_paginated


class PageLater:
    """A page of reports whose query is built only when the page is fetched, so that a page
    kept for this generation (KeptPagesMixin) costs no query building at all."""

    def __init__(self, build):
        self.build = build

    def with_tags(self):
        return self.build().with_tags()


class FilteredLater:
    """The archive's filtered reports, for its paginator: pages of them, filtered later.

    A deep page starts from an anchor: the (period_start, id) of every ANCHOR_EVERY-th report
    in the archive's order, found once per publication generation and filters by one pass over
    the index (reports.caching.memo). The page then skips fewer than ANCHOR_EVERY index entries
    from there, so page 5,000 costs what page 5 does."""

    ANCHOR_EVERY = 500

    def __init__(self, filterset):
        self.filterset = filterset

    def __getitem__(self, index):
        return PageLater(lambda: self._page(index))

    def _page(self, index):
        reports = self.filterset.qs
        start = index.start or 0
        if not start:
            return reports[index]
        block = start // self.ANCHOR_EVERY
        if block:
            anchors = per_generation("anchors", self.filterset.cache_key(), self._anchors)
            day, pk = anchors[block]
            reports = reports.filter(period_start__lte=day).exclude(period_start=day, pk__gt=pk)
            start -= block * self.ANCHOR_EVERY
            index = slice(start, start + (index.stop - index.start))
        # Its ids first, so that OFFSET skips index entries only (migration 0015's
        # report_archive_covering_idx), and the page's columns and its tags' and bylines'
        # subqueries are computed for its own reports, not for every row it skips.
        return reports.filter(pk__in=reports.values("pk")[index])

    def _anchors(self):
        """[(period_start, id)] of the reports at positions 0, ANCHOR_EVERY, 2 * ANCHOR_EVERY, ..."""
        order = [F("period_start").desc(), F("pk").desc()]
        numbered = self.filterset.qs.annotate(position=Window(RowNumber(), order_by=order))
        rows = numbered.annotate(offset=Mod(F("position") - 1, self.ANCHOR_EVERY)).filter(offset=0)
        return list(rows.order_by("position").values_list("period_start", "pk"))


class KnownCountPaginator(Paginator):
    """A paginator told how many items there are, so that it runs no COUNT query."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @property
    def count(self):
        return self.known_count


class RankedResults:
    """Search results in rank order for the paginator: the ranking (report ids, best first) is
    computed once per publication generation (reports.caching.memo); each page then fetches only its
    own reports by id. Pages past the ranked ids run the search itself."""

    RANKED = 2000  # ids kept: 100 pages of 20

    def __init__(self, filterset, count):
        self.filterset, self.count = filterset, count
        self.ranked = per_generation("ranking", filterset.cache_key(), self._rank)

    def _rank(self):
        return list(self.filterset.qs.values_list("pk", flat=True)[: self.RANKED])

    def __len__(self):
        return self.count

    def __getitem__(self, page):
        return PageLater(lambda: self._page(page))

    def _page(self, page):
        if page.stop is None or page.stop > len(self.ranked) == self.RANKED:
            return self.filterset.qs[page]
        ids = self.ranked[page]
        if not ids:
            return self.filterset.qs.none()
        # The ranked ids are matches already: the page's query reads its 20 rows by id (still
        # among the published ones) and marks their summaries, without searching again.
        rank = Case(*(When(pk=pk, then=position) for position, pk in enumerate(ids)), default=len(ids))
        words = self.filterset.form.cleaned_data["q"]
        return with_headline(self.filterset.queryset.filter(pk__in=ids), words).order_by(rank)
