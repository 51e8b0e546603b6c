import datetime
import io
import tempfile
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from reports.caching import state
from reports.editorial.actions import workflow
from reports.models import PublicationState, Report
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user, submit

Status = Report.Status


class PageCacheTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.series = make_series()
        cls.live = make_report("Live report", tags=["Iran"])
        cls.draft = make_report("Draft report", status=Status.REVIEW, tags=["Iran"])

    def later(self, seconds):
        """Pretend `seconds` have passed for the once-a-second state check."""
        return mock.patch("reports.caching.state.time.monotonic", return_value=state._seen.read_at + seconds)

    def test_an_anonymous_repeat_visit_is_served_from_the_cache_without_sql(self):
        first = self.client.get("/")
        with self.assertNumQueries(0):
            second = self.client.get("/")
        self.assertEqual(first.content, second.content)
        for path in ("/feeds/atom/", "/tags/", self.live.get_absolute_url(), "/sitemap.xml"):
            with self.subTest(path):
                self.client.get(path)
                with self.assertNumQueries(0):
                    self.assertEqual(self.client.get(path).status_code, 200)

    def test_a_page_from_the_cache_has_the_headers_the_page_had(self):
        for path in ("/", "/ar/", "/feeds/atom/", self.live.get_absolute_url(), "/robots.txt"):
            with self.subTest(path):
                first = self.client.get(path)
                with self.assertNumQueries(0):
                    second = self.client.get(path)
                self.assertEqual(dict(second.headers), dict(first.headers))
                self.assertEqual(second["Content-Length"], str(len(second.content)))
        self.assertEqual(second["X-Frame-Options"], "DENY")
        self.assertEqual(self.client.get("/ar/")["Content-Language"], "ar")

    def test_cached_pages_carry_validators_and_answer_conditional_requests(self):
        response = self.client.get("/")
        self.assertIn("must-revalidate", response["Cache-Control"])
        self.assertIn("max-age=0", response["Cache-Control"])
        self.assertIn("public", response["Cache-Control"])
        self.assertIn("Cookie", response["Vary"])
        self.assertTrue(response["ETag"].startswith('"'))
        self.assertEqual(self.client.get("/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code, 304)
        self.assertEqual(self.client.get("/", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code, 304)
        self.assertEqual(self.client.get("/", HTTP_IF_NONE_MATCH='"something-else"').status_code, 200)

    def test_publishing_makes_the_pages_fresh_at_once(self):
        self.assertNotContains(self.client.get("/"), "Draft report")
        workflow.publish(self.draft, by=self.editor)
        self.assertContains(self.client.get("/"), "Draft report")
        self.assertContains(self.client.get("/feeds/rss/"), "Draft report")

    def test_unpublishing_takes_the_report_off_every_cached_page(self):
        for path in ("/", "/feeds/atom/", self.live.get_absolute_url()):
            self.client.get(path)
        workflow.unpublish(self.live, by=self.editor)
        self.assertNotContains(self.client.get("/"), "Live report")
        self.assertNotContains(self.client.get("/feeds/atom/"), "Live report")
        self.assertEqual(self.client.get(self.live.get_absolute_url()).status_code, 404)

    def test_editing_a_published_report_in_the_admin_refreshes_it(self):
        self.client.get(self.live.get_absolute_url())
        self.client.force_login(self.editor)
        submit(self.client, reverse("admin:reports_report_change", args=[self.live.pk]), summary="Corrected text",
               correction_note="Corrected the summary.")  # fmt: skip
        self.client.logout()
        self.assertContains(self.client.get(self.live.get_absolute_url()), "Corrected text")

    def test_renaming_a_series_or_a_tag_refreshes_the_pages(self):
        self.client.get("/")
        self.client.force_login(self.editor)
        submit(self.client, reverse("admin:reports_series_change", args=[self.series.pk]), name="Iraq Weekly",
               form_id="series_form")  # fmt: skip
        tag = Tag.objects.get(name="Iran")
        submit(self.client, reverse("admin:taggit_tag_change", args=[tag.pk]), name="Islamic Republic of Iran",
               form_id="tag_form")  # fmt: skip
        self.client.logout()
        page = self.client.get("/")
        self.assertContains(page, "Iraq Weekly")
        self.assertContains(page, "Islamic Republic of Iran")

    def test_a_scheduled_report_appears_when_its_time_comes_with_no_one_acting(self):
        at = timezone.now() + datetime.timedelta(minutes=5)
        workflow.publish(self.draft, by=self.editor, at=at)
        self.assertNotContains(self.client.get("/"), "Draft report")
        generation = PublicationState.objects.get().generation
        with mock.patch("django.utils.timezone.now", return_value=at + datetime.timedelta(seconds=1)):
            with CaptureQueriesContext(connection) as queries:
                self.assertContains(self.client.get("/"), "Draft report")
        # The reader's request only read: the clock alone made the page new.
        self.assertFalse([q["sql"] for q in queries if not q["sql"].lstrip("( ").upper().startswith("SELECT")])
        self.assertEqual(PublicationState.objects.get().generation, generation)

    def test_another_process_sees_a_change_within_a_second(self):
        self.client.get("/")
        generation = PublicationState.objects.get().generation
        # Another worker publishes: it bumps the shared row, not this process's memory or cache.
        Report.objects.filter(pk=self.draft.pk).update(
            status=Status.PUBLISHED, published_at=timezone.now(), first_published_at=timezone.now()
        )
        PublicationState.objects.update(generation=generation + 1)
        with self.later(0.5):
            self.assertNotContains(self.client.get("/"), "Draft report")  # within the second: cached
        with self.later(1.01):
            self.assertContains(self.client.get("/"), "Draft report")

    def test_staff_always_bypass_the_cache_and_are_never_cached(self):
        self.client.get("/")
        self.client.force_login(self.editor)
        Report.objects.filter(pk=self.live.pk).update(title="Retitled directly")
        self.assertContains(self.client.get("/"), "Retitled directly")  # live, not the cached page
        preview = self.client.get(self.draft.get_absolute_url())
        self.assertIn("no-store", preview["Cache-Control"])
        self.client.logout()
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_error_pages_and_admin_are_not_cached(self):
        self.assertEqual(self.client.get("/?week=2020-W60").status_code, 400)
        self.assertNotIn("ETag", self.client.get("/?week=2020-W60"))
        self.assertNotIn("ETag", self.client.get("/admin/login/"))

    def test_an_import_of_published_reports_refreshes_the_pages(self):
        self.client.get("/")
        listing = "Iraq Situation Report\n\nIraq Situation Report: July 8-14, 2020\n\nImported takeaways.\n"
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as file:
            file.write(listing)
            file.flush()
            call_command("import_reports", file.name, "--status", "published", stdout=io.StringIO())
        self.assertContains(self.client.get("/"), "Imported takeaways.")

    def test_during_a_database_outage_cached_pages_are_served_and_others_answer_503(self):
        cached = self.client.get("/").content
        outage = OperationalError("connection refused")
        with self.later(2), mock.patch("reports.models.PublicationState.objects.filter", side_effect=outage), \
                mock.patch("reports.models.ReportQuerySet.published", side_effect=outage):  # fmt: skip
            self.assertEqual(self.client.get("/").content, cached)  # nothing can change meanwhile
            with self.assertLogs("sitrep.middleware", "ERROR"):
                self.assertEqual(self.client.get("/?q=never-cached").status_code, 503)

    @override_settings(PAGE_CACHE_SECONDS=0)
    def test_the_cache_can_be_turned_off(self):
        self.client.get("/")
        with self.assertNumQueries(0):  # the page of reports, its count and facets are kept per generation
            self.client.get("/")

    @override_settings(PAGE_PURGE_HOOK="tests.caching.test_page_cache.record_purge")
    def test_the_purge_hook_runs_after_each_committed_change(self):
        PURGES.clear()
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(self.draft, by=self.editor)
        self.assertEqual(PURGES, ["purged"])


PURGES = []


def record_purge():
    PURGES.append("purged")
