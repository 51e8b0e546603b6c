"""One request's results, facets and ranking from sets of archive positions (PostgreSQL):
a search, or filters that are all sets (tags, authors, series, year, language).

Two common words match most of the archive (66,000 of 100,000 reports), so counting a new
search's facets in SQL, or ranking it, read every match: about 0.7 s at 100,000 reports; and
two popular tags read thousands of tag links for their facets. Here the same answers come from
bit sets (reports.public.sets.numbering), whose cost follows the number of reports divided by 64:

- PostgreSQL parses the words (websearch_to_tsquery, in the listing language's configuration,
  as reports.public.search does) and the parsed query is split where it is joined by | and &.
  Each part (a word, a phrase, a group in brackets) is read once per generation from its GIN
  index as three sets: the reports whose title, whose title and summary, and whose whole text
  match it (report_search_set, migration 0028). A negated word is the rest of the archive.
  A new search of known words then costs no search in SQL at all: its parts' sets are combined
  by its own & and |, which is exactly what matching the whole query means.
- Tags, authors, series and language are the numbering's own sets, and a year, a week or dates
  are the run of periods that overlap their days (Numbering.select).
- A page of results is their ids in order, read by id (the page's one query); a feed's entries
  are the results published last (Numbering.newest_published), read by id the same way.

So the results are those of reports.public.search and ReportFilter: the same matches, the same
classes of the relevance rule (title, then title and summary, then anywhere; newest first within
each), and the same counts as the facets' grouping queries (tests/public/test_search_sets.py and
tests/public/test_exact_results.py compare them).
"""

import re
from functools import cached_property

from django.conf import settings
from django.db import connections
from psycopg import pq

from reports.public.search import SEARCH_CONFIGS
from reports.public.sets.numbering import KEPT_PARSES, SET_FILTERS, generation_key, kept, number, numbering_sql

PARTS = ("title", "head", "document")
# A part of a parsed query that is one negated quoted word: its sets are the rest of the archive.
NEGATED_WORD = re.compile(r"!('(?:[^']|'')*'(?::\*?[A-D]*)?)")


def available(filterset):
    """Whether this filterset's search is answered here: PostgreSQL, results kept per generation."""
    return connections[filterset.db].vendor == "postgresql" and settings.RESULT_CACHE_SECONDS > 0


def answers(filterset):
    """Whether a valid filterset without words is answered here: it filters (besides the
    language, which the plain archive's own paths answer), and its filters are all sets."""
    names = filterset.query_values().keys()
    return available(filterset) and names <= SET_FILTERS and bool(names - {"lang"})


def applies(filterset):
    """Whether a valid filterset's results come from here: words, or filters (besides the
    language) besides them, and every filter but the words a set."""
    names = filterset.query_values().keys()
    return available(filterset) and names - {"q"} <= SET_FILTERS and bool(names - {"lang"})


def of(filterset):
    """The ResultSets of a valid filterset with words, or whose filters are all sets, made once
    for it (facets, ranking and pages share them)."""
    if getattr(filterset, "_result_sets", None) is None:
        filterset._result_sets = ResultSets(filterset)
    return filterset._result_sets


def parsed_query(cursor, config, words):
    """The words as PostgreSQL parses them, as tsquery text ('' when only stop words remain)."""
    key = (config, words)
    with kept.lock:
        if key in kept.parses:
            kept.parses.move_to_end(key)
            return kept.parses[key]
    cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [config, words])
    (text,) = cursor.fetchone()
    with kept.lock:
        kept.parses[key] = text
        while len(kept.parses) > KEPT_PARSES:
            kept.parses.popitem(last=False)
    return text


def split(text, operator):
    """`text` (tsquery text as PostgreSQL writes it) cut where `operator` joins it outside quotes
    and brackets: PostgreSQL brackets whatever binds looser than where it stands."""
    pieces, depth, quoted, start, index = [], 0, False, 0, 0
    joint = f" {operator} "
    while index < len(text):
        char = text[index]
        if char == "'":
            quoted = not quoted  # '' inside a word toggles twice
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and text.startswith(joint, index):
            pieces.append(text[start:index])
            start = index = index + len(joint)
            continue
        index += 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def query_parts(text):
    """The parsed query as alternatives (|) of parts that must all match (&)."""
    return [split(alternative, "&") for alternative in split(text, "|")]


