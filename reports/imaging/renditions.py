"""Renditions of a stored image: several widths in AVIF, WebP and JPEG, and the 1200×630 card
that OpenGraph, Twitter, JSON-LD and the feeds name. Pure Pillow, no database."""

import io
from typing import NamedTuple

from PIL import Image, ImageOps

WIDTHS = (320, 640, 1024, 1600)
FORMATS = (("avif", "AVIF", "image/avif", {"quality": 55}), ("webp", "WEBP", "image/webp", {"quality": 78}),
           ("jpg", "JPEG", "image/jpeg", {"quality": 82, "optimize": True, "progressive": True}))  # fmt: skip
CARD = (1200, 630)
MIME = {extension: mime for extension, _, mime, _ in FORMATS}


class Rendition(NamedTuple):
    kind: str  # "w" (a width for srcset) or "card" (1200×630)
    extension: str  # avif, webp, jpg
    width: int
    height: int
    data: bytes


def _flatten(image):
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGB", image.size, "white")
        white.paste(image, mask=image.getchannel("A"))
        return white
    return image.convert("RGB")


def _encode(image, pillow_format, options):
    out = io.BytesIO()
    image.save(out, pillow_format, **options)
    return out.getvalue()


def make_renditions(data):
    """Every rendition of the image `data`: each width smaller than the original (the original
    width itself when it is narrower than all), in each format, and the card."""
    with Image.open(io.BytesIO(data)) as source:
        image = _flatten(source)
    widths = [w for w in WIDTHS if w < image.width] or [image.width]
    made = []
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image.resize((width, height), Image.Resampling.LANCZOS)
        for extension, pillow_format, _, options in FORMATS:
            made.append(Rendition("w", extension, width, height, _encode(resized, pillow_format, options)))
    card = ImageOps.pad(image, CARD, Image.Resampling.LANCZOS, color="white")
    made.append(Rendition("card", "jpg", *CARD, _encode(card, "JPEG", {"quality": 85, "optimize": True})))
    return made
