"""Public queries compiled once per process and shape, then run with each request's values.

A new request for a report page or an archive page used to spend more time building and
compiling its querysets (cloning, resolving expressions, writing SQL: about 9 ms for a report
page) than PostgreSQL spent planning and running them (about 2 ms). Yet the SQL of such a query
depends only on its shape (which filters, how many tags, which page of a block), not on the
values. So `run(key, build, **values)` builds the queryset once per process for `key` and the
shape of `values`, from stand-ins ("slots") for the values, compiles it, and notes where each
stand-in landed among the SQL's parameters; each later call puts the request's values there and
runs the same SQL through the same compiler, so rows become model instances, values or tuples
exactly as the queryset itself would make them.

What may be a value: None, bools (part of the shape), ints, strings, dates, datetimes, model
instances (by their pk) and lists or tuples of these. The moment readers see the site at
(Report.objects.published()) is a slot too (reports.models.report.reading_moment), filled
with timezone.now() on every run.

A shape is refused (and that query is simply built as usual, every time) when its SQL could
hold a value the slots do not replace: a moment that is not the reading moment, a value
derived from a stand-in (a date computed from a slotted date, say), or a stand-in written into
the SQL text instead of its parameters. Tests compare every public shape with the queryset run
directly (tests/caching/test_compiled_queries.py).
"""

import datetime
import logging
import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from reports.models.report import building_at

logger = logging.getLogger(__name__)

# Where parameters reach the driver as the values themselves; SQLite's backend writes dates and
# moments as text first (and SQLite plans a query in microseconds anyway).
COMPILED_VENDORS = ("postgresql",)
KEPT = 200  # shapes kept per process (80-170 kB each, the report page largest), least recent out first
INT_BASE = -(10**15)  # stand-in ints count down from here; no id or number comes near
DATE_BASE = datetime.date(1, 1, 1)  # stand-in dates are days of the year 1
MARK = "sitrepslot"  # in every stand-in string (between control characters, which no reader can send)
MOMENT = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)  # the reading moment's stand-in


class Refused(Exception):
    """This shape's SQL cannot be re-run with other values."""


class Slots:
    """Stand-ins for one build: each a value no real query holds, mapped to where it stands."""

    def __init__(self):
        self.names = {}  # stand-in -> its path among the values, e.g. ("tag", 0)

    def stand_in(self, value, path):
        """`value` with every atom replaced by a stand-in of its own type."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (list, tuple)):
            return type(value)(self.stand_in(item, (*path, index)) for index, item in enumerate(value))
        if isinstance(value, models.Model):
            return type(value)(pk=self._new(int, path))
        if isinstance(value, (int, str, datetime.datetime, datetime.date)):
            return self._new(type(value), path)
        raise Refused(f"{type(value).__name__} values are not slotted")

    def _new(self, kind, path):
        number = len(self.names)
        if kind is int:
            stand_in = INT_BASE - number
        elif kind is str:
            stand_in = f"\x1f{MARK}{number}\x1f"
        elif kind is datetime.datetime:
            stand_in = MOMENT + datetime.timedelta(days=1 + number)
        else:
            stand_in = DATE_BASE + datetime.timedelta(days=100 + number)
        self.names[stand_in] = path
        return stand_in


def shape(value):
    """What of a value decides its SQL: its types, lengths, Nones and bools."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(shape(item) for item in value)
    return type(value).__name__


def atom(values, path):
    """The value at `path` ("tag", 0, ...) among `values`; a model instance by its pk."""
    value = values[path[0]]
    for index in path[1:]:
        value = value[index]
    return value.pk if isinstance(value, models.Model) else value


