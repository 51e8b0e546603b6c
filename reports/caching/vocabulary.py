"""The public vocabulary: the tags readers can see, with how many published reports carry
each, and every series.

It is computed when the public site changes (reports.caching.page_cache.public_changed(), in the same
transaction) and kept on the PublicationState row that every process re-reads at most once a
second anyway. So checking a tag or series slug in a URL, listing the tags and building the
sitemap cost no query at all, and a tag an editor just published is known within a second.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Value
from taggit.models import Tag


def compute():
    """The vocabulary as JSON for PublicationState.vocabulary: one query."""
    from reports.models import Report, Series, TaggedReport

    tags = (
        TaggedReport.objects.filter(Exists(Report.objects.published().filter(pk=OuterRef("content_object"))))
        .order_by()
        .values_list(Value("tags"), "tag_id", "tag__slug", "tag__name")
        .annotate(reports=Count("pk"))
    )
    series = Series.objects.order_by().values_list(Value("series"), "id", "slug", "name", Value(0))
    found = {"tags": [], "series": []}
    for kind, pk, slug, name, count in tags.union(series, all=True):
        found[kind].append([pk, slug, name, count])
    return found


@dataclass(frozen=True)
class Vocabulary:
    stored: dict  # as compute() gives it

    @cached_property
    def tags(self):
        """{slug: (id, name, published reports carrying it)}"""
        return {slug: (pk, name, count) for pk, slug, name, count in self.stored.get("tags", ())}

    @cached_property
    def series(self):
        """{slug: (id, name)}"""
        return {slug: (pk, name) for pk, slug, name, _ in self.stored.get("series", ())}

    def tag(self, slug):
        tag_id, name, _ = self.tags[slug]
        return Tag(id=tag_id, name=name, slug=slug)

    def series_named(self, slug):
        from reports.models import Series

        series_id, name = self.series[slug]
        return Series(id=series_id, name=name, slug=slug)

    def named(self, part, slug):
        """The Tag or Series a slug of the "tags" or "series" part stands for, unsaved but with its id."""
        return self.tag(slug) if part == "tags" else self.series_named(slug)

    def tag_counts(self):
        """As ReportQuerySet.tag_counts() gives them for all published reports: most used first."""
        rows = [{"tag__name": name, "tag__slug": slug, "report_count": n} for slug, (_, name, n) in self.tags.items()]
        return sorted(rows, key=lambda row: (-row["report_count"], row["tag__name"]))


_parsed = {}


def published_vocabulary():
    """The vocabulary of the publication generation this process last read."""
    from reports.caching.page_cache import current_state

    state = current_state()
    key = (state.generation, state.changed_at)
    if key not in _parsed:
        _parsed.clear()  # only the current one is worth keeping
        _parsed[key] = Vocabulary(state.vocabulary)
    return _parsed[key]
