"""Anonymous public pages from Django's cache, never more than a second stale.

What readers see is versioned by one database row, PublicationState, which every editorial
action that changes the public site bumps in its own transaction (reports.models.publication).
Cached pages are keyed by the state this process last read (reports.caching.state), so the old
ones are simply never read again; a scheduled report going live changes the key by the clock
alone, with no write. Keys carry the release (settings.RELEASE, in the cache's KEY_PREFIX) and
only the query parameters the page's view declares it reads (`query_parameters`): the others
are taken off the request before the view sees it, so `?utm_source=` makes no new entry and
cannot show up in a cached page's links. While the database is away, cached pages are still
served (nothing can change meanwhile) and the rest answer 503.

It stands before the session, language, common, CSRF and authentication middleware
(sitrep/settings.py), so that a hit costs none of them: a request with a session cookie (staff)
goes past it to the live site, the language is the address's own (sitrep.locale), and a page
is kept with the headers those layers gave it, which a hit then gives again.
"""

import hashlib
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language_from_path

from reports.caching.state import current_state, last_seen

CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")
# What a hit sets itself: the body's length, and the validators of the state it is read under.
OWN_HEADERS = {"content-length", "etag", "last-modified"}


@lru_cache(maxsize=4096)
def declared_parameters(path_info, urlconf=None):
    """The query parameters the view of `path_info` reads, or None when it declares none."""
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None) or match.func
    return getattr(view, "query_parameters", None)


def keep_declared_parameters(request):
    """Take the query parameters the view does not read off the request (in order, repeats kept)."""
    if not request.META.get("QUERY_STRING"):
        return
    names = declared_parameters(request.path_info, getattr(request, "urlconf", None))
    if names is None or all(name in names for name in request.GET):
        return
    kept = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if name in names:
            kept.setlist(name, values)
    request.GET = kept
    request.META["QUERY_STRING"] = kept.urlencode()


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
            or settings.SESSION_COOKIE_NAME in request.COOKIES  # staff always see the live site
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
            state = last_seen()
            if state is None:
                return self.get_response(request)
        keep_declared_parameters(request)
        path = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
        # The path says the language (/ar/ or not; sitrep.locale), and the key says it again, so
        # an English page is never served for an Arabic address whatever routes are translated.
        language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        key = f"sitrep:page:{state.key()}:{language}:{path}"
        entry = self.cache.get(key)
        if entry is None:
            response = self.get_response(request)
            if not self.storable(response):
                return response
            etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            headers = tuple((name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS)
            self.cache.set(key, (headers, response.content, etag), settings.PAGE_CACHE_SECONDS)
        else:
            headers, content, etag = entry
            response = HttpResponse(content, headers={**dict(headers), "Content-Length": str(len(content))})
        response["ETag"] = etag
        last_modified = int(state.last_modified().timestamp())
        response["Last-Modified"] = http_date(last_modified)
        # Browsers and proxies must revalidate (cheap: a 304) so nobody keeps a stale page;
        # a CDN may keep it for CDN_MAX_AGE seconds, purged on change through PAGE_PURGE_HOOK.
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        if settings.CDN_MAX_AGE:
            patch_cache_control(response, s_maxage=settings.CDN_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
