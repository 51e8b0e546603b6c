"""Versions readers can cite: every published state of a report at /reports/<slug>/v/<n>/."""

import datetime
import json
import re
from html import unescape
from unittest import mock

import bibtexparser
import rispy
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from reports.editorial.actions import editing, importing, workflow
from reports.models import Author, Report, ReportVersion
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series, make_user

REPORT = "/reports/iraq-august-19-25/"


def citation_text(response):
    return unescape(re.search(r'<p class="citation"[^>]*>(.*?)</p>', response.content.decode(), re.S).group(1))


def bibtex_entry(response):
    found = re.search(r'<pre class="bibtex"[^>]*><code>(.*?)</code></pre>', response.content.decode(), re.S)
    return bibtexparser.parse_string(unescape(found.group(1))).entries[0]


def banner(response):
    found = re.search(r'<section class="version-banner".*?</section>', response.content.decode(), re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(0))).split()) if found else None


class VersionTestCase(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_series()
        cls.jane = Author.objects.create(name="Jane Doe", slug="jane-doe")
        cls.report = make_report("Iraq Situation Report: August 19-25, 2020", slug="iraq-august-19-25",
                                 status=Report.Status.DRAFT, start=(2020, 8, 19), end=(2020, 8, 25),
                                 body="Rockets hit the airport.", tags=["Iran"])  # fmt: skip
        editing.set_bylines(cls.report, [cls.jane])

    def publish(self):
        workflow.publish(Report.objects.get(pk=self.report.pk), by=self.editor)

    def correct(self, note, **changes):
        report = Report.objects.get(pk=self.report.pk)
        for name, value in changes.items():
            setattr(report, name, value)
        return editing.save_report(report, by=self.editor, tags=list(report.tags.names()), correction_note=note)

    def numbers(self):
        return list(ReportVersion.objects.filter(report=self.report).values_list("number", flat=True))


class NumberingTests(VersionTestCase):
    def test_publication_correction_unpublish_and_republish_each_make_the_next_version(self):
        self.publish()
        self.assertEqual(self.numbers(), [1])
        self.correct("Corrected the airport.", body="Rockets hit Baghdad airport.")
        self.assertEqual(self.numbers(), [1, 2])
        self.assertIsNone(self.correct("Nothing changed."))  # a save that changes nothing is no new state
        self.assertEqual(self.numbers(), [1, 2])
        workflow.unpublish(Report.objects.get(pk=self.report.pk), by=self.editor)
        self.assertEqual(self.numbers(), [1, 2])
        self.publish()
        self.assertEqual(self.numbers(), [1, 2, 3])
        versions = ReportVersion.objects.filter(report=self.report).order_by("number")
        self.assertEqual(
            [v.snapshot["body"] for v in versions], ["Rockets hit the airport."] + 2 * ["Rockets hit Baghdad airport."]
        )
        self.assertEqual([len(v.snapshot["corrections"]) for v in versions], [0, 1, 1])

    def test_a_scheduled_report_has_one_pending_version_that_edits_rewrite_and_unscheduling_removes(self):
        at = timezone.now() + datetime.timedelta(days=1)
        workflow.publish(Report.objects.get(pk=self.report.pk), by=self.editor, at=at)
        self.correct("", body="Edited before it went out.")  # not live yet: no note needed
        pending = ReportVersion.objects.get(report=self.report)
        self.assertEqual(
            (pending.number, pending.published_at, pending.snapshot["body"]), (1, at, "Edited before it went out.")
        )
        self.assertEqual(self.client.get(f"{REPORT}v/1/").status_code, 404)  # not yet
        workflow.unpublish(Report.objects.get(pk=self.report.pk), by=self.editor)
        self.assertEqual(self.numbers(), [])

    def test_a_scheduled_version_goes_live_with_its_report_by_the_clock(self):
        at = timezone.now() + datetime.timedelta(hours=1)
        workflow.publish(Report.objects.get(pk=self.report.pk), by=self.editor, at=at)
        later = at + datetime.timedelta(minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            forget_cached_results()
            response = self.client.get(f"{REPORT}v/1/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Version 1, the current version", banner(response))

    def test_the_database_refuses_a_second_version_with_the_same_number(self):
        self.publish()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReportVersion.objects.create(report=self.report, number=1, slug="x", published_at=timezone.now())

    def test_an_import_gives_new_published_reports_version_1_dated_by_the_source(self):
        series = make_series()
        went_out = datetime.datetime(2020, 9, 3, 14, tzinfo=datetime.UTC)
        imported = Report(series=series, title="Iraq Situation Report: August 26 - September 1, 2020",
                          slug="iraq-aug-26", period_start=datetime.date(2020, 8, 26),
                          period_end=datetime.date(2020, 9, 1), summary="Imported.")  # fmt: skip
        state = workflow.ImportedState(status=Report.Status.PUBLISHED, published_at=went_out)
        importing.import_reports([importing.NewImport(imported, state, tags=["Iran"])], by=self.editor)
        version = ReportVersion.objects.get(report__slug="iraq-aug-26")
        self.assertEqual(
            (version.number, version.published_at, version.snapshot["tags"]), (1, went_out, [["Iran", "iran"]])
        )


class VersionPageTests(VersionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        report = Report.objects.get(pk=cls.report.pk)
        workflow.publish(report, by=cls.editor)
        report = Report.objects.get(pk=cls.report.pk)
        report.body, report.title = "Rockets hit Baghdad airport.", "Iraq Situation Report: August 19-25, 2020 (rev.)"
        editing.save_report(report, by=cls.editor, tags=["Iran", "Baghdad"], correction_note="Named the airport.")

    def test_version_1_shows_the_report_as_it_was_under_a_banner_to_the_current_version(self):
        response = self.client.get(f"{REPORT}v/1/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Iraq Situation Report: August 19-25, 2020</h1>", html=True)
        self.assertContains(response, "Rockets hit the airport.")
        self.assertNotContains(response, "Baghdad airport")
        self.assertNotContains(response, 'rel="tag">Baghdad<')
        text = banner(response)
        self.assertIn("Version 1 of 2: not the current version.", text)
        self.assertIn("Corrections since this version:", text)
        day = timezone.localdate()
        self.assertIn(f"{day:%B} {day.day}, {day.year}: Named the airport.", text)
        self.assertContains(response, f'<a href="{REPORT}">Read the current version</a>', html=True)

    def test_the_current_version_says_so_and_names_the_report_as_canonical(self):
        response = self.client.get(f"{REPORT}v/2/")
        self.assertIn("Version 2, the current version", banner(response))
        self.assertContains(response, "Rockets hit Baghdad airport.")
        self.assertContains(response, f'<link rel="canonical" href="http://testserver{REPORT}">', html=True)
        self.assertNotIn("X-Robots-Tag", response)
        superseded = self.client.get(f"{REPORT}v/1/")
        self.assertNotContains(superseded, 'rel="canonical"')
        self.assertContains(superseded, '<meta name="robots" content="noindex, follow">', html=True)
        self.assertEqual(superseded["X-Robots-Tag"], "noindex, follow")

    def test_an_edit_after_a_version_does_not_change_it(self):
        before = self.client.get(f"{REPORT}v/1/").content
        report = Report.objects.get(pk=self.report.pk)
        report.summary = "A new summary."
        editing.save_report(report, by=self.editor, tags=["Iran"], correction_note="New summary.")
        after = self.client.get(f"{REPORT}v/1/")
        self.assertNotContains(after, "A new summary.")
        self.assertIn("New summary.", banner(after))  # the banner, and only the banner, follows
        self.assertEqual(
            re.sub(rb'<section class="version-banner".*?</section>', b"", before, flags=re.S).count(
                b"Rockets hit the airport."
            ),
            1,
        )
        self.assertContains(self.client.get(f"{REPORT}v/3/"), "A new summary.")

    def test_the_report_page_lists_its_versions(self):
        response = self.client.get(REPORT)
        self.assertContains(response, '<h2 id="versions-heading">Version history</h2>', html=True)
        self.assertContains(response, f'<a href="{REPORT}v/1/">Version 1</a>', html=True)
        self.assertContains(response, f'<a href="{REPORT}v/2/">Version 2</a>', html=True)
        self.assertContains(response, "(current)", count=1)

    def test_unpublished_is_404_and_deleted_is_410(self):
        workflow.unpublish(Report.objects.get(pk=self.report.pk), by=self.editor)
        for number in (1, 2):
            with self.subTest(number=number):
                self.assertEqual(self.client.get(f"{REPORT}v/{number}/").status_code, 404)
        self.client.force_login(self.editor)  # staff preview the report, but a version is a public state
        self.assertEqual(self.client.get(f"{REPORT}v/1/").status_code, 404)
        self.client.logout()
        boss = get_user_model().objects.create_superuser("boss", password="pw")
        editing.delete_report(Report.objects.get(pk=self.report.pk), by=boss)
        response = self.client.get(f"{REPORT}v/1/")
        self.assertEqual(response.status_code, 410)
        self.assertContains(response, "This report has been withdrawn", status_code=410)
        self.assertNotContains(response, "Rockets", status_code=410)
        self.assertEqual(ReportVersion.objects.filter(report=None).exclude(snapshot={}).count(), 0)

    def test_addresses_that_are_no_version_are_404(self):
        for path in ("v/3/", "v/0/", "v/01/", "v/1234567890/", "v/-1/", "v/x/"):
            with self.subTest(path):
                self.assertEqual(self.client.get(f"{REPORT}{path}").status_code, 404)
        self.assertEqual(self.client.get("/reports/no-such-report/v/1/").status_code, 404)

    def test_the_citation_names_the_version_and_its_address_beside_the_reports(self):
        accessed = timezone.localdate()
        for path, number in ((REPORT, 2), (f"{REPORT}v/2/", 2), (f"{REPORT}v/1/", 1)):
            with self.subTest(path):
                response = self.client.get(path)
                version_url = f"http://testserver{REPORT}v/{number}/"
                day = timezone.localdate(ReportVersion.objects.get(report=self.report, number=number).published_at)
                self.assertIn(
                    f". Version {number}, {day:%B} {day.day}, {day.year}. {version_url}. "
                    f"Current version at http://testserver{REPORT} "
                    f"(accessed {accessed:%B} {accessed.day}, {accessed.year}).",
                    citation_text(response),
                )
                entry = bibtex_entry(response)
                self.assertEqual((entry["version"], entry["url"]), (str(number), version_url))
                self.assertIn(f"Current version at \\url{{http://testserver{REPORT}}}", entry["note"])
                self.assertEqual(entry["author"], "Doe, Jane")

    def test_the_citation_files_carry_the_same_version(self):
        for base, number in ((REPORT, 2), (f"{REPORT}v/1/", 1)):
            with self.subTest(base):
                version_url = f"http://testserver{REPORT}v/{number}/"
                record = rispy.loads(self.client.get(f"{base}cite.ris").content.decode())[0]
                self.assertEqual(record["urls"], [version_url])
                self.assertIn(f"Version {number},", record["notes"][0])
                self.assertIn(f"Current version at http://testserver{REPORT}", record["notes"][0])
                item = json.loads(self.client.get(f"{base}cite.json").content)[0]
                self.assertEqual((item["URL"], item["version"]), (version_url, str(number)))
        self.assertContains(self.client.get(f"{REPORT}v/1/"), f'href="{REPORT}v/1/cite.ris"')

    def test_version_pages_are_not_in_the_sitemap(self):
        self.assertNotContains(self.client.get("/sitemap.xml"), "/v/")

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_a_version_page_makes_two_queries_then_none(self):
        # A version page: the report with its versions, then its corrections; the current page
        # has its corrections in its one query.
        for path, queries in ((f"{REPORT}v/1/", 2), (f"{REPORT}v/2/", 2), (REPORT, 1)):
            forget_cached_results()
            with self.subTest(path, request="first"), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(path).status_code, 200)
            with self.subTest(path, request="next"), self.assertNumQueries(0):
                self.client.get(path)

    def test_the_page_cache_serves_the_banner_until_a_correction_changes_it(self):
        self.assertNotIn("Third.", banner(self.client.get(f"{REPORT}v/1/")))
        self.correct("Third.", summary="Third summary.")
        forget_cached_results()
        self.assertIn("Third.", banner(self.client.get(f"{REPORT}v/1/")))


class SlugChangeTests(VersionTestCase):
    def test_a_version_cited_under_the_old_slug_redirects_to_its_address_under_the_new_one(self):
        self.publish()
        self.correct("Shorter address.", slug="iraq-aug-19")
        response = self.client.get(f"{REPORT}v/1/")
        self.assertRedirects(response, "/reports/iraq-aug-19/v/1/", status_code=301)
        self.assertContains(self.client.get("/reports/iraq-aug-19/v/1/"), "Rockets hit the airport.")
        self.assertEqual(self.client.get(f"{REPORT}v/3/").status_code, 404)
