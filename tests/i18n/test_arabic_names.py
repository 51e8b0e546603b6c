"""Tags and series have names in both languages (issue 17): an Arabic page shows the Arabic
name, an English page the English one, and `?tag=` slugs are the same in both."""

from django.utils.html import escape
from taggit.models import Tag

from reports.models import Series, TagArabicName
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_user, submit

ARABIC_TITLE = "تقرير الوضع في العراق: 24-30 يونيو 2020"


class ArabicNamesTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.series = Series.objects.create(name="Iraq Situation Report", name_ar="تقرير الوضع في العراق", slug="iraq")
        original = make_report("Iraq in English", slug="iraq-en", series=cls.series, tags=["Iran", "Baghdad"])
        make_report(ARABIC_TITLE, slug="iraq-ar", series=cls.series, language="ar", tags=["Iran", "Baghdad"],
                    translation_key=original.translation_key)  # fmt: skip
        TagArabicName.objects.create(tag=Tag.objects.get(slug="iran"), name="إيران")

    def test_arabic_pages_show_arabic_names_with_the_same_slugs(self):
        for path in ("/ar/", "/ar/reports/iraq-ar/", "/ar/tags/", "/ar/tags/iran/", "/ar/?tag=iran"):
            with self.subTest(path=path):
                page = self.client.get(path).content.decode()
                self.assertIn("إيران", page)
                self.assertNotIn(">Iran<", page)
                self.assertIn("iran", page)  # the slug, in the links
        self.assertContains(self.client.get("/ar/reports/iraq-ar/"), "تقرير الوضع في العراق</a>")
        self.assertContains(self.client.get("/ar/"), "تقرير الوضع في العراق")

    def test_english_pages_keep_the_english_names(self):
        for path in ("/", "/reports/iraq-en/", "/tags/", "/tags/iran/", "/?tag=iran"):
            with self.subTest(path=path):
                page = self.client.get(path).content.decode()
                self.assertIn("Iran", page)
                self.assertNotIn("إيران", page)
                self.assertNotIn("تقرير الوضع في العراق", page)

    def test_a_tag_without_an_arabic_name_shows_its_own_name_on_arabic_pages(self):
        self.assertContains(self.client.get("/ar/reports/iraq-ar/"), ">Baghdad</a>")

    def test_the_active_filter_and_the_arabic_feed_name_the_tag_in_arabic(self):
        self.assertContains(self.client.get("/ar/", {"tag": "iran"}), "الوسم: إيران")
        feed = self.client.get("/ar/feeds/atom/", {"tag": "iran"}).content.decode()
        self.assertIn("الوسم: إيران", feed)
        self.assertIn('term="إيران"', feed)


class ArabicNameAdminTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_report(ARABIC_TITLE, slug="iraq-ar", language="ar", tags=["Iran"])
        cls.tag = Tag.objects.get(slug="iran")

    def test_an_editor_names_a_tag_in_arabic_and_the_arabic_site_shows_it(self):
        self.client.force_login(self.editor)
        url = f"/admin/taggit/tag/{self.tag.pk}/change/"
        response = submit(self.client, url, form_id="tag_form", arabic_name="  إيران ")
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        self.assertEqual(TagArabicName.objects.get(tag=self.tag).name, "إيران")
        self.client.logout()
        forget_cached_results()
        self.assertContains(self.client.get("/ar/tags/iran/"), "<h1>إيران</h1>")
        self.assertContains(self.client.get("/tags/"), ">Iran</a>")
        # The form shows it again, and emptying it gives the tag its own name back.
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(url), 'value="إيران"')
        submit(self.client, url, form_id="tag_form", arabic_name="")
        self.assertFalse(TagArabicName.objects.filter(tag=self.tag).exists())

    def test_an_arabic_name_too_long_is_refused_at_the_field(self):
        self.client.force_login(self.editor)
        response = submit(self.client, f"/admin/taggit/tag/{self.tag.pk}/change/", form_id="tag_form",
                          arabic_name="ا" * 101)  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ensure this value has at most 100 characters")
        self.assertFalse(TagArabicName.objects.exists())

    def test_a_series_is_named_in_arabic_in_its_admin(self):
        self.client.force_login(self.editor)
        series = Series.objects.get()
        response = submit(self.client, f"/admin/reports/series/{series.pk}/change/", form_id="series_form",
                          name_ar="تقرير الوضع في العراق")  # fmt: skip
        self.assertEqual(response.status_code, 302)
        series.refresh_from_db()
        self.assertEqual(series.name_ar, "تقرير الوضع في العراق")
        self.client.logout()
        forget_cached_results()
        page = self.client.get("/ar/reports/iraq-ar/").content.decode()
        self.assertIn(escape("تقرير الوضع في العراق") + "</a>", page)


class ArabicNamesInTheApiTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        series = Series.objects.create(name="Iraq Situation Report", name_ar="تقرير الوضع في العراق", slug="iraq")
        make_report("Iraq in English", slug="iraq-en", series=series, tags=["Iran", "Baghdad"])
        TagArabicName.objects.create(tag=Tag.objects.get(slug="iran"), name="إيران")

    def test_the_api_gives_each_tag_and_series_its_arabic_name_or_null(self):
        report = self.client.get("/api/reports/iraq-en/").json()
        self.assertEqual(report["series"]["name_ar"], "تقرير الوضع في العراق")
        self.assertEqual({tag["slug"]: tag["name_ar"] for tag in report["tags"]}, {"iran": "إيران", "baghdad": None})
        tags = {tag["slug"]: tag["name_ar"] for tag in self.client.get("/api/tags/").json()["results"]}
        self.assertEqual(tags, {"iran": "إيران", "baghdad": None})
        listed = self.client.get("/api/reports/").json()["results"][0]
        self.assertEqual(listed["series"]["name_ar"], "تقرير الوضع في العراق")
