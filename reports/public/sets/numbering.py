"""The published reports of one publication generation, numbered in the archive's order, with
the set of positions of every tag, author, series, year and language, and the order of their
publication (the feeds'): what reports.public.sets.results answers searches, filters and
feeds from, kept in this process.

Position 0 is the newest period (then the highest id). A set is a Python int used as a bit set:
bit p is the report at position p, so an intersection is `&` and a count is `bit_count()`, at
a cost that follows the number of reports divided by 64; the facets of a set with few members
are counted member by member instead (Numbering.tally), at a cost that follows its members.
One query reads it all once per generation and process (about 0.3 s at 100,000 reports); the
sets that searches and filters read besides (their parts, their other filters) are kept beside
it, within KEPT_BYTES, until the generation changes.
"""

import bisect
import datetime
import heapq
import itertools
import logging
import operator
import re
import threading
from array import array
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import cached_property

from reports.caching.state import current_state
from reports.models import Report, ReportAuthor, Series, TaggedReport

# The filters whose reports are sets here (Numbering.select): a report carries all the chosen tags
# and authors, is in the series and the language, and its period overlaps the days of the year,
# the week and the dates (their filters' days(), reports.public.filters.OverlapFilter).
SET_FILTERS = frozenset({"tag", "author", "series", "year", "lang", "week", "from", "to"})
TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
logger = logging.getLogger(__name__)
# Kept per process: bit sets of parts of queries and of filters (each about 12.5 kB per 100,000
# reports), least recently used out first; and parsed queries (words, not reports).
KEPT_BYTES = 48 * 1024 * 1024
KEPT_PARSES = 2000
NONZERO_BYTES = re.compile(rb"[^\x00]+")
BYTE_BITS = tuple(tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256))
# A set with fewer members than the reports / TALLY_SHARE has its facets counted member by member
# (Numbering.tally): a member costs about what one value's `&` and count cost per 256 reports,
# so a few hundred members beat two hundred tags' sets of 100,000 reports, whatever the archive.
TALLY_SHARE = 256
# The kinds whose facets are counted (Numbering.counts), with their memberships, and the bits of
# a membership's key that hold the value's index.
TALLIED = ("tag", "author", "series")
VALUE_BITS = 20


