"""Anonymous public pages from Django's cache, never more than a second stale.

What readers see is versioned by one database row, PublicationState. Whatever changes the
public site calls `public_changed()` inside its own transaction, which bumps the generation;
cached pages are keyed by generation, so the old ones are simply never read again. Each
process re-reads the row at most once a second (PAGE_CACHE_CHECK_SECONDS), so a cache hit
costs no SQL at all, and a worker with its own local-memory cache still sees an editor's
change within that second. When the clock passes the next scheduled publication, the first
request to notice bumps the generation: scheduled reports appear with no cron job. While the
database is away, cached pages are still served (nothing can change meanwhile) and the rest
answer 503.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Min
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string

from reports.caching import vocabulary
from reports.models import PublicationState, Report

CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")


class _Seen:
    """This process's last reading of PublicationState, and when it was taken."""

    state = None
    read_at = 0.0


_seen = _Seen()


def forget():
    """Make this process read PublicationState again on its next request."""
    _seen.state = None


@transaction.atomic
def public_changed():
    """Record that what readers see has changed. Call it in the transaction that changed it."""
    next_scheduled = Report.objects.scheduled().aggregate(first=Min("published_at"))["first"]
    now = timezone.now()
    changes = {"changed_at": now, "next_scheduled_at": next_scheduled, "vocabulary": vocabulary.compute()}
    bumped = PublicationState.objects.filter(pk=1).update(generation=F("generation") + 1, **changes)
    if not bumped:
        PublicationState.objects.create(pk=1, **changes)
    forget()
    hook = getattr(settings, "PAGE_PURGE_HOOK", "")
    if hook:  # e.g. tell a CDN to purge, once the change is committed
        transaction.on_commit(lambda: import_string(hook)())


def current_state():
    """The publication state, read from the database at most once per check interval."""
    moment = time.monotonic()
    seen = _seen.state
    scheduled_passed = seen is not None and seen.next_scheduled_at and timezone.now() >= seen.next_scheduled_at
    if seen is None or scheduled_passed or moment - _seen.read_at >= settings.PAGE_CACHE_CHECK_SECONDS:
        seen = PublicationState.objects.filter(pk=1).first()
        scheduled_passed = seen is not None and seen.next_scheduled_at and timezone.now() >= seen.next_scheduled_at
        if seen is None or scheduled_passed or not seen.vocabulary:
            # The first reading ever (or the first since the vocabulary was added), or a
            # scheduled report has gone live since the last change.
            public_changed()
            seen = PublicationState.objects.get(pk=1)
        _seen.state, _seen.read_at = seen, moment
    return seen


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the cache, with ETag and Last-Modified."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[settings.PAGE_CACHE_ALIAS]

    def bypass(self, request):
        return (
            settings.PAGE_CACHE_SECONDS <= 0
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PATHS)
            or "HTTP_AUTHORIZATION" in request.META
            or request.user.is_authenticated  # staff always see the live site
        )

    @staticmethod
    def storable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
            and response.get("Content-Type", "").startswith(CACHEABLE_TYPES)
        )

    def __call__(self, request):
        if self.bypass(request):
            return self.get_response(request)
        try:
            state = current_state()
        except (OperationalError, InterfaceError):
            # The database is away. Nothing can change until it is back, so the pages cached
            # under the last generation seen are still true; a page not cached goes on to its
            # view, which answers 503 (sitrep.middleware.DatabaseUnavailableMiddleware).
            state = _seen.state
            if state is None:
                return self.get_response(request)
        path = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
        key = f"sitrep:page:{state.generation}:{path}"
        entry = self.cache.get(key)
        if entry is None:
            response = self.get_response(request)
            if not self.storable(response):
                return response
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            self.cache.set(key, (response["Content-Type"], response.content, etag), settings.PAGE_CACHE_SECONDS)
        else:
            content_type, content, etag = entry
            response = HttpResponse(content, content_type=content_type)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(state.changed_at.timestamp())
        # Browsers and proxies must revalidate (cheap: a 304) so nobody keeps a stale page;
        # a CDN may keep it for CDN_MAX_AGE seconds, purged on change through PAGE_PURGE_HOOK.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        if settings.CDN_MAX_AGE:
            patch_cache_control(response, s_maxage=settings.CDN_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(
            request, etag=etag, last_modified=int(state.changed_at.timestamp()), response=response
        )
