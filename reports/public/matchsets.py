"""A search's count, facets and ranking from sets of archive positions (PostgreSQL).

Two common words match most of the archive (66,000 of 100,000 reports), so counting a new
search's facets in SQL, or ranking it, reads every match: about 0.7 s at 100,000 reports. Here
the same answers come from bit sets, whose cost follows the number of reports divided by 64:

- Per publication generation, this process numbers the published reports in the archive's
  order (position 0 is the newest period, then the highest id) and keeps, for every tag, author,
  series and calendar year, the set of their positions, as a Python int (bit p is the report at
  position p). One query reads them all (about 0.3 s at 100,000 reports, once per generation).
- PostgreSQL parses the words (websearch_to_tsquery, in the listing language's configuration,
  as reports.public.search does) and the parsed query is split where it is joined by | and &.
  Each part (a word, a phrase, a group in brackets) is read once per generation from its GIN
  index as three sets: the reports whose title, whose title and summary, and whose whole text
  match it (report_search_set, migration 0028). A negated word is the rest of the archive.
  A new search of known words then costs no search in SQL at all: its parts' sets are combined
  by its own & and |, which is exactly what matching the whole query means.
- The other filters (tags, dates, series, ...) are read as one more set per generation and
  filters, by ReportFilter itself.

So the results are those of reports.public.search: the same matches, the same classes of the
relevance rule (title, then title and summary, then anywhere; newest first within each), and
the same counts as the facets' grouping queries (tests/public/test_search_sets.py compares them).
"""

import re
import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections

from reports.caching.state import current_state
from reports.models import Report, ReportAuthor, Series, TaggedReport
from reports.public.search import SEARCH_CONFIGS

TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
PARTS = ("title", "head", "document")
# A part of a parsed query that is one negated quoted word: its sets are the rest of the archive.
NEGATED_WORD = re.compile(r"!('(?:[^']|'')*'(?::\*?[A-D]*)?)")
# Kept per process: bit sets of parts of queries and of filters (each about 12.5 kB per 100,000
# reports), least recently used out first; and parsed queries (words, not reports).
KEPT_BYTES = 48 * 1024 * 1024
KEPT_PARSES = 2000


def available(filterset):
    """Whether this filterset's search is answered here: PostgreSQL, results kept per generation."""
    return connections[filterset.queryset.db].vendor == "postgresql" and settings.RESULT_CACHE_SECONDS > 0


def search_sets(filterset):
    """The SearchSets of a valid filterset with words, made once for it (facets and ranking share them)."""
    if getattr(filterset, "_search_sets", None) is None:
        filterset._search_sets = SearchSets(filterset)
    return filterset._search_sets


@dataclass(frozen=True)
class Numbering:
    """The published reports of one generation, numbered in the archive's order, with the sets
    of positions of every facet's values."""

    key: tuple
    order: array  # report id by position
    position: array  # position by report id, -1 for the reports not published
    values: dict  # {(kind, slug): (name, bits)} for kind in tag, author, series
    years: dict  # {year: bits}: the reports whose period overlaps it

    @property
    def everything(self):
        return (1 << len(self.order)) - 1

    def bits(self, ids):
        """The set of the published reports among `ids`."""
        flags, position, size = bytearray(len(self.order)), self.position, len(self.position)
        for pk in ids:
            if pk < size and (place := position[pk]) >= 0:
                flags[place] = 1
        return _bits(flags)

    def ids(self, bits, limit):
        """The ids of the first `limit` reports of a set, in the archive's order."""
        digits, order, found = format(bits, "b")[::-1], self.order, []
        place = digits.find("1")
        while place >= 0 and len(found) < limit:
            found.append(order[place])
            place = digits.find("1", place + 1)
        return found


def _bits(flags):
    """The set whose members are the positions of the 1s in a bytearray of 0s and 1s."""
    return int(flags.translate(TO_DIGITS)[::-1] or b"0", 2)