class ResultSets:
    """One request's results as sets (a search, or filters that are all sets), and what the
    archive shows of them."""

    def __init__(self, filterset):
        self.filterset = filterset
        values = filterset.query_values()
        words = values.pop("q", None)
        self.language = values["lang"]
        config = SEARCH_CONFIGS[self.language]
        beside = {name: value for name, value in values.items() if name not in ("series", "year")}
        with connections[filterset.db].cursor() as cursor:
            alternatives = query_parts(parsed_query(cursor, config, words)) if words else [[]]
            parts = sorted({_positive(part) for parts in alternatives for part in parts})
            self.numbering, known = self._sets(cursor, {("part", config, part): part for part in parts})
        everything = self.numbering.everything
        sets = {part: known["part", config, part] for part in parts}
        self.title, self.head, self.document = (
            _combine(alternatives, sets, index, everything) for index in range(len(PARTS))
        )
        self.results = self.numbering.select(values, filterset.filters) & self.document
        self.beside_series_and_year = self.numbering.select(beside, filterset.filters) & self.document

    def _sets(self, cursor, sources):
        """(this generation's numbering, {source key: its sets}), reading what is not kept in one query."""
        key = generation_key()
        with kept.lock:
            if kept.numbering is not None and kept.numbering.key != key:
                kept.reset()
            numbering = kept.numbering
            known = {want: kept.get(want) for want in sources}
        missing = {want: sources[want] for want, value in known.items() if value is None}
        if numbering is None or missing:
            numbering, read = fetch(cursor, key, numbering, missing, self.language)
            with kept.lock:
                if kept.numbering is None or kept.numbering.key != key:
                    kept.reset(numbering)
                for want, value in read.items():
                    kept.put(want, value)
            known |= read
        return numbering, known

    @cached_property
    def total(self):
        return self.results.bit_count()

    def counts(self, kind):
        """[(slug, name, reports)] of a narrowing facet (tags, authors) among the results."""
        return self.numbering.counts(self.results, kind, self.total)

    def series_and_years(self, selected_series, selected_year):
        """({series slug: (name, reports)} within the chosen year, {year: reports} within the
        chosen series): among the results of every filter but series and year, as choosing
        another series or year replaces the current one."""
        numbering, beside = self.numbering, self.beside_series_and_year
        in_year = beside if selected_year is None else beside & numbering.years.get(selected_year, 0)
        in_series = beside if selected_series is None else beside & numbering.members("series", selected_series)
        series = {slug: (name, count) for slug, name, count in numbering.counts(in_year, "series")}
        return series, numbering.year_counts(in_series)

    def page(self, start, length):
        """The ids of the results from `start` on, `length` of them, in the archive's order."""
        return self.numbering.ids(self.results, length, skip=start)

    def newest_published(self, limit):
        """The ids of the `limit` results published last: a feed's entries."""
        return self.numbering.newest_published(self.results, limit)

    def ranked(self, limit):
        """The ids of the first `limit` results by the relevance rule: the reports whose title
        holds the words, then whose title and summary do, then the rest; newest first in each."""
        classes = (self.results & self.title, self.results & self.head & ~self.title)
        classes += (self.results & ~self.head & ~self.title,)
        found = []
        for bits in classes:
            if len(found) < limit:
                found += self.numbering.ids(bits, limit - len(found))
        return found


def _positive(part):
    """The part whose sets a part is read from: a negated word's is the word's."""
    return part[1:] if NEGATED_WORD.fullmatch(part) else part


def _combine(alternatives, sets, index, everything):
    """The reports whose document number `index` (title, head, document) matches the query:
    any alternative (|) whose parts (&) all match."""
    matches = 0
    for parts in alternatives:
        both = everything
        for part in parts:
            bits = sets[_positive(part)][index]
            both &= everything & ~bits if part != _positive(part) else bits
        matches |= both
    return matches


def fetch(cursor, key, numbering, missing, language):
    """One query for what is missing: the numbering (when `numbering` is None) and the parts'
    sets. Returns (numbering, {source key: (title, head, document) bits})."""
    rows = [numbering_sql()] if numbering is None else []
    wanted = list(missing.items())
    for index, (_, source) in enumerate(wanted):
        select = "SELECT 'part', %s, %s, report_search_set(%s, %s::tsquery, %s), NULL"
        rows += [(select, [str(index), part, part, source, language]) for part in PARTS]
    # In PostgreSQL's binary format: arrays of a hundred thousand ids load in about half the time
    # they take from their text (the cursor binds on the server: sitrep.settings).
    raw = cursor.cursor
    raw.format, text = pq.Format.BINARY, raw.format
    try:
        cursor.execute(" UNION ALL ".join(f"({sql})" for sql, _ in rows), [p for _, params in rows for p in params])
        fetched = cursor.fetchall()
    finally:
        raw.format = text
    if numbering is None:
        numbering = number(key, fetched)
    parts = {}
    for kind, index, extra, ids, _ in fetched:
        if kind == "part":  # the numbering's rows are the others
            parts.setdefault(int(index), {})[extra] = numbering.bits(ids or ())
    return numbering, {wanted[index][0]: tuple(sets[part] for part in PARTS) for index, sets in parts.items()}
