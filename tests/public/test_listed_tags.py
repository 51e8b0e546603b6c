"""Listings read their reports' tags by id and name them from the published vocabulary
(reports.models.names.TagNames); and report, tag and API addresses are made without a
reverse() per row (reports.models.report.slug_url)."""

from django.test import override_settings
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.translation import override
from taggit.models import Tag

from reports.caching.vocabulary import published_vocabulary
from reports.editorial.actions import tags as tag_actions
from reports.models import Report, TagNames, slug_url
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user

Status = Report.Status


class ListedTagsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_series()
        cls.report = make_report("Listed", tags=["Baghdad", "Iran", "al-Anbar"])
        cls.draft = make_report("Draft", status=Status.DRAFT, tags=["Only in a draft"])

    def listed(self, report):
        return Report.objects.filter(pk=report.pk).for_summaries().get()

    def test_a_published_reports_tags_are_named_with_no_query_of_their_own(self):
        published_vocabulary()  # read once per request anyway (the page cache's generation)
        with self.assertNumQueries(1):
            report = self.listed(self.report)
            names = [(tag.name, tag.slug) for tag in report.tag_list]
        self.assertEqual(names, [("al-Anbar", "al-anbar"), ("Baghdad", "baghdad"), ("Iran", "iran")])
        self.assertFalse(hasattr(report, "tag_data"))  # ids only: no join to every tag per row

    def test_a_tag_only_drafts_carry_is_read_from_the_database(self):
        published_vocabulary()
        report = self.listed(self.draft)
        self.assertNotIn("only-in-a-draft", published_vocabulary().tags)
        with self.assertNumQueries(1):
            self.assertEqual([tag.name for tag in report.tag_list], ["Only in a draft"])

    def test_ids_are_named_in_their_order_and_unknown_ones_left_out(self):
        baghdad, iran = Tag.objects.get(slug="baghdad"), Tag.objects.get(slug="iran")
        self.assertEqual(TagNames.pairs([iran.pk, 10**9, baghdad.pk]), [("Iran", "iran"), ("Baghdad", "baghdad")])

    def test_a_renamed_tag_is_listed_by_its_new_name(self):
        self.client.get("/")
        tag = Tag.objects.get(slug="iran")
        tag.name = "Islamic Republic of Iran"
        tag_actions.save_tag(tag, by=self.editor)
        page = self.client.get("/").content.decode()
        self.assertIn(">Islamic Republic of Iran</a>", page)
        self.assertEqual(
            [t.name for t in self.listed(self.report).tag_list], ["al-Anbar", "Baghdad", "Islamic Republic of Iran"]
        )


class SlugAddressTests(SitrepTestCase):
    def test_addresses_are_those_reverse_makes(self):
        cases = [("reports:detail", "iraq-situation-report-2020"), ("reports:tag", "kataib_hezbollah"),
                 ("reports:api-report", "a-1"), ("reports:tag", "بغداد"), ("reports:tag", "a b&c")]  # fmt: skip
        for language in ("en", "ar"):
            for view, slug in cases:
                with self.subTest(language=language, view=view, slug=slug), override(language):
                    self.assertEqual(slug_url(view, slug), reverse(view, args=[slug]))

    def test_addresses_follow_the_script_prefix(self):
        before = get_script_prefix()
        self.addCleanup(set_script_prefix, before)
        slug_url("reports:detail", "one")
        set_script_prefix("/sitrep/")
        self.assertEqual(slug_url("reports:detail", "one"), "/sitrep/reports/one/")

    @override_settings(ROOT_URLCONF="tests.public.urls_elsewhere")
    def test_addresses_follow_the_urlconf(self):
        self.assertEqual(slug_url("reports:detail", "one"), reverse("reports:detail", args=["one"]))
        self.assertTrue(slug_url("reports:detail", "one").startswith("/elsewhere/"))
