from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse


def site(request):
    return {"site_name": settings.SITE_NAME, "site_links": _site_links(get_script_prefix())}


@cache
def _site_links(script_prefix):
    """The addresses every page links to (its header, footer and stylesheets): resolved once
    per process (and script prefix), not ten times on every request."""
    names = {"archive": "archive", "weeks": "weeks", "tags": "tags", "authors": "authors"}
    names |= {"atom": "feed-atom", "rss": "feed-rss"}
    assets = {"favicon": "favicon.svg", "stylesheet": "sitrep.css", "print_stylesheet": "print.css"}
    return {key: reverse(f"reports:{name}") for key, name in names.items()} | {
        key: static(path) for key, path in assets.items()
    }
