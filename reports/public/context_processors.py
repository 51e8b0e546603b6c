from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language, get_language_bidi


def site(request):
    language = get_language()
    return {
        "site_name": settings.SITE_NAME,
        "site_links": _site_links(get_script_prefix(), language),
        "page_language": language,
        "page_direction": "rtl" if get_language_bidi() else "ltr",
        "language_switch": language_switch(request, language),
    }


def language_switch(request, language):
    """The same page in the other language, its filters (the query string) kept: /ar/ is
    added to or taken off the address (sitrep/urls.py's i18n_patterns, the default language
    unprefixed). The query string is the one the page cache left (only the parameters the
    view reads), so a cached page never carries someone's utm_ tags in its switcher.
    Error and preview pages use `home` (templates' language_switch_href block)."""
    other = next(code for code, _ in settings.LANGUAGES if code != language)
    path = request.path_info
    if language != settings.LANGUAGE_CODE:
        path = path.removeprefix(f"/{language}")
    if other != settings.LANGUAGE_CODE:
        path = f"/{other}{path}"
    query = request.META.get("QUERY_STRING", "")
    href = escape_uri_path(get_script_prefix().rstrip("/") + path) + (f"?{query}" if query else "")
    # Error and preview pages link to the other language's archive instead: their address
    # may name something readers must not learn of (a draft's slug, a preview token).
    home = get_script_prefix() + (f"{other}/" if other != settings.LANGUAGE_CODE else "")
    return {"code": other, "name": dict(settings.LANGUAGES)[other], "href": href, "home": home}


@cache
def _site_links(script_prefix, language):
    """The addresses every page links to (its header, footer and stylesheets): resolved once
    per process (script prefix and language: /ar/ pages link to /ar/), not ten times on every request."""
    names = {"archive": "archive", "weeks": "weeks", "tags": "tags", "authors": "authors"}
    names |= {"atom": "feed-atom", "rss": "feed-rss", "alerts": "alerts-subscribe"}
    assets = {"favicon": "favicon.svg", "stylesheet": "sitrep.css", "print_stylesheet": "print.css"}
    return {key: reverse(f"reports:{name}") for key, name in names.items()} | {
        key: static(path) for key, path in assets.items()
    }
