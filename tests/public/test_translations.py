"""Reports and their translations as readers meet them: "Also in", hreflang alternates that
link back, the note on a translation whose original was corrected, the `lang` filter, and the
desk's list of translations to update (issue 17)."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from reports.editorial.actions import editing
from reports.editorial.desk import translations_to_update
from reports.models import Author, Report
from reports.public.editions.translations import report_url_in
from tests.base import SitrepTestCase
from tests.helpers import PAST, ROLES, forget_cached_results, make_report, make_user

ARABIC_TITLE = "تقرير الوضع في العراق: 24-30 يونيو 2020"


class Alternates(HTMLParser):
    """The page's <link rel="alternate" hreflang> as {hreflang: href}, and its "Also in" links."""

    def __init__(self, html):
        super().__init__()
        self.hreflang, self.also_in, self._in_also = {}, {}, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.hreflang[attrs["hreflang"]] = attrs["href"]
        if tag == "p" and attrs.get("class") == "also-in":
            self._in_also = True
        if tag == "a" and self._in_also:
            self.also_in[attrs["hreflang"]] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_also = False


def path_of(url):
    return urlsplit(url).path


class TranslationPageTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.translator = Author.objects.create(name="Layla Hassan", slug="layla-hassan")
        cls.original = make_report(slug="iraq-june", tags=["Iran"], summary="Militias moved south.")
        cls.arabic = make_report(
            ARABIC_TITLE,
            slug="iraq-june-ar",
            tags=["Iran"],
            summary="تحركت الميليشيات جنوباً.",
            language="ar",
            translation_key=cls.original.translation_key,
            source_version_at=PAST,
            translator=cls.translator,
        )
        cls.alone = make_report("Syria alone", slug="syria-alone")

    def alternates_of(self, path):
        response = self.client.get(path)
        self.assertEqual(response.status_code, 200, path)
        return Alternates(response.content.decode())

    def test_the_original_links_its_arabic_translation_also_in(self):
        page = self.alternates_of("/reports/iraq-june/")
        self.assertEqual(path_of(page.also_in["ar"]), report_url_in("ar", "iraq-june-ar"))
        self.assertContains(self.client.get("/reports/iraq-june/"), 'lang="ar" dir="rtl">العربية</a>')

    def test_every_alternate_answers_200_and_links_back(self):
        for start in ("/reports/iraq-june/", "/ar/reports/iraq-june-ar/"):
            with self.subTest(start=start):
                alternates = self.alternates_of(start).hreflang
                self.assertEqual(set(alternates), {"en", "ar", "x-default"})
                self.assertEqual(path_of(alternates["x-default"]), "/reports/iraq-june/")
                for language, url in alternates.items():
                    linked = self.alternates_of(path_of(url)).hreflang
                    self.assertEqual(linked, alternates, f"{url} ({language}) does not link back the same way")
                    self.assertIn(start, {path_of(href) for href in linked.values()})

    def test_the_api_lists_each_reports_translations_both_ways(self):
        for slug, other, language in (("iraq-june", "iraq-june-ar", "ar"), ("iraq-june-ar", "iraq-june", "en")):
            with self.subTest(slug=slug):
                item = self.client.get(f"/api/reports/{slug}/").json()
                self.assertEqual(item["translations"], [{
                    "language": language,
                    "url": "http://testserver" + report_url_in(language, other),
                    "api_url": f"http://testserver/api/reports/{other}/",
                }])  # fmt: skip
                self.assertEqual(self.client.get(item["translations"][0]["api_url"]).status_code, 200)
        listed = {r["slug"]: r["translations"] for r in self.client.get("/api/reports/").json()["results"]}
        self.assertEqual(listed["syria-alone"], [])
        self.assertEqual([t["language"] for t in listed["iraq-june"]], ["ar"])

    def test_atom_entries_link_their_translations_by_hreflang(self):
        links = {}
        for path in ("/feeds/atom/", "/ar/feeds/atom/"):
            feed = feedparser.parse(self.client.get(path).content)
            links |= {
                entry.id: {(link.hreflang, link.href) for link in entry.links if link.get("hreflang")}
                for entry in feed.entries
            }
        both = {("en", "http://testserver/reports/iraq-june/"), ("ar", "http://testserver/ar/reports/iraq-june-ar/")}
        self.assertEqual(links["http://testserver/reports/iraq-june/"], both)
        self.assertEqual(links["http://testserver/ar/reports/iraq-june-ar/"], both)
        self.assertEqual(links["http://testserver/reports/syria-alone/"], set())
        # Each entry's own link is still its own page (its id, at the feed's own site).
        english = feedparser.parse(self.client.get("/feeds/atom/").content)
        self.assertEqual({entry.id: entry.link for entry in english.entries if "iraq" in entry.id},
                         {"http://testserver/reports/iraq-june/": "http://testserver/reports/iraq-june/"})  # fmt: skip

    def test_the_sitemap_gives_each_version_with_its_alternates(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for slug in ("iraq-june", "iraq-june-ar"):
            with self.subTest(slug):
                entry = content.split(f"<loc>http://testserver/reports/{slug}/</loc>")[1].split("</url>")[0]
                self.assertIn('hreflang="ar" href="http://testserver/ar/reports/iraq-june-ar/"', entry)
                self.assertIn('hreflang="en" href="http://testserver/reports/iraq-june/"', entry)
        alone = content.split("<loc>http://testserver/reports/syria-alone/</loc>")[1].split("</url>")[0]
        self.assertNotIn("xhtml:link", alone)

    def test_a_report_without_translations_has_no_alternates(self):
        page = self.alternates_of("/reports/syria-alone/")
        self.assertEqual((page.hreflang, page.also_in), ({}, {}))

    def test_an_unpublished_translation_is_not_linked(self):
        Report.objects.filter(pk=self.arabic.pk).update(status=Report.Status.DRAFT)
        page = self.alternates_of("/reports/iraq-june/")
        self.assertEqual((page.hreflang, page.also_in), ({}, {}))

    def test_the_arabic_page_is_marked_right_to_left_and_names_its_translator(self):
        response = self.client.get("/reports/iraq-june-ar/")
        self.assertContains(response, '<div class="report" lang="ar" dir="rtl">')
        # By name: an author's page lists the reports they signed, which a translator may not have.
        self.assertContains(response, '<p class="translator">Translated by Layla Hassan</p>')
        self.assertNotContains(self.client.get("/reports/iraq-june/"), 'dir="rtl"><header>')

    def test_a_translation_made_before_a_correction_of_its_original_says_so(self):
        self.assertNotContains(self.client.get("/reports/iraq-june-ar/"), "translation-outdated")
        self.original.summary = "Militias moved south, then west."
        editing.save_report(self.original, by=self.editor, tags=["Iran"], correction_note="Added the move west.")
        forget_cached_results()
        response = self.client.get("/reports/iraq-june-ar/")
        today = datetime.date.today()
        self.assertContains(response, f'The original was corrected on <time datetime="{today:%Y-%m-%d}')
        self.assertContains(response, 'href="/reports/iraq-june/" hreflang="en">read the corrected original</a>')
        self.assertNotContains(self.client.get("/reports/iraq-june/"), "translation-outdated")

    def test_a_translation_made_after_the_correction_is_up_to_date(self):
        self.original.summary = "Militias moved south, then west."
        editing.save_report(self.original, by=self.editor, tags=["Iran"], correction_note="Added the move west.")
        Report.objects.filter(pk=self.arabic.pk).update(source_version_at=datetime.datetime.now(datetime.UTC))
        forget_cached_results()
        self.assertNotContains(self.client.get("/reports/iraq-june-ar/"), "translation-outdated")
        self.assertEqual(list(translations_to_update()), [])

    # The state is read once beforehand and not again however loaded the machine is.
    @override_settings(PAGE_CACHE_SECONDS=0, PAGE_CACHE_CHECK_SECONDS=3600)
    def test_a_report_page_with_translations_makes_no_more_queries(self):
        for path in ("/reports/iraq-june/", "/reports/iraq-june-ar/", "/reports/syria-alone/"):
            forget_cached_results()
            with self.subTest(path), self.assertNumQueries(1):
                self.assertEqual(self.client.get(path).status_code, 200)
            with self.subTest(path, request="next"), self.assertNumQueries(0):
                self.client.get(path)


class LanguageFilterTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        original = make_report("Iraq in English", slug="iraq-en", tags=["Iran"])
        make_report(ARABIC_TITLE, slug="iraq-ar", language="ar", translation_key=original.translation_key,
                    source_version_at=PAST, tags=["Iran"])  # fmt: skip

    def test_lang_selects_the_reports_in_that_language_in_archive_api_and_feeds(self):
        for lang, title in (("ar", ARABIC_TITLE), ("en", "Iraq in English")):
            with self.subTest(lang=lang):
                archive = self.client.get("/", {"lang": lang}).content.decode()
                self.assertIn(title, archive)
                other = ARABIC_TITLE if lang == "en" else "Iraq in English"
                self.assertNotIn(other, archive)
                api = self.client.get("/api/reports/", {"lang": lang}).json()
                self.assertEqual([item["title"] for item in api["results"]], [title])
                feed = feedparser.parse(self.client.get("/feeds/atom/", {"lang": lang}).content)
                self.assertEqual([entry.title for entry in feed.entries], [title])

    def test_each_listing_shows_the_reports_in_its_pages_language_unless_lang_says_otherwise(self):
        english, arabic = {"Iraq in English"}, {ARABIC_TITLE}
        for path, shown in (("/", english), ("/ar/", arabic), ("/tags/iran/", {"Iraq in English"}),
                            ("/ar/tags/iran/", arabic), ("/ar/?lang=en", english)):  # fmt: skip
            with self.subTest(path=path):
                page = self.client.get(path).content.decode()
                for title in english | arabic:
                    (self.assertIn if title in shown else self.assertNotIn)(escape(title), page)
        feeds = (("/feeds/atom/", english), ("/ar/feeds/atom/", arabic), ("/ar/feeds/atom/?lang=en", english))
        for path, shown in feeds:
            with self.subTest(path=path):
                entries = feedparser.parse(self.client.get(path).content).entries
                self.assertEqual({entry.title for entry in entries}, shown)
        api = self.client.get("/api/reports/").json()
        self.assertEqual({item["title"] for item in api["results"]}, english)
        self.assertEqual(api["count"], 1)

    def test_an_unknown_language_is_a_400_that_says_which(self):
        response = self.client.get("/", {"lang": "fr"})
        self.assertContains(response, "There is no language “fr”; use en or ar.", status_code=400)
        api = self.client.get("/api/reports/", {"lang": "fr"})
        self.assertEqual(api.status_code, 400)
        self.assertEqual(api.json(), {"lang": ["There is no language “fr”; use en or ar."]})
        self.assertEqual(self.client.get("/feeds/rss/", {"lang": "fr"}).status_code, 400)

    def test_the_active_filter_is_labelled_with_the_language(self):
        self.assertContains(self.client.get("/", {"lang": "ar"}), "Language: Arabic")


class TranslationsToUpdateDeskTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}
        cls.original = make_report(slug="iraq-june")
        cls.arabic = make_report(ARABIC_TITLE, slug="iraq-june-ar", language="ar", source_version_at=PAST,
                                 translation_key=cls.original.translation_key)  # fmt: skip

    def test_the_desk_lists_a_translation_whose_original_was_corrected(self):
        url = reverse("admin:reports_report_translations_to_update")
        self.client.force_login(self.users["editor"])
        self.assertContains(self.client.get(url), "Every translation is up to date")
        self.original.summary = "Changed."
        editing.save_report(self.original, by=self.users["editor"], tags=[], correction_note="Fixed a figure.")
        for role, user in self.users.items():
            with self.subTest(role=role):
                self.client.force_login(user)
                response = self.client.get(url)
                self.assertContains(response, ARABIC_TITLE)
                self.assertContains(response, "Fixed a figure.")
                self.assertContains(response, reverse("admin:reports_report_change", args=[self.original.pk]))
        self.assertEqual([report.pk for report in translations_to_update()], [self.arabic.pk])
