"""Markdown to safe HTML for report bodies.

Raw HTML in the source is escaped by Markdown itself (its HTML passes are removed), and the
result is sanitised by nh3 as a second line: no tags outside the allow-list, no event
attributes, and links only with http, https or mailto. No image from anywhere loads: <img> is
not allowed. The one way to place an image is `![](figure:N)` on a line of its own, which puts
the report's figure N there: the caller passes `figures`, {N: its safe HTML}, as plain values
(this module never reads the database). A reference to a figure the report lacks vanishes.
"""

import hashlib
import json
import re
import secrets
import threading

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


_converters = threading.local()


def _markdown_without_raw_html():
    """This thread's Markdown converter, reset for a new text: building one (its extensions and
    their patterns) costs more than converting a report's body."""
    md = getattr(_converters, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        _converters.md = md
    return md.reset()


FIGURE_REFERENCE = re.compile(r"!\[[^\]\n]*\]\(\s*figure:(\d{1,3})\s*\)")


def render_markdown(source, figures=None):
    return place_figures(*_converted(source), figures)


def _converted(source, nonce=None):
    """(the sanitised HTML of `source` with a token where each figure reference stood, the token's nonce)."""
    # A figure reference becomes letters and digits that Markdown leaves alone, with a nonce
    # so that no text the writer typed can pass for one.
    nonce = nonce or secrets.token_hex(8)
    source = FIGURE_REFERENCE.sub(lambda match: f"SITREPFIGURE{nonce}N{int(match[1])}X", source or "")
    html = nh3.clean(
        _markdown_without_raw_html().convert(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return html, nonce


def place_figures(html, nonce, figures=None):
    """`html` from _converted() with each figure token replaced by that figure's HTML."""
    token = f"SITREPFIGURE{nonce}N"
    if token not in html:  # most bodies: no figure, and no pattern with this nonce to compile
        return mark_safe(html)

    def place(match):
        block = match[1] and match[3]  # a paragraph of its own: a <figure> may stand there
        return (figures or {}).get(int(match[2]), "") if block else (match[1] or "") + (match[3] or "")

    return mark_safe(re.sub(rf"(<p>)?{token}(\d+)X(</p>)?", place, html))


def _digest(source):
    return hashlib.sha256((source or "").encode()).hexdigest()


def stored_rendering(source):
    """What a report keeps beside its body (Report.body_rendering): the digest of `source`, the
    nonce and the sanitised HTML with its figure tokens, so that a page or the API shows a body
    without converting it, and a rendering that is not of the current body is never used."""
    # The nonce comes from the digest of the source, which no text can contain (a dump of the
    # same reports is the same file); a rendered view's own nonce is random.
    digest = _digest(source)
    html, nonce = _converted(source, nonce=hashlib.sha256(f"figures:{digest}".encode()).hexdigest()[:16])
    return f"{digest}:{nonce}:{html}"


def _kept(rendering, source):
    """(html, nonce) of `rendering` (stored_rendering()), as place_figures() takes them, if it is
    that of `source`; else None."""
    digest, _, rest = (rendering or "").partition(":")
    nonce, separator, html = rest.partition(":")
    return (html, nonce) if separator and digest == _digest(source) else None


def renders(rendering, source):
    """Whether `rendering` (stored_rendering()) is that of `source`."""
    return _kept(rendering, source) is not None


def body_html(source, rendering, figures=None):
    """render_markdown(source, figures): from `rendering` (stored_rendering()) when it is that
    of `source`, else converted (and kept by cached_markdown)."""
    if kept := _kept(rendering, source):
        return place_figures(*kept, figures)
    return cached_markdown(source, figures)


# A day: bodies read often stay rendered; an edited body's old HTML expires on its own.
MARKDOWN_CACHE_SECONDS = 24 * 60 * 60


def cached_markdown(source, figures=None):
    """render_markdown(source, figures), kept in the cache under a hash of the source: the same text
    always gives the same HTML, so nothing needs invalidating, and a report page or API
    response does not re-parse a body that has not changed."""
    placed = json.dumps(figures, sort_keys=True) if figures else ""
    key = f"sitrep:markdown:{hashlib.sha256(((source or '') + placed).encode()).hexdigest()}"
    cache = caches[settings.PAGE_CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = str(render_markdown(source, figures))
        cache.set(key, html, MARKDOWN_CACHE_SECONDS)
    return mark_safe(html)  # sanitised by render_markdown before it was kept
