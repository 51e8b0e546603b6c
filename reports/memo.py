"""What stays true until the public site changes, computed once per publication generation.

Counts, facets and search rankings each cost a pass over
the matching reports, yet they change only when reports.page_cache.public_changed() bumps the
generation. So they are kept in Django's cache under that generation (shared by every worker
and host when the cache is Redis): a reader's request pays for the page it shows, not for a
scan of the archive, and an editor's change makes the old results unreachable within the
same second as the page cache (the generation is re-read at most once a second).

Unlike the page cache this serves staff too, and RESULT_CACHE_SECONDS=0 turns it off, so the
benchmark can show what a first request after a change costs.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches

from .page_cache import current_state


def per_generation(name, key, compute):
    """compute(), or what it returned earlier for the same name and key in this generation.

    `key` must say everything the result depends on besides the published reports; it is
    hashed, so it may be long (a search query, say).
    """
    seconds = settings.RESULT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    generation = current_state().generation
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    cache_key = f"sitrep:result:{generation}:{name}:{digest}"
    cache = caches[settings.PAGE_CACHE_ALIAS]
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value
