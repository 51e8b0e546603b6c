"""What the caches may hold and how they are keyed: plain values, the release, and only the
query parameters a page's view reads."""

import datetime
import pickle
from unittest import mock

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.caching import state
from reports.caching.memo import per_generation, require_plain
from reports.caching.state import current_state
from reports.editorial.actions import workflow
from reports.models import Author, PublicationState, Report, ReportAuthor
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_series, make_user

Status = Report.Status


def writes(queries):
    """The statements among `queries` that may write (a WITH may hold an INSERT, UPDATE or DELETE)."""
    reads = ("SELECT", "SAVEPOINT", "RELEASE")

    def reads_only(sql):
        sql = sql.lstrip("( ").upper()
        if sql.startswith("WITH"):
            return not any(f"{verb} " in sql for verb in ("INSERT", "UPDATE", "DELETE"))
        return sql.startswith(reads)

    return [q["sql"] for q in queries if not reads_only(q["sql"])]


class PlainValuesTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer", first_name="Jane", last_name="Doe", email="jane.doe@example.org")
        cls.report = make_report("Live report", created_by=cls.writer, tags=["Iran"])
        ReportAuthor.objects.create(report=cls.report, author=Author.objects.create(name="Jane Doe", slug="jane-doe"))

    def test_a_report_page_keeps_no_user_nor_any_model_instance_in_the_cache(self):
        stored = []
        backend = type(caches[settings.PAGE_CACHE_ALIAS])
        original = backend.set

        def keep(self, key, value, *args, **kwargs):
            stored.append(value)
            return original(self, key, value, *args, **kwargs)

        with mock.patch.object(backend, "set", keep):
            response = self.client.get(self.report.get_absolute_url())
        self.assertContains(response, "Jane Doe")  # the byline is there, as a name
        self.assertTrue(stored)
        for value in stored:
            require_plain(value)
            dumped = pickle.dumps(value)
            for secret in (self.writer.password, self.writer.email, "is_superuser", "django.contrib.auth"):
                self.assertNotIn(secret.encode(), dumped)

    def test_a_model_instance_is_refused_by_the_result_cache(self):
        with self.assertRaises(TypeError):
            per_generation("test", "report", lambda: Report.objects.first())
        with self.assertRaises(TypeError):
            per_generation("test", "user", lambda: {"writer": [self.writer]})


class ReleaseTests(SitrepTestCase):
    def test_cache_keys_carry_the_release(self):
        self.assertTrue(settings.RELEASE)
        self.assertIn(settings.RELEASE, cache.make_key("sitrep:page:1.0:x"))


class QueryParameterTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_series()
        make_report("Live report", tags=["Iran"])

    def test_parameters_no_view_reads_make_no_new_cache_entry_and_never_reach_the_page(self):
        first = self.client.get("/?utm_source=newsletter&tag=iran")
        self.assertNotContains(first, "utm_source")
        self.assertNotContains(first, "newsletter")
        with self.assertNumQueries(0):
            second = self.client.get("/?tag=iran&fbclid=abc")
        self.assertEqual(first.content, second.content)
        with self.assertNumQueries(0):
            self.client.get("/?tag=iran")

    def test_parameters_the_view_reads_still_make_their_own_pages(self):
        self.client.get("/?tag=iran")
        self.assertNotEqual(self.client.get("/?q=nothing-matches").content, self.client.get("/?tag=iran").content)

    def test_feeds_and_report_pages_ignore_unknown_parameters_too(self):
        for path in ("/feeds/rss/", "/reports/" + Report.objects.get().slug + "/"):
            with self.subTest(path):
                self.client.get(path + "?ref=x")
                with self.assertNumQueries(0):
                    self.assertEqual(self.client.get(path + "?ref=y").status_code, 200)


