from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse


def site(request):
    return {"site_name": settings.SITE_NAME, "site_links": _site_links(get_script_prefix())}


@cache
def _site_links(script_prefix):
    """The addresses every page's header and footer link to: resolved once per process (and
    script prefix), not seven times on every request."""
    names = {"archive": "archive", "weeks": "weeks", "tags": "tags", "atom": "feed-atom", "rss": "feed-rss"}
    return {key: reverse(f"reports:{name}") for key, name in names.items()}