@dataclass(frozen=True)
class Numbering:
    """The published reports of one generation, numbered in the archive's order, with the sets
    of positions of every facet's values."""

    key: tuple
    order: array  # report id by position
    position: array  # position by report id, -1 for the reports not published
    values: dict  # {(kind, slug): (name, bits)} for kind in tag, author, series, language
    years: dict  # {year: bits}: the reports whose period overlaps it
    starts: array  # the first day of the period by position (date.toordinal()): never rising
    ends: array  # the last day by position
    longest: int  # the most days any period spans, less one
    published_order: array  # the positions by publication, newest first (as the feeds list them)
    # {kind: sorted keys} for TALLIED kinds: position << VALUE_BITS | the value's index in
    # by_kind[kind], for every value each report has, so a position's values are one run of keys
    memberships: dict

    @cached_property
    def everything(self):
        return (1 << len(self.order)) - 1

    def bits(self, ids):
        """The set of the published reports among `ids`."""
        return _set_of(self.places(ids), len(self.order))

    def places(self, ids):
        """The positions of the published reports among `ids`."""
        position, size = self.position, len(self.position)
        return [place for pk in ids if pk < size and (place := position[pk]) >= 0]

    def ids(self, bits, limit, skip=0):
        """The ids of `limit` reports of a set in the archive's order, after the first `skip`."""
        start, end = 0, len(self.order)
        while skip and start < end:  # the first place with `skip` members before it
            middle = (start + end) // 2
            if (bits & ((1 << middle) - 1)).bit_count() < skip:
                start = middle + 1
            else:
                end = middle
        order = self.order
        return [order[start + place] for place in itertools.islice(positions(bits >> start), limit)]

    def newest_published(self, bits, limit):
        """The ids of the `limit` members of a set published last (newest published_at, then the
        highest id first). A sparse set lists its members and takes the newest; a dense one walks
        the publication order until `limit` of its members are found: each costs about
        min(members, limit * reports / members) steps."""
        members, order = bits.bit_count(), self.order
        if not members:
            return []
        if members * members <= limit * len(order):
            rank = self.publication_rank
            return [order[place] for place in heapq.nsmallest(limit, positions(bits), key=rank.__getitem__)]
        flags, found = bits.to_bytes(len(order) // 8 + 1, "little"), []
        for place in self.published_order:
            if flags[place >> 3] >> (place & 7) & 1:
                found.append(order[place])
                if len(found) == limit:
                    break
        return found

    @cached_property
    def publication_rank(self):
        """Each position's place in published_order."""
        rank = array("l", [0]) * len(self.published_order)
        for index, place in enumerate(self.published_order):
            rank[place] = index
        return rank

    @cached_property
    def by_kind(self):
        """{kind: [(slug, name, bits)]} of `values`: a facet's counts read its own kind's alone."""
        grouped = {}
        for (kind, slug), (name, bits) in self.values.items():
            grouped.setdefault(kind, []).append((slug, name, bits))
        return grouped

    def few(self, members):
        """Whether a set of `members` members is counted member by member (tally, tally_years)."""
        return members * TALLY_SHARE < len(self.order)

    def counts(self, bits, kind, members=None):
        """[(slug, name, members)] of the values of `kind` (one of TALLIED) among a set's members,
        in by_kind's order: a few members one by one (tally), more value by value."""
        if self.few(bits.bit_count() if members is None else members):
            return self.tally(bits, kind)
        return [
            (slug, name, n) for slug, name, values in self.by_kind.get(kind, ()) if (n := (bits & values).bit_count())
        ]

    def year_counts(self, bits):
        """{year: members} of a set: the years its members' periods overlap, as `years` has them."""
        if self.few(bits.bit_count()):
            return self.tally_years(bits)
        return {year: n for year, values in self.years.items() if (n := (bits & values).bit_count())}

    def tally(self, bits, kind):
        """counts() of a small set, member by member: at a cost that follows the members."""
        keys, values = self.memberships[kind], self.by_kind.get(kind, ())
        counts, mask = [0] * len(values), (1 << VALUE_BITS) - 1
        for place in positions(bits):
            start = bisect.bisect_left(keys, place << VALUE_BITS)
            for index in range(start, bisect.bisect_left(keys, (place + 1) << VALUE_BITS, start)):
                counts[keys[index] & mask] += 1
        return [(slug, name, n) for (slug, name, _), n in zip(values, counts, strict=True) if n]

    def tally_years(self, bits):
        """year_counts() of a small set, member by member."""
        counts, fromordinal = Counter(), datetime.date.fromordinal
        for place in positions(bits):
            counts.update(range(fromordinal(self.starts[place]).year, fromordinal(self.ends[place]).year + 1))
        return dict(counts)

    def members(self, kind, slug):
        """The set of a tag's, author's, series' or language's published reports (none if unknown)."""
        return self.values.get((kind, slug), ("", 0))[1]

    def overlapping(self, first=None, last=None):
        """The set of the reports whose period overlaps the days from `first` to `last` (dates,
        both included; None leaves that end open). Periods are in the order of their first
        days, so those starting within the days are one run of positions; of those starting
        before, only the ones starting within the longest period's length can reach `first`."""
        starts, ends = self.starts, self.ends
        begin = 0 if last is None else _first_before(starts, last.toordinal() + 1)
        if first is None:
            return self.everything & ~((1 << begin) - 1)
        day = first.toordinal()
        within = max(begin, _first_before(starts, day))
        reach = max(within, _first_before(starts, day - self.longest))
        flags = bytearray(ends[place] >= day for place in range(within, reach))
        return (((1 << within) - 1) & ~((1 << begin) - 1)) | (_bits(flags) << within)

    def select(self, values, filters):
        """The published reports that filters answered from sets (SET_FILTERS) select; `filters`
        are ReportFilter's, whose days() say what a period filter's value means (the year's too:
        `years` is for the year facet's counts)."""
        bits = self.everything
        for name, value in values.items():
            if name in ("tag", "author"):
                for each in value:
                    bits &= self.members(name, each.slug)
            elif name == "series":
                bits &= self.members("series", value.slug)
            elif name == "lang":
                bits &= self.members("language", value)
            else:
                bits &= self.overlapping(*filters[name].days(value))
        return bits


def _newest(row):
    """(first day, id): the archive's order, newest first when reversed."""
    return row[2], row[0]


def _first_before(starts, day):
    """The first position whose period starts before `day` (an ordinal)."""
    return bisect.bisect_left(starts, -(day - 1), key=operator.neg)


def positions(bits):
    """The members of a set (positions), lowest first."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for run in NONZERO_BYTES.finditer(data):
        for index, byte in enumerate(run.group(), run.start()):
            base = index * 8
            for bit in BYTE_BITS[byte]:
                yield base + bit


def _bits(flags):
    """The set whose members are the positions of the 1s in a bytearray of 0s and 1s."""
    return int(flags.translate(TO_DIGITS)[::-1] or b"0", 2)


def _set_of(places, size):
    """The set of these positions, among `size`."""
    flags = bytearray(size)
    for place in places:
        flags[place] = 1
    return _bits(flags)


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


kept = Kept()


def forget():
    """Make this process number the reports again (tests: their data rolls back, generations with it)."""
    with kept.lock:
        kept.reset()
        kept.parses.clear()


def generation_key():
    reading = current_state()
    return reading.generation, reading.changed_at, reading.passed()


def numbering_sql():
    """(sql, params) of rows (kind, slug, name, ids, years): the published reports in the archive's
    order with their periods' years (start * 10,000 + end), then those of every tag, author and
    series, each grouped by its id before its slug and name are joined (half the time of
    grouping by the names)."""
    columns = ("pk", "period_start", "period_end", "series", "language", "published_at")
    # Materialized in the archive's order, which the 'order' and 'periods' rows aggregate in
    # (one sort; an ORDER BY in each aggregate sorted four times). number() checks the order.
    in_order = Report.objects.published().order_by(*Report._meta.ordering).values(*columns)
    published, params = in_order.query.sql_with_params()
    years = "(EXTRACT(YEAR FROM period_start) * 10000 + EXTRACT(YEAR FROM period_end))::int"
    rows = [f"SELECT 'order', '', '', array_agg(pk), array_agg({years}) FROM published"]
    day = "({} - DATE '0001-01-01' + 1)"  # date.toordinal()
    rows.append(
        f"SELECT 'periods', '', '', array_agg({day.format('period_start')}), "
        f"array_agg({day.format('period_end')}) FROM published"
    )
    rows.append("SELECT 'published', '', '', array_agg(pk ORDER BY published_at DESC, pk DESC), NULL FROM published")
    rows.append("SELECT 'language', language, '', array_agg(pk), NULL FROM published GROUP BY language")
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
        # Every link, published or not: Numbering.bits() drops the reports not published (a
        # semi-join with them cost four times the grouping).
        rows.append(
            f"SELECT '{kind}', v.slug, v.name, g.ids, NULL FROM (SELECT {value_field.column} AS value, "
            f"array_agg({report_column}) AS ids FROM {link._meta.db_table} "
            f"GROUP BY {value_field.column}) AS g JOIN {values} AS v ON v.id = g.value"
        )
    return f"WITH published AS MATERIALIZED ({published}) " + " UNION ALL ".join(rows), list(params)


def number(key, rows):
    """The Numbering that the numbering rows describe."""
    ids, periods = next((ids or [], years or []) for kind, _, _, ids, years in rows if kind == "order")
    starts, ends = next((s or [], e or []) for kind, _, _, s, e in rows if kind == "periods")
    if not all(map(operator.ge, zip(starts, ids, strict=True), zip(starts[1:], ids[1:], strict=True))):
        # Not in the archive's order (PostgreSQL aggregates a materialized CTE in its order, but
        # does not promise to): sorted here.
        logger.warning("numbering: the published reports came out of order; sorting them")
        reordered = sorted(zip(ids, periods, starts, ends, strict=True), key=_newest, reverse=True)
        ids, periods, starts, ends = map(list, zip(*reordered, strict=True))
    starts, ends = array("l", starts), array("l", ends)
    order = array("q", ids)
    position = array("q", [-1]) * ((max(order) + 1) if order else 0)
    for place, pk in enumerate(order):
        position[pk] = place
    longest = max(map(operator.sub, ends, starts), default=0)
    published = next(ids for kind, _, _, ids, _ in rows if kind == "published") or ()
    published_order = array("l", [position[pk] for pk in published])
    numbering = Numbering(key, order, position, {}, {}, starts, ends, longest, published_order, {})
    # Each value's memberships are made from its positions as it is numbered: a pass of their
    # own over every set's members took a second per worker and generation at 1,000,000 reports.
    keys, numbered = {kind: [] for kind in TALLIED}, Counter()
    for kind, slug, name, ids, _ in rows:
        if kind in ("tag", "author", "series", "language") and (places := numbering.places(ids)):
            if kind in keys:  # its index in by_kind[kind]: how many values of its kind came before it
                index, numbered[kind] = numbered[kind], numbered[kind] + 1
                keys[kind] += (place << VALUE_BITS | index for place in places)
            numbering.values[kind, slug] = (name, _set_of(places, len(order)))
    numbering.memberships.update((kind, array("q", sorted(made))) for kind, made in keys.items())
    years = {}
    for place, period in enumerate(periods or ()):
        first, last = divmod(period, 10000)
        for year in range(first, last + 1):
            (years.get(year) or years.setdefault(year, bytearray(len(order))))[place] = 1
    numbering.years.update((year, _bits(flags)) for year, flags in years.items())
    return numbering
