"""The Arabic interface's addresses: English unchanged, Arabic under /ar/, the switcher, the caches."""

import html
import re

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.base import SitrepTestCase
from tests.public_pages import build_public_pages

HTML_TAG = re.compile(r"<html lang=\"(?P<lang>[^\"]+)\" dir=\"(?P<dir>[^\"]+)\">")
SWITCH = re.compile(r'<a class="language-switch" href="(?P<href>[^"]*)" hreflang="(?P<code>[a-z]+)"')


def english_pages(pages):
    return {label: path for label, path in pages.items() if not path.startswith("/ar/")}


class InterfaceUrlTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = english_pages(build_public_pages())
        cls.report_path = cls.pages["report"]

    def html_tag(self, response):
        return HTML_TAG.search(response.content.decode()).groupdict()

    def switch(self, response):
        return SWITCH.search(response.content.decode()).groupdict()

    def test_english_addresses_are_unchanged(self):
        slug = self.report_path.split("/")[2]
        with translation.override("en"):
            self.assertEqual(
                [reverse(name) for name in ("reports:archive", "reports:tags", "reports:authors", "reports:weeks")],
                ["/", "/tags/", "/authors/", "/weeks/"],
            )
            self.assertEqual(reverse("reports:detail", args=[slug]), f"/reports/{slug}/")
            self.assertEqual(reverse("reports:feed-atom"), "/feeds/atom/")
            self.assertEqual(reverse("reports:api-reports"), "/api/reports/")
        for path in (*self.pages.values(), "/feeds/atom/", "/feeds/rss/", "/api/reports/", "/sitemap.xml", "/healthz"):
            with self.subTest(path):
                self.assertIn(self.client.get(path).status_code, (200, 400, 404))

    def test_english_pages_say_english_left_to_right(self):
        for label, path in self.pages.items():
            with self.subTest(label):
                response = self.client.get(path)
                self.assertEqual(self.html_tag(response), {"lang": "en", "dir": "ltr"})
                self.assertEqual(response["Content-Language"], "en")
                self.assertNotIn("Accept-Language", response.get("Vary", ""))

    def test_arabic_pages_answer_in_arabic_right_to_left(self):
        for label, path in self.pages.items():
            with self.subTest(label):
                response = self.client.get(f"/ar{path}")
                english = self.client.get(path)
                self.assertEqual(response.status_code, english.status_code)
                self.assertEqual(self.html_tag(response), {"lang": "ar", "dir": "rtl"})
                self.assertEqual(response["Content-Language"], "ar")

    def test_arabic_archive_is_written_in_arabic(self):
        # The English reports, asked for by `lang` (the Arabic archive lists Arabic reports).
        page = self.client.get("/ar/?lang=en").content.decode()
        self.assertIn("<h1>تقارير الوضع</h1>", page)
        self.assertIn("24–30 يونيو 2020", page)
        self.assertIn('<a href="/ar/weeks/">الأسابيع</a>', page)
        self.assertIn('<label for="id_q">البحث</label>', page)

    def test_neither_cookie_nor_accept_language_changes_a_public_page(self):
        self.client.cookies["django_language"] = "ar"
        response = self.client.get("/tags/", HTTP_ACCEPT_LANGUAGE="ar")
        self.assertEqual(self.html_tag(response), {"lang": "en", "dir": "ltr"})
        arabic = self.client.get("/ar/tags/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(self.html_tag(arabic), {"lang": "ar", "dir": "rtl"})

    def test_admin_follows_the_editors_language(self):
        for accept, expected in (("ar", {"lang": "ar", "dir": "rtl"}), ("en", {"lang": "en", "dir": "ltr"})):
            with self.subTest(accept):
                response = self.client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=accept)
                self.assertEqual(self.html_tag(response), expected)
                self.assertIn("Accept-Language", response["Vary"])
        self.client.cookies["django_language"] = "ar"
        self.assertEqual(self.html_tag(self.client.get("/admin/login/")), {"lang": "ar", "dir": "rtl"})

    def test_language_neutral_routes_keep_their_one_address(self):
        slug = self.report_path.split("/")[2]
        for path in ("/api/reports/?tag=baghdad", f"/reports/{slug}/cite.ris", "/api/schema/"):
            with self.subTest(path):
                response = self.client.get(f"/ar{path}")
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], path)
        report = self.client.get(f"/ar{self.report_path}").content.decode()
        self.assertIn(f'href="/reports/{slug}/cite.ris"', report)


class LanguageSwitchTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = english_pages(build_public_pages())

    def switch(self, path):
        found = SWITCH.search(self.client.get(path).content.decode()).groupdict()
        return found | {"href": html.unescape(found["href"])}

    def test_switch_leads_to_the_same_page_with_the_same_filters_both_ways(self):
        for label in ("archive filtered", "archive with range and series", "search", "tag thread", "weeks", "report"):
            path = self.pages[label]
            with self.subTest(label):
                self.assertEqual(self.switch(path), {"href": f"/ar{path}", "code": "ar"})
                self.assertEqual(self.switch(f"/ar{path}"), {"href": path, "code": "en"})

    def test_switch_keeps_only_the_parameters_the_page_reads(self):
        self.assertEqual(self.switch("/?tag=baghdad&utm_source=mail")["href"], "/ar/?tag=baghdad")

    def test_switch_from_a_unicode_tag_page_is_a_valid_address(self):
        self.assertEqual(self.switch("/tags/kataib-hezbollah/?page=1")["href"], "/ar/tags/kataib-hezbollah/?page=1")

    def test_switch_on_an_error_page_leads_to_the_other_archive(self):
        self.assertEqual(self.switch("/reports/a-draft/")["href"], "/ar/")
        self.assertEqual(self.switch("/ar/reports/a-draft/")["href"], "/")


@override_settings(PAGE_CACHE_SECONDS=60, PAGE_CACHE_CHECK_SECONDS=60)
class LanguageCacheTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = english_pages(build_public_pages())

    def test_cached_pages_are_kept_per_language(self):
        for label in ("archive", "tags", "weeks", "report"):
            path = self.pages[label]
            with self.subTest(label):
                english = self.client.get(path)
                arabic = self.client.get(f"/ar{path}")
                self.assertNotEqual(english.content, arabic.content)
                # Served from the cache (same ETag), each in its own language. (Not counted in
                # queries: the state is re-read once a second, which a slow machine can cross.)
                again_arabic = self.client.get(f"/ar{path}")
                again_english = self.client.get(path)
                self.assertEqual(again_arabic["ETag"], arabic["ETag"])
                self.assertEqual(again_english["ETag"], english["ETag"])
                self.assertNotEqual(arabic["ETag"], english["ETag"])
                self.assertEqual(again_arabic.content, arabic.content)
                self.assertEqual(again_english.content, english.content)
                self.assertEqual((again_arabic["Content-Language"], again_english["Content-Language"]), ("ar", "en"))
                self.assertIn('lang="ar" dir="rtl"', again_arabic.content.decode())

    # The pages' own queries; the state is re-read only once a minute here, so a slow
    # machine crossing a second does not count a re-read against one language.
    @override_settings(PAGE_CACHE_SECONDS=0, PAGE_CACHE_CHECK_SECONDS=60)
    def test_arabic_page_needs_no_more_queries_than_english(self):
        for path in ("/tags/", "/", "/weeks/"):
            with self.subTest(path):
                self.client.get(path)
                self.client.get(f"/ar{path}")
                with CaptureQueriesContext(connection) as english:
                    self.client.get(path)
                with self.assertNumQueries(len(english.captured_queries)):
                    self.client.get(f"/ar{path}")


class ArabicFeedTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        build_public_pages()

    def test_arabic_feed_is_titled_in_arabic_and_english_feed_is_unchanged(self):
        import feedparser

        arabic = feedparser.parse(self.client.get("/ar/feeds/atom/?tag=baghdad&lang=en").content)
        self.assertEqual(arabic.feed.title, "sitrep: تقارير الوضع (الوسم: Baghdad؛ اللغة: الإنجليزية)")
        self.assertEqual(arabic.feed.subtitle, "أحدث تقارير الوضع المنشورة المطابقة لعوامل التصفية هذه.")
        self.assertEqual(arabic.feed.language, "ar")
        self.assertTrue(arabic.feed.link.endswith("/ar/?tag=baghdad&lang=en"))
        self.assertIn("24–30 يونيو 2020", arabic.entries[0].summary)
        english = feedparser.parse(self.client.get("/feeds/rss/?tag=baghdad").content)
        self.assertEqual(english.feed.title, "sitrep: situation reports (Tag: Baghdad)")
        self.assertEqual(english.feed.language, "en")
        self.assertIn("June 24–30, 2020", english.entries[0].summary)


class ArabicFilterErrorTests(SitrepTestCase):
    def test_a_bad_filter_is_explained_in_the_pages_language(self):
        arabic = self.client.get("/ar/", {"week": "2020-W60"})
        self.assertContains(arabic, "في سنة 2020 الأسابيع من W01 إلى W53؛ و«2020-W60» ليس منها.", status_code=400)
        english = self.client.get("/", {"week": "2020-W60"})
        self.assertContains(english, "2020 has weeks W01 to W53; “2020-W60” is not one of them.", status_code=400)
        # The API has one address, in English.
        api = self.client.get("/api/reports/", {"year": "1066"}).json()
        self.assertEqual(api, {"year": ["Enter a year from 1900 to 2999."]})
