"""Images for the figures' tests, made with Pillow, and a temporary MEDIA_ROOT."""

import io
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

GPS_IFD = 0x8825
BODY_SERIAL = 0xA431  # Exif BodySerialNumber


def image_bytes(fmt="JPEG", size=(800, 500), color=(40, 120, 200), **save):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size=(800, 500)):
    """A JPEG carrying a GPS position, a camera serial number and XMP, as phones write them."""
    exif = Image.Exif()
    exif[0x010F] = "ACME"  # Make
    exif[0x0110] = "Field camera"  # Model
    exif.get_ifd(0x8769)[BODY_SERIAL] = "SN-4455-12"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (33.0, 18.0, 0.0), 3: "E", 4: (44.0, 22.0, 0.0)})
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>secret place'
    xmp += b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    return image_bytes("JPEG", size, exif=exif.tobytes(), xmp=xmp)


def upload(data, name="map.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


class TemporaryMedia:
    """Each test class stores its files under a MEDIA_ROOT of its own, removed afterwards."""

    @classmethod
    def setUpClass(cls):
        cls._media_root = tempfile.mkdtemp(prefix="sitrep-media-")
        cls._media = override_settings(MEDIA_ROOT=cls._media_root)
        cls._media.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media.disable()
        shutil.rmtree(cls._media_root, ignore_errors=True)