class CompiledQuery:
    """One shape's SQL, its compiler and queryset, and where each value goes among its parameters."""

    def __init__(self, build, values, using):
        slots = Slots()
        slotted = {name: slots.stand_in(value, (name,)) for name, value in values.items()}
        token = building_at.set(MOMENT)
        try:
            self.queryset = build(**slotted)
        finally:
            building_at.reset(token)
        self.db = using
        self.compiler = self.queryset.query.get_compiler(using=self.db)
        self.sql, params = self.compiler.as_sql()
        self.places = [self._place(param, slots.names) for param in params]
        self.params = list(params)
        placed = {path for place in self.places if place for path in _paths(place)}
        if placed - {("now",)} != set(slots.names.values()):
            raise Refused("a value does not reach the SQL as a parameter")
        if MARK in self.sql or str(INT_BASE)[:8] in self.sql:
            raise Refused("a value is written into the SQL text")

    @staticmethod
    def _place(param, names):
        """None for a constant parameter; otherwise what fills it on each run."""
        if isinstance(param, DateRange):
            lower, upper = (CompiledQuery._place(bound, names) for bound in (param.lower, param.upper))
            if lower is None and upper is None:
                return None
            return ("range", lower or ("constant", param.lower), upper or ("constant", param.upper), param.bounds)
        if param == MOMENT:
            return ("value", ("now",))
        if param in names:
            return ("value", names[param])
        if isinstance(param, datetime.datetime):
            raise Refused("the SQL holds a moment other than the reading moment")
        if isinstance(param, datetime.date) and param.year == 1:
            raise Refused("the SQL holds a date computed from a stand-in")
        if isinstance(param, int) and not isinstance(param, bool) and param <= INT_BASE // 10:
            raise Refused("the SQL holds a number computed from a stand-in")
        if isinstance(param, str) and (MARK in param or param.startswith("0001-")):  # a stand-in as text
            raise Refused("the SQL holds a string computed from a stand-in")
        return None

    def run(self, values):
        """The rows for `values` (of this shape): a list, as the queryset would give them."""
        values = {**values, "now": timezone.now()}
        places = zip(self.params, self.places, strict=True)
        params = [param if place is None else _fill(place, values) for param, place in places]
        # Shallow copies, each changed only in what this run needs (copy.copy() would evaluate a
        # QuerySet: its __getstate__ fetches the rows).
        compiler = _shallow(self.compiler, connection=connections[self.db])
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        query = _shallow(self.queryset.query, get_compiler=lambda *args, **kwargs: compiler)
        queryset = _shallow(self.queryset, _query=query, _result_cache=None, _prefetch_done=False)
        return list(queryset)


def _shallow(obj, **changes):
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__, **changes)
    return copied


def _fill(place, values):
    kind = place[0]
    if kind == "value":
        return atom(values, place[1])
    if kind == "constant":
        return place[1]
    _, lower, upper, bounds = place
    return DateRange(_fill(lower, values), _fill(upper, values), bounds)


def _paths(place):
    if place[0] == "value":
        return [place[1]]
    if place[0] == "range":
        return _paths(place[1]) + _paths(place[2])
    return []


# This process's compiled shapes, least recently used first; a refused shape is kept as None, so
# that it is tried once. The lock serves threaded servers (runserver, gthread workers).
_kept = OrderedDict()
_lock = threading.Lock()


def run(key, build, *, using=None, **values):
    """build(**values) evaluated to a list, from SQL compiled once per process for `key` and the
    shape of `values` (see the module's docstring). `key` must say everything else the SQL
    depends on; `build` must make its queryset from `values` and the reading moment alone."""
    using = using or "default"
    if connections[using].vendor not in COMPILED_VENDORS:
        return list(build(**values))
    full_key = (key, using, tuple((name, shape(v)) for name, v in sorted(values.items())))
    with _lock:
        found = full_key in _kept
        compiled = _kept.get(full_key)
        if found:
            _kept.move_to_end(full_key)
    if not found:
        try:
            compiled = CompiledQuery(build, values, using)
        except (Refused, EmptyResultSet, ValueError, TypeError, OverflowError) as reason:
            # Not re-runnable, a query with no SQL at all (.none()), or a stand-in a builder cannot take.
            logger.info("Not compiling %r: %s", key, reason)
            compiled = None
        with _lock:
            _kept[full_key] = compiled
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    if compiled is None:
        return list(build(**values))
    return compiled.run(values)


def forget():
    """Drop every compiled shape (tests that change the schema or the settings queries read)."""
    with _lock:
        _kept.clear()
