"""This process's reading of the publication state, and what a moment makes of it.

Each process re-reads the PublicationState row at most once per PAGE_CACHE_CHECK_SECONDS
(so a cache hit costs no SQL at all, and a worker with its own local-memory cache still sees
an editor's change within that second) and keeps it as plain values. Reading never writes:
the row lists when scheduled reports go live, so the key of what readers see now is the
generation and the number of those moments that have passed, worked out from the clock.
"""

import bisect
import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, F, JSONField, Q, When
from django.utils import timezone

from reports.models import PublicationState
from reports.models.publication import derive

NEVER = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Reading:
    """The row as read, with no model attached."""

    generation: int
    changed_at: datetime.datetime
    schedule: tuple  # aware datetimes, in order
    vocabulary: dict
    stored: bool = True  # read from the row, not derived (see read())

    def passed(self, now=None):
        """How many of the scheduled moments have passed by `now`."""
        return bisect.bisect_right(self.schedule, now or timezone.now())

    def key(self, now=None):
        """What keys cached pages and results: it changes with every change readers can see,
        an editor's or the clock's."""
        return f"{self.generation}.{self.passed(now)}"

    def last_modified(self, now=None):
        """When readers last saw the public site change."""
        passed = self.passed(now)
        return max(self.changed_at, self.schedule[passed - 1]) if passed else self.changed_at


def read(previous=None):
    """The row as a Reading; `previous` itself when the row's generation and moment of change are
    still those `previous` was read with: the vocabulary, which only a change rewrites, is then
    neither sent again (2 MB of JSON at 1,000,000 reports) nor parsed again
    (reports.caching.vocabulary). One query either way. A database without the row (a flushed
    test database), or whose row has no vocabulary yet (just migrated), is derived here and
    nothing is written."""
    rows = PublicationState.objects.filter(pk=1)
    if reusable := previous is not None and previous.stored:
        unchanged = Q(generation=previous.generation, changed_at=previous.changed_at)
        changed = Case(When(unchanged, then=None), default=F("vocabulary"), output_field=JSONField())
        rows = rows.defer("vocabulary").annotate(changed_vocabulary=changed)
    state = rows.first()
    if reusable and state is not None:
        if state.changed_vocabulary is None:
            return previous
        state.vocabulary = state.changed_vocabulary
    if state is None or "tags" not in state.vocabulary:
        schedule, vocabulary = derive()
        generation, changed_at = (state.generation, state.changed_at) if state else (0, NEVER)
        moments = tuple(map(datetime.datetime.fromisoformat, schedule))
        return Reading(generation, changed_at, moments, vocabulary, stored=False)
    return Reading(state.generation, state.changed_at, state.scheduled_moments, state.vocabulary)


class _Seen:
    """This process's last Reading, and when it was taken."""

    reading = None
    read_at = 0.0


_seen = _Seen()


def forget():
    """Make this process read the state again on its next request."""
    _seen.reading = None


def last_seen():
    """The last Reading this process took, or None: what is served while the database is away."""
    return _seen.reading


def current_state():
    """The publication state, read from the database at most once per check interval."""
    moment = time.monotonic()
    if _seen.reading is None or moment - _seen.read_at >= settings.PAGE_CACHE_CHECK_SECONDS:
        _seen.reading, _seen.read_at = read(_seen.reading), moment
    return _seen.reading