class NoWriteOnReadTests(SitrepTestCase):
    def test_a_scheduled_reports_new_tag_is_known_when_it_goes_live_with_no_write(self):
        editor = make_user("editor")
        make_series()
        draft = make_report("Coming", status=Status.REVIEW, tags=["Kirkuk"])
        at = timezone.now() + datetime.timedelta(hours=1)
        workflow.publish(draft, by=editor, at=at)
        self.assertEqual(self.client.get("/tags/kirkuk/").status_code, 404)
        self.assertEqual(self.client.get("/?tag=kirkuk").status_code, 400)
        with mock.patch("django.utils.timezone.now", return_value=at + datetime.timedelta(seconds=1)):
            with CaptureQueriesContext(connection) as queries:
                self.assertContains(self.client.get("/tags/kirkuk/"), "Coming")
                self.assertContains(self.client.get("/?tag=kirkuk"), "Coming")
                self.assertContains(self.client.get("/sitemap.xml"), "/tags/kirkuk/")
            self.assertEqual(current_state().passed(), 1)
        self.assertEqual(writes(queries), [])

    def test_the_unfiltered_archives_facets_count_a_scheduled_report_when_it_goes_live(self):
        # The unfiltered archive's facets come from the counts the change derived, with the
        # scheduled reports that have gone live by the clock added: equal to a plain count.
        editor = make_user("editor")
        make_report("Live", start=(2020, 12, 28), end=(2021, 1, 3), tags=["Basra"])
        draft = make_report("Coming", status=Status.REVIEW, start=(2022, 3, 7), end=(2022, 3, 13), tags=["Basra"])
        at = timezone.now() + datetime.timedelta(hours=1)
        workflow.publish(draft, by=editor, at=at)

        def counts():
            forget_cached_results()
            facets = self.client.get("/").context["facets"]
            return facets.total, {v.label: v.count for group in facets.groups for v in group.shown}

        self.assertEqual(counts(), (1, {"Basra": 1, "Iraq Situation Report": 1, "2021": 1, "2020": 1}))
        with mock.patch("django.utils.timezone.now", return_value=at + datetime.timedelta(seconds=1)):
            expected = {"Basra": 2, "Iraq Situation Report": 2, "2022": 1, "2021": 1, "2020": 1}
            self.assertEqual(counts(), (2, expected))
            self.assertEqual(Report.objects.published().count(), 2)


class StateReadingTests(SitrepTestCase):
    """Each process re-reads the publication state once a second; the vocabulary comes with it
    only when another change has been recorded since (reports.caching.state.read)."""

    def setUp(self):
        self.report = make_report("Live", tags=["Basra"])
        PublicationState.objects.record_change()

    def test_an_unchanged_state_is_the_last_reading_itself_read_in_one_query(self):
        first = state.read()
        self.assertTrue(first.stored)
        with CaptureQueriesContext(connection) as queries:
            self.assertIs(state.read(first), first)
        self.assertEqual(len(queries), 1)

    def test_a_change_recorded_elsewhere_brings_its_vocabulary_in_the_same_query(self):
        first = state.read()
        # Another process's change: this process hears of it only by reading the row.
        self.report.tags.add("Kirkuk")
        PublicationState.objects.record_change()
        with CaptureQueriesContext(connection) as queries:
            second = state.read(first)
        self.assertEqual(len(queries), 1)
        self.assertEqual(second.generation, first.generation + 1)
        self.assertEqual(tag_slugs(first), ["basra"])
        self.assertEqual(tag_slugs(second), ["basra", "kirkuk"])
        self.assertIs(state.read(second), second)

    def test_a_reading_derived_from_a_row_without_vocabulary_is_derived_again(self):
        PublicationState.objects.filter(pk=1).update(vocabulary={})  # as just migrated
        first = state.read()
        self.assertFalse(first.stored)
        self.report.tags.add("Kirkuk")
        self.assertEqual(tag_slugs(state.read(first)), ["basra", "kirkuk"])


def tag_slugs(reading):
    return sorted(slug for _, slug, *_ in reading.vocabulary["tags"])
