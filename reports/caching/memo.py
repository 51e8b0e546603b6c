"""What stays true until the public site changes, computed once per publication generation.

Counts, facets and search rankings each cost a pass over the matching reports, and a page of
reports costs a query and the work of turning rows into what the page shows; yet all of them
change only when an editorial action bumps the generation (or a scheduled report goes live). So they are kept
in Django's cache under that generation (shared by every worker and host when the cache is
Redis): a repeat request renders its page from them without a query, and an editor's change
makes the old results unreachable within the same second as the page cache (the generation
is re-read at most once a second).

Unlike the page cache, the counts, facets and rankings serve staff too (the pages' reports
and report rows do not: see kept_for_readers()), and RESULT_CACHE_SECONDS=0 turns it all off.
"""

import dataclasses
import datetime
import decimal
import hashlib
import pickle

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

from reports.caching.state import current_state

# What unpickling a value whose class was renamed, moved or given other fields raises.
UNLOADABLE = (pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError, EOFError)


def per_generation(name, key, compute):
    """compute(), or what it returned earlier for the same name and key in this generation.

    `key` must say everything the result depends on besides the published reports; it is
    hashed, so it may be long (a search query, say).
    """
    seconds = settings.RESULT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    generation = current_state().key()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    # The active language too: labels, periods and dates in the results are written in it.
    cache_key = f"sitrep:result:{generation}:{get_language()}:{name}:{digest}"
    cache = caches[settings.PAGE_CACHE_ALIAS]
    try:
        value = cache.get(cache_key)
    except UNLOADABLE:
        # Kept (in a shared Redis) by the release before a deploy, with classes that have
        # changed since: the generation has not, so compute it again rather than fail.
        value = None
    if value is None:
        value = require_plain(compute())
        cache.set(cache_key, value, seconds)
    return value


PLAIN_ATOMS = (type(None), bool, int, float, str, bytes, datetime.date, datetime.time, datetime.timedelta)
PLAIN_ATOMS += (decimal.Decimal,)


def require_plain(value):
    """`value` itself, if it is made of plain values only: what may go into a cache shared by
    every host. A model instance (a report with its creating user, say) raises TypeError."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, PLAIN_ATOMS):
            continue
        if isinstance(item, (tuple, list, set, frozenset)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        else:
            raise TypeError(f"Only plain values may be cached, not {type(item).__module__}.{type(item).__qualname__}.")
    return value


def kept_for_readers(request, name, key, compute):
    """per_generation() for readers; logged-in staff always get compute(), the live rows, as
    the page cache lets them through too."""
    if request.user.is_authenticated:
        return compute()
    return per_generation(name, key, compute)