class Kept:
    """This process's numbering and its sets, forgotten when the generation changes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.numbering = None
        self.sets = OrderedDict()  # (what, key) -> bits, or a tuple of bits
        self.size = 0
        self.parses = OrderedDict()

    def reset(self, numbering=None):
        self.numbering, self.size = numbering, 0
        self.sets.clear()

    def get(self, key):
        value = self.sets.get(key)
        if value is not None:
            self.sets.move_to_end(key)
        return value

    def put(self, key, value):
        self.sets[key] = value
        self.size += _size(value)
        while self.size > KEPT_BYTES and len(self.sets) > 1:
            _, old = self.sets.popitem(last=False)
            self.size -= _size(old)


def _size(value):
    return sum(bits.bit_length() // 8 + 28 for bits in (value if isinstance(value, tuple) else (value,)))


_kept = Kept()


def forget():
    """Make this process number the reports again (tests: their data rolls back, generations with it)."""
    with _kept.lock:
        _kept.reset()
        _kept.parses.clear()


def generation_key():
    reading = current_state()
    return reading.generation, reading.changed_at, reading.passed()


def parsed_query(cursor, config, words):
    """The words as PostgreSQL parses them, as tsquery text ('' when only stop words remain)."""
    key = (config, words)
    with _kept.lock:
        if key in _kept.parses:
            _kept.parses.move_to_end(key)
            return _kept.parses[key]
    cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [config, words])
    (text,) = cursor.fetchone()
    with _kept.lock:
        _kept.parses[key] = text
        while len(_kept.parses) > KEPT_PARSES:
            _kept.parses.popitem(last=False)
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


class SearchSets:
    """One request's search: its results as sets, and what the archive shows of them."""

    def __init__(self, filterset):
        self.filterset = filterset
        values = filterset.query_values()
        words = values.pop("q")
        self.language = values["lang"]
        config = SEARCH_CONFIGS[self.language]
        beside = {name: value for name, value in values.items() if name not in ("series", "year")}
        with connections[filterset.queryset.db].cursor() as cursor:
            alternatives = query_parts(parsed_query(cursor, config, words))
            parts = sorted({_positive(part) for parts in alternatives for part in parts})
            # What each set is read from: a part of the query, or the filters besides the words.
            sources = {("part", config, part): part for part in parts}
            sources |= {("filter", _filters_key(chosen)): chosen for chosen in (values, beside)}
            self.numbering, known = self._sets(cursor, sources)
        everything = self.numbering.everything
        sets = {part: known["part", config, part] for part in parts}
        self.title, self.head, self.document = (
            _combine(alternatives, sets, index, everything) for index in range(len(PARTS))
        )
        self.results = known["filter", _filters_key(values)] & self.document
        self.beside_series_and_year = known["filter", _filters_key(beside)] & self.document

    def _sets(self, cursor, sources):
        """(this generation's numbering, {source key: its sets}), reading what is not kept in one query."""
        key = generation_key()
        with _kept.lock:
            if _kept.numbering is not None and _kept.numbering.key != key:
                _kept.reset()
            numbering = _kept.numbering
            known = {want: _kept.get(want) for want in sources}
        missing = {want: sources[want] for want, value in known.items() if value is None}
        if numbering is None or missing:
            numbering, read = fetch(cursor, key, numbering, missing, self.filterset, self.language)
            with _kept.lock:
                if _kept.numbering is None or _kept.numbering.key != key:
                    _kept.reset(numbering)
                for want, value in read.items():
                    _kept.put(want, value)
            known |= read
        return numbering, known

    @property
    def total(self):
        return self.results.bit_count()

    def counts(self, kind):
        """[(slug, name, reports)] of a narrowing facet (tags, authors) among the results."""
        results, found = self.results, []
        for (value_kind, slug), (name, bits) in self.numbering.values.items():
            if value_kind == kind and (count := (results & bits).bit_count()):
                found.append((slug, name, count))
        return found

    def series_and_years(self, selected_series, selected_year):
        """({series slug: (name, reports)} within the chosen year, {year: reports} within the
        chosen series): among the results of every filter but series and year, as choosing
        another series or year replaces the current one."""
        numbering, beside, everything = self.numbering, self.beside_series_and_year, self.numbering.everything
        in_year = everything if selected_year is None else numbering.years.get(selected_year, 0)
        in_series = everything if selected_series is None else numbering.values.get(("series", selected_series))[1]
        series = {
            slug: (name, count)
            for (kind, slug), (name, bits) in numbering.values.items()
            if kind == "series" and (count := (beside & bits & in_year).bit_count())
        }
        years = {year: n for year, bits in numbering.years.items() if (n := (beside & bits & in_series).bit_count())}
        return series, years

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


