"""Figures as pages show them: <picture> elements with srcset, sizes, width and height, made
from plain values (FigureData) so that they can be kept in the caches.

Until a figure's renditions exist (a background task makes them) its picture is the original
alone. Picture.html() is the markup the report page, the body's ![](figure:N) and the archive use.
"""

from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from reports.imaging.renditions import MIME
from reports.public.media.files import file_url

PAGE_SIZES = "(min-width: 50rem) 46rem, 100vw"  # the report column, .report in static/sitrep.css
THUMBNAIL_SIZES = "8rem"


class Picture(NamedTuple):
    number: int  # 1 for the lead figure, as ![](figure:1) counts
    src: str
    width: int
    height: int
    alt_text: str
    caption: str
    credit: str
    long_description: str
    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) for AVIF and WebP
    jpeg_srcset: str
    card_url: str  # the 1200×630 rendition, or "" until it exists
    thumbnail_url: str  # the smallest JPEG, or the original until it exists

    def html(self, sizes=PAGE_SIZES, *, details=True):
        context = {"picture": self, "sizes": sizes, "details": details}
        return mark_safe(render_to_string("reports/_figure.html", context))

    def thumbnail_html(self):
        return self.html(THUMBNAIL_SIZES, details=False)


def picture(number, figure, *, preview=None):
    """The Picture of FigureData `figure`, the number-th of its report."""
    url = lambda name: file_url(name, preview=preview)  # noqa: E731
    widths = sorted((r for r in figure.renditions if r["kind"] == "w"), key=lambda r: r["width"])
    srcset = {
        ext: ", ".join(f"{url(r['name'])} {r['width']}w" for r in widths if r["ext"] == ext) for ext in MIME
    }
    cards = [r for r in figure.renditions if r["kind"] == "card"]
    jpegs = [r for r in widths if r["ext"] == "jpg"]
    return Picture(
        number=number,
        src=url(figure.image),
        width=figure.width,
        height=figure.height,
        alt_text=figure.alt_text,
        caption=figure.caption,
        credit=figure.credit,
        long_description=figure.long_description,
        sources=tuple((MIME[ext], srcset[ext]) for ext in ("avif", "webp") if srcset[ext]),
        jpeg_srcset=srcset["jpg"],
        card_url=url(cards[0]["name"]) if cards else "",
        thumbnail_url=url(jpegs[0]["name"]) if jpegs else url(figure.image),
    )


def pictures(figure_list, *, preview=None):
    return tuple(picture(number, figure, preview=preview) for number, figure in enumerate(figure_list, start=1))

