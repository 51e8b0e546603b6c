"""A report's files at /media/<name>: to readers only while the report is published, to staff
and preview links always; the same on the local disk and on an S3 server (moto's, in CI)."""

import os
import unittest
import uuid

from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from reports.editorial.actions import editing, previews
from reports.editorial.actions.figures import FigureRow
from reports.models import Report
from reports.public.media.files import file_url
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import make_report, make_user

S3_ENDPOINT = os.environ.get("SITREP_TEST_S3_ENDPOINT", "")
if os.environ.get("S3_TESTS_REQUIRED") and not S3_ENDPOINT:
    raise RuntimeError("S3_TESTS_REQUIRED is set but SITREP_TEST_S3_ENDPOINT is not: the S3 tests must run here.")
UNSEEN = {
    "draft": {"status": Report.Status.DRAFT},
    "in review": {"status": Report.Status.REVIEW},
    "scheduled": {"published_at": timezone.now() + timezone.timedelta(days=2)},
}


class FileServingChecks:
    """The checks, run on whichever storage the class sets up."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def report_with_figure(self, **fields):
        report = make_report(**fields)
        editing.save_report(
            report, by=self.editor, tags=[], correction_note="Added the map." if report.is_public else "",
            figures=[FigureRow(None, upload(image_bytes("PNG", (500, 300))), alt_text="Map of the week")],
        )  # fmt: skip
        return report, report.figures.get()

    def test_a_published_reports_figure_is_served_to_readers(self):
        _, figure = self.report_with_figure()
        response = self.client.get(file_url(figure.image.name))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(b"".join(response.streaming_content), default_storage.open(figure.image.name).read())
        self.assertIn("public", response["Cache-Control"])

    def test_files_of_reports_readers_cannot_see_answer_404_to_readers_and_200_to_staff(self):
        for state, fields in UNSEEN.items():
            with self.subTest(state=state):
                _, figure = self.report_with_figure(**fields)
                url = file_url(figure.image.name)
                self.client.logout()
                self.assertEqual(self.client.get(url).status_code, 404)
                self.client.force_login(self.editor)
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("private", response["Cache-Control"])
                self.client.logout()

    def test_a_preview_link_holder_sees_the_files_of_its_report_only(self):
        report, figure = self.report_with_figure(status=Report.Status.DRAFT)
        _, other = self.report_with_figure(status=Report.Status.DRAFT)
        link = previews.create_link(report, by=self.editor)
        self.assertEqual(self.client.get(file_url(figure.image.name, preview=link.token)).status_code, 200)
        self.assertEqual(self.client.get(file_url(other.image.name, preview=link.token)).status_code, 404)
        previews.revoke_link(link, by=self.editor)
        self.assertEqual(self.client.get(file_url(figure.image.name, preview=link.token)).status_code, 404)

    def test_a_public_files_address_does_not_change_when_the_report_is_edited(self):
        report, figure = self.report_with_figure()
        url = file_url(figure.image.name)
        report.title = "A new title"
        report.slug = "a-new-slug"
        editing.save_report(report, by=self.editor, tags=[], correction_note="Retitled.")
        figure.refresh_from_db()
        self.assertEqual(file_url(figure.image.name), url)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_unknown_and_malformed_names_answer_404(self):
        for name in ("figures/nokey/original.png", "../settings.py", "figures/../../etc/passwd", "other/x/y.png"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(f"/media/{name}").status_code, 404)


class LocalFileServingTests(TemporaryMedia, FileServingChecks, SitrepTestCase):
    """On the local disk (MEDIA_ROOT), the default."""


@unittest.skipUnless(S3_ENDPOINT, "set SITREP_TEST_S3_ENDPOINT to an S3 server (.ci/run starts moto's) to run these")
class S3FileServingTests(FileServingChecks, SitrepTestCase):
    """On an S3 API (moto's standalone server in CI), through django-storages."""

    @classmethod
    def setUpClass(cls):
        import boto3

        cls.bucket = f"sitrep-test-{uuid.uuid4().hex[:12]}"
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
        boto3.client("s3", endpoint_url=S3_ENDPOINT, **credentials).create_bucket(Bucket=cls.bucket)
        options = {
            "bucket_name": cls.bucket, "endpoint_url": S3_ENDPOINT, "region_name": "us-east-1",
            "access_key": "testing", "secret_key": "testing", "default_acl": None, "file_overwrite": False,
        }  # fmt: skip
        storages = {
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        cls._s3 = override_settings(STORAGES=storages)
        cls._s3.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._s3.disable()

    def test_the_files_are_in_the_bucket_not_on_the_disk(self):
        _, figure = self.report_with_figure()
        self.assertEqual(type(default_storage._wrapped).__name__, "S3Storage")
        self.assertTrue(default_storage.exists(figure.image.name))
