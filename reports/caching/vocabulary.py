"""The public vocabulary: the tags readers can see, with how many published reports carry
each, and every series.

It is derived when the public site changes (PublicationState.objects.record_change(), in the
editor's transaction) and kept on the PublicationState row that every process re-reads at
most once a second anyway. So checking a tag or series slug in a URL, listing the tags and
building the sitemap cost no query at all, and a tag an editor just published is known within
a second. The tags of scheduled reports are kept with their go-live moments and count from
then on, so a scheduled report's new tag is known the moment it goes live, with no write.
"""

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone
from django.utils.translation import get_language
from taggit.models import Tag

from reports.caching.state import current_state
from reports.models import Author, AuthorRef, Series


@dataclass(frozen=True)
class Vocabulary:
    stored: dict  # as reports.models.publication.derive() gives it
    passed: int = 0  # how many of its scheduled reports are live

    def _counted(self, part, position):
        """{slug: (id, name, live reports)} of the "tags" or "authors" part, with the scheduled
        reports that have gone live by now."""
        found = {slug: (pk, name, count) for pk, slug, name, count in self.stored.get(part, ())}
        for entry in self.stored.get("scheduled", ())[: self.passed]:
            for pk, slug, name in entry[position] if len(entry) > position else ():
                count = found[slug][2] if slug in found else 0
                found[slug] = (pk, name, count + 1)
        return found

    @cached_property
    def tags(self):
        """{slug: (id, name, published reports carrying it)}"""
        return self._counted("tags", 1)

    @cached_property
    def tag_names(self):
        """{id: (name, slug)} of the tags readers can see: see reports.models.names.TagNames."""
        return {pk: (name, slug) for slug, (pk, name, _) in self.tags.items()}

    @cached_property
    def authors(self):
        """{slug: (id, name, published reports they signed)}"""
        return self._counted("authors", 2)

    @cached_property
    def series(self):
        """{slug: (id, name)}"""
        return {slug: (pk, name) for pk, slug, name, *_ in self.stored.get("series", ())}

    def unfiltered_archive_groups(self, language):
        """The archive's facet rows for no filters but the language, as reports.public.facets counts
        them ((kind, slug, name, start year, end year, reports)), from the counts the change itself
        derived; None when the stored vocabulary predates them, or when they count reports in
        another language too (they are of every language together)."""
        if "series_years" not in self.stored or not set(self.stored.get("languages", ["?"])) <= {language}:
            return None
        rows = [("tag", slug, name, 0, 0, n) for slug, (_, name, n) in self.tags.items()]
        rows += [("author", slug, name, 0, 0, n) for slug, (_, name, n) in self.authors.items()]
        periods = Counter({tuple(row[:4]): row[4] for row in self.stored["series_years"]})
        for entry in self.stored.get("scheduled", ())[: self.passed]:
            periods[tuple(entry[3])] += 1
        return rows + [("series", *period, n) for period, n in periods.items()]

    def arabic_names(self, kind):
        """{slug: Arabic name} of the tags ("tag") or series ("series") that have one."""
        return self.stored.get("arabic_names", {}).get(kind, {})

    def tag(self, slug):
        tag_id, name, _ = self.tags[slug]
        return Tag(id=tag_id, name=name, slug=slug)

    def series_named(self, slug):
        series_id, name = self.series[slug]
        return Series(id=series_id, name=name, slug=slug)

    def author(self, slug):
        author_id, name, _ = self.authors[slug]
        return Author(id=author_id, name=name, slug=slug)

    def named(self, part, slug):
        """The Tag, Author or Series a slug of that part stands for, unsaved but with its id."""
        return {"tags": self.tag, "authors": self.author, "series": self.series_named}[part](slug)

    def author_counts(self):
        """[(AuthorRef, published reports they signed)], by name."""
        rows = [(AuthorRef(name, slug), n) for slug, (_, name, n) in self.authors.items()]
        return sorted(rows, key=lambda row: (row[0].name.casefold(), row[0].slug))

    def tag_counts(self):
        """As ReportQuerySet.tag_counts() gives them for all published reports: most used first."""
        rows = [{"tag__name": name, "tag__slug": slug, "report_count": n} for slug, (_, name, n) in self.tags.items()]
        return sorted(rows, key=lambda row: (-row["report_count"], row["tag__name"]))


class _Parsed:
    """The vocabulary of this process's last reading: only the current one is worth keeping."""

    reading = None
    vocabulary = None


_parsed = _Parsed()


def published_vocabulary():
    """The vocabulary readers see now, from the state this process last read."""
    state = current_state()
    passed = state.passed(timezone.now())
    if _parsed.reading is not state or _parsed.vocabulary.passed != passed:
        _parsed.reading, _parsed.vocabulary = state, Vocabulary(state.vocabulary, passed)
    return _parsed.vocabulary


def published_tag_names():
    """{id: (name, slug)} of the tags readers can see (TagNames.known): no query."""
    return published_vocabulary().tag_names


def shown_names(kind):
    """{slug: name} of the tags ("tag") or series ("series") that the page being made calls by
    another name: their Arabic names on an Arabic page, none on others. No query: the names
    come with the state."""
    if (get_language() or "").split("-")[0] != "ar":
        return {}
    return published_vocabulary().arabic_names(kind)


def shown_name(kind, slug, name):
    """What a tag or series is called on the page being made: its Arabic name on an Arabic page
    when it has one, else `name` (shown_names)."""
    return shown_names(kind).get(slug) or name
