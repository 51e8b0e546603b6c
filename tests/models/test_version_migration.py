"""Migration 0017 gives every published report its version 1, from what exists."""

import datetime
import importlib

from django.apps import apps

from reports.models import Author, Correction, Report, ReportAuthor, ReportVersion
from reports.public.editions.versions import version_page
from tests.base import SitrepTestCase
from tests.helpers import make_report

first_versions = importlib.import_module("reports.migrations.0018_report_versions").first_versions
PUBLISHED = datetime.datetime(2020, 8, 27, 14, tzinfo=datetime.UTC)
CORRECTED = datetime.datetime(2020, 9, 2, 9, tzinfo=datetime.UTC)


class FirstVersionsMigrationTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.corrected = make_report("Corrected", slug="corrected", published_at=PUBLISHED, tags=["Iran", "Baghdad"])
        ReportAuthor.objects.create(
            report=cls.corrected, author=Author.objects.create(name="Jane Doe", slug="jane-doe")
        )
        Correction.objects.create(report=cls.corrected, note="Fixed a date.", created_at=CORRECTED)
        cls.plain = make_report("Plain", slug="plain", published_at=PUBLISHED)
        make_report("Draft", slug="draft", status=Report.Status.DRAFT)
        first_versions(apps, None)

    def test_each_published_report_gets_its_current_state_as_version_1(self):
        self.assertEqual(
            sorted(ReportVersion.objects.values_list("slug", "number", "published_at")),
            [("corrected", 1, CORRECTED), ("plain", 1, PUBLISHED)],  # dated when that state went out
        )
        snapshot = ReportVersion.objects.get(slug="corrected").snapshot
        self.assertEqual(snapshot["tags"], [["Baghdad", "baghdad"], ["Iran", "iran"]])
        self.assertEqual(snapshot["authors"], [["Jane Doe", "jane-doe"]])
        self.assertEqual(snapshot["corrections"], [[CORRECTED.isoformat(), "Fixed a date."]])

    def test_the_migrated_version_reads_as_the_live_code_writes_them(self):
        page = version_page("corrected", 1)
        self.assertEqual((page.report.title, page.is_current, page.corrections_since), ("Corrected", True, ()))
        self.assertEqual([a.name for a in page.report.authors], ["Jane Doe"])