def _filters_key(values):
    """The filters' values as plain, comparable values (model instances by slug)."""
    return tuple(sorted((name, _plain(value)) for name, value in values.items()))


def _plain(value):
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    return getattr(value, "slug", value)


def _sql(queryset):
    return queryset.query.sql_with_params()


def fetch(cursor, key, numbering, missing, filterset, language):
    """One query for what is missing: the numbering (when `numbering` is None), the parts' and
    the filters' sets. Returns (numbering, {source key: bits, or (title, head, document) bits})."""
    rows = [_numbering_sql()] if numbering is None else []
    wanted = list(missing.items())
    for index, (want, source) in enumerate(wanted):
        if want[0] == "part":
            select = "SELECT 'part', %s, %s, report_search_set(%s, %s::tsquery, %s), NULL"
            rows += [(select, [str(index), part, part, source, language]) for part in PARTS]
        else:
            sql, params = _sql(filterset.filtered(source).order_by().values("pk"))
            rows.append((f"SELECT 'filter', %s, '', ARRAY({sql}), NULL", [str(index), *params]))
    cursor.execute(" UNION ALL ".join(f"({sql})" for sql, _ in rows), [p for _, params in rows for p in params])
    fetched = cursor.fetchall()
    if numbering is None:
        numbering = _number(key, fetched)
    read, parts = {}, {}
    for kind, index, extra, ids, _ in fetched:
        if kind == "part":
            parts.setdefault(int(index), {})[extra] = numbering.bits(ids or ())
        elif kind == "filter":
            read[wanted[int(index)][0]] = numbering.bits(ids or ())
    for index, sets in parts.items():
        read[wanted[index][0]] = tuple(sets[part] for part in PARTS)
    return numbering, read


def _numbering_sql():
    """(sql, params) of rows (kind, slug, name, ids, years): the published reports in the archive's
    order with their periods' years (start * 10,000 + end), then those of every tag, author and
    series, each grouped by its id before its slug and name are joined (half the time of
    grouping by the names)."""
    published, params = _sql(Report.objects.published().order_by().values("pk", "period_start", "period_end", "series"))
    newest_first = "ORDER BY period_start DESC, pk DESC"
    years = "(EXTRACT(YEAR FROM period_start) * 10000 + EXTRACT(YEAR FROM period_end))::int"
    rows = [f"SELECT 'order', '', '', array_agg(pk {newest_first}), array_agg({years} {newest_first}) FROM published"]
    series = Series._meta.db_table
    rows.append(
        f"SELECT 'series', s.slug, s.name, g.ids, NULL FROM (SELECT series, array_agg(pk) AS ids FROM published "
        f"GROUP BY series) AS g JOIN {series} AS s ON s.id = g.series"
    )
    for kind, link, report, value in (
        ("tag", TaggedReport, "content_object", "tag"),
        ("author", ReportAuthor, "report", "author"),
    ):
        report_column, value_field = link._meta.get_field(report).column, link._meta.get_field(value)
        values = value_field.related_model._meta.db_table
        rows.append(
            f"SELECT '{kind}', v.slug, v.name, g.ids, NULL FROM (SELECT {value_field.column} AS value, "
            f"array_agg({report_column}) AS ids FROM {link._meta.db_table} WHERE {report_column} IN "
            f"(SELECT pk FROM published) GROUP BY {value_field.column}) AS g JOIN {values} AS v ON v.id = g.value"
        )
    return f"WITH published AS MATERIALIZED ({published}) " + " UNION ALL ".join(rows), list(params)


def _number(key, rows):
    """The Numbering that the numbering rows describe."""
    ids, periods = next((ids, years) for kind, _, _, ids, years in rows if kind == "order")
    order = array("q", ids or ())
    position = array("q", [-1]) * ((max(order) + 1) if order else 0)
    for place, pk in enumerate(order):
        position[pk] = place
    numbering = Numbering(key, order, position, {}, {})
    for kind, slug, name, ids, _ in rows:
        if kind in ("tag", "author", "series"):
            numbering.values[kind, slug] = (name, numbering.bits(ids))
    years = {}
    for place, period in enumerate(periods or ()):
        first, last = divmod(period, 10000)
        for year in range(first, last + 1):
            (years.get(year) or years.setdefault(year, bytearray(len(order))))[place] = 1
    numbering.years.update((year, _bits(flags)) for year, flags in years.items())
    return numbering
