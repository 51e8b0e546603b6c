"""`manage.py check --deploy`: alerts need an HTTPS SITE_URL, since every alert's links and its
List-Unsubscribe address (RFC 8058 requires HTTPS) are absolute."""

from django.conf import settings
from django.core.checks import Warning, register


@register("alerts", deploy=True)
def site_url_is_https(app_configs, **kwargs):
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            "SITE_URL is not an https:// address: links in alerts, and their one-click unsubscribe, "
            "would point to the development server.",
            hint="Set SITE_URL to the site's public address, e.g. https://sitrep.example.org.",
            id="sitrep.W001",
        )
    ]
