"""Uploads are checked by decoding them, and stored without their metadata."""

import io
import unittest

from PIL import Image

from reports.imaging.checks import MAX_BYTES, ImageRefused, check_image, clean_image
from reports.imaging.renditions import CARD, make_renditions
from tests.figure_helpers import image_bytes, jpeg_with_gps, upload


class AcceptedImagesTests(unittest.TestCase):
    def test_jpeg_png_webp_and_avif_are_accepted_with_their_size(self):
        for fmt in ("JPEG", "PNG", "WEBP", "AVIF"):
            with self.subTest(fmt=fmt):
                checked = check_image(io.BytesIO(image_bytes(fmt, (300, 200))))
                self.assertEqual((checked.format, checked.width, checked.height), (fmt, 300, 200))


class RefusedUploadsTests(unittest.TestCase):
    def assertRefused(self, data, words, name="map.png"):
        with self.assertRaises(ImageRefused) as refused:
            check_image(upload(data, name))
        self.assertIn(words, str(refused.exception))

    def test_an_svg_is_refused(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
        self.assertRefused(svg, "is not a JPEG, PNG, WebP or AVIF image", name="map.svg")

    def test_a_pdf_renamed_png_is_refused(self):
        self.assertRefused(
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer<<>>\n%%EOF", "whatever its name says"
        )

    def test_a_gif_is_refused(self):
        self.assertRefused(image_bytes("GIF", (20, 20)), "is not a JPEG, PNG, WebP or AVIF image")

    def test_a_truncated_file_is_refused(self):
        whole = _noisy_png()
        self.assertRefused(whole[: len(whole) // 2], "damaged or incomplete")

    def test_more_than_50_megapixels_is_refused(self):
        # A PNG declares its size in its header: 8000×7000 is 56 megapixels.
        self.assertRefused(image_bytes("PNG", (8000, 7000)), "more than 50 megapixels")

    def test_more_than_20_mb_is_refused(self):
        big = upload(image_bytes("PNG", (10, 10)) + b"\0" * MAX_BYTES)
        self.assertGreater(big.size, MAX_BYTES)
        with self.assertRaises(ImageRefused) as refused:
            check_image(big)
        self.assertIn("larger than 20 MB", str(refused.exception))


def _noisy_png():
    out = io.BytesIO()
    Image.effect_noise((400, 400), 80).convert("RGB").save(out, "PNG")
    return out.getvalue()


class MetadataTests(unittest.TestCase):
    def test_a_jpeg_with_gps_exif_is_stored_with_none(self):
        original = jpeg_with_gps()
        with Image.open(io.BytesIO(original)) as before:
            self.assertTrue(before.getexif().get_ifd(0x8825))  # the test image does carry a position
        stored, checked = clean_image(io.BytesIO(original))
        self.assertEqual((checked.format, checked.width, checked.height), ("JPEG", 800, 500))
        with Image.open(io.BytesIO(stored)) as after:
            self.assertEqual(dict(after.getexif()), {})
            self.assertNotIn("exif", after.info)
            self.assertNotIn("xmp", after.info)
        for secret in (b"SN-4455-12", b"ACME", b"secret place", b"Exif"):
            self.assertNotIn(secret, stored)

    def test_renditions_carry_no_metadata_either(self):
        stored, _ = clean_image(io.BytesIO(jpeg_with_gps()))
        for rendition in make_renditions(stored):
            self.assertNotIn(b"SN-4455-12", rendition.data)


class RenditionsTests(unittest.TestCase):
    def test_each_width_in_avif_webp_and_jpeg_and_a_1200_by_630_card(self):
        renditions = make_renditions(image_bytes("PNG", (1800, 1200)))
        widths = {(r.extension, r.width, r.height) for r in renditions if r.kind == "w"}
        self.assertEqual(
            widths,
            {(ext, w, round(1200 * w / 1800)) for ext in ("avif", "webp", "jpg") for w in (320, 640, 1024, 1600)},
        )
        for rendition in renditions:
            with Image.open(io.BytesIO(rendition.data)) as decoded:
                self.assertEqual(decoded.size, (rendition.width, rendition.height))
                self.assertEqual(decoded.format, {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}[rendition.extension])
        card = [r for r in renditions if r.kind == "card"]
        self.assertEqual([(c.width, c.height) for c in card], [CARD])

    def test_a_small_image_keeps_its_own_width(self):
        renditions = make_renditions(image_bytes("PNG", (200, 100)))
        self.assertEqual({r.width for r in renditions if r.kind == "w"}, {200})


class CleanFilesKeptTests(unittest.TestCase):
    def test_a_file_without_metadata_is_kept_byte_for_byte_and_a_cleaned_one_stays_clean(self):
        for fmt in ("JPEG", "PNG", "WEBP", "AVIF"):
            with self.subTest(fmt=fmt):
                plain = image_bytes(fmt, (120, 80))
                self.assertEqual(clean_image(io.BytesIO(plain))[0], plain)
        cleaned, _ = clean_image(io.BytesIO(jpeg_with_gps()))
        self.assertEqual(clean_image(io.BytesIO(cleaned))[0], cleaned)
