"""An uploaded image, checked by decoding it (never by its name) and stored without metadata.

check_image(file) returns the format and size Pillow found, or raises ImageRefused with a
sentence for the person who uploaded it. clean_image(file) returns the bytes to store: the
same picture re-encoded without EXIF, GPS positions, XMP, IPTC or camera serials.
"""

import io
import warnings
from typing import NamedTuple

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
ACCEPTED_NAMES = "JPEG, PNG, WebP or AVIF"
SAVE_OPTIONS = {"JPEG": {"quality": 92}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}, "AVIF": {"quality": 80}}


class ImageRefused(ValueError):
    """An upload that is not an image sitrep stores; str() says why."""


class CheckedImage(NamedTuple):
    format: str  # Pillow's name: JPEG, PNG, WEBP, AVIF
    width: int
    height: int

    @property
    def extension(self):
        return ACCEPTED[self.format]


def _read(file):
    if getattr(file, "size", None) is not None and file.size > MAX_BYTES:
        raise ImageRefused(f"This file is larger than 20 MB ({file.size / 1024 / 1024:.1f} MB). Make it smaller first.")
    file.seek(0)
    data = file.read(MAX_BYTES + 1)
    file.seek(0)
    if len(data) > MAX_BYTES:
        raise ImageRefused("This file is larger than 20 MB. Make it smaller first.")
    return data


def check_image(file):
    """What `file` (any file-like object) is, once decoded in full; ImageRefused if not acceptable."""
    return _decode(_read(file))[1]


def _decode(data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            kind = probe.format
            if kind not in ACCEPTED:
                raise ImageRefused(f"This file is not a {ACCEPTED_NAMES} image, whatever its name says.")
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageRefused(
                    f"This image has {probe.width}×{probe.height} pixels, more than 50 megapixels. "
                    "Make it smaller first."
                )
            image = Image.open(io.BytesIO(data))
            image.load()  # decodes every pixel: a truncated file fails here
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(f"This file is not a {ACCEPTED_NAMES} image, whatever its name says.") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRefused("This image is damaged or incomplete (it could not be decoded). Export it again.") from None
    return image, CheckedImage(kind, image.width, image.height)


# What Pillow reports of a file that says nothing about where, when or with what it was made.
HARMLESS_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression",
                 "adobe", "adobe_transform", "interlace", "gamma", "aspect", "transparency", "loop", "background",
                 "duration", "timestamp", "srgb"}  # fmt: skip
HARMLESS_JPEG_SEGMENTS = {b"JFIF", b"Adobe"}


def carries_metadata(image):
    """Whether a decoded image holds anything beyond its pixels (EXIF, XMP, ICC, text, comments)."""
    if set(image.info) - HARMLESS_INFO or len(image.getexif()):
        return True
    segments = getattr(image, "applist", [])
    return any(not any(body.startswith(s) for s in HARMLESS_JPEG_SEGMENTS) for _, body in segments)


def clean_image(file):
    """(bytes to store, CheckedImage): the picture turned upright by its EXIF orientation and
    re-encoded in its own format with no metadata at all (no EXIF, GPS, XMP, IPTC, comments).
    A file that carries none is kept as it is (so an export imported again is the same file)."""
    data = _read(file)
    image, checked = _decode(data)
    if not carries_metadata(image):
        return data, checked
    image = ImageOps.exif_transpose(image)
    if image.mode == "P":
        image = image.convert("RGBA")
    bare = Image.new(image.mode, image.size)  # a new image carries nothing of the old one's info
    bare.paste(image)
    options = SAVE_OPTIONS[checked.format]
    if checked.format == "JPEG" and bare.mode not in ("RGB", "L", "CMYK"):
        bare = bare.convert("RGB")
    out = io.BytesIO()
    bare.save(out, checked.format, **options)
    return out.getvalue(), CheckedImage(checked.format, bare.width, bare.height)
