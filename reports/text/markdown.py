"""Markdown to safe HTML for report bodies.

Raw HTML in the source is escaped by Markdown itself (its HTML passes are removed), and the
result is sanitised by nh3 as a second line: no tags outside the allow-list, no event
attributes, and links only with http, https or mailto.
"""

import hashlib

import markdown
import nh3
from django.conf import settings
from django.core.cache import caches
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _markdown_without_raw_html():
    md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(source):
    html = _markdown_without_raw_html().convert(source or "")
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )


# A day: bodies read often stay rendered; an edited body's old HTML expires on its own.
MARKDOWN_CACHE_SECONDS = 24 * 60 * 60


def cached_markdown(source):
    """render_markdown(source), kept in the cache under a hash of the source: the same text
    always gives the same HTML, so nothing needs invalidating, and a report page or API
    response does not re-parse a body that has not changed."""
    key = f"sitrep:markdown:{hashlib.sha256((source or '').encode()).hexdigest()}"
    cache = caches[settings.PAGE_CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = str(render_markdown(source))
        cache.set(key, html, MARKDOWN_CACHE_SECONDS)
    return mark_safe(html)  # sanitised by render_markdown before it was kept
