"""A reader in Arabic, in Chromium (issue 17): switches the site to Arabic, filters the Arabic
archive by an Arabic tag name, opens the report and follows "Also in" to the English original;
and the pages as they look at 320 and 1280 pixels in both directions, photographed for people
to look at (test-artifacts/arabic-*.png)."""

from pathlib import Path

from django.conf import settings
from taggit.models import Tag

from reports.models import Series, TagArabicName
from tests.browser import BrowserTestCase
from tests.helpers import make_report

ARABIC_TITLE = "تقرير الوضع في العراق: 24-30 يونيو 2020"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


class ArabicReaderJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        series = Series.objects.create(name="Iraq Situation Report", name_ar="تقرير الوضع في العراق", slug="iraq")
        original = make_report("Iraq Situation Report: June 24-30, 2020", slug="iraq-en", series=series,
                               tags=["Iran", "Baghdad"], summary="Militias moved south.")  # fmt: skip
        make_report(ARABIC_TITLE, slug="iraq-ar", series=series, language="ar", tags=["Iran", "Baghdad"],
                    summary="تحركت الميليشيات جنوباً.", translation_key=original.translation_key)  # fmt: skip
        make_report("Iraq Situation Report: July 1-7, 2020", slug="iraq-july", series=series, tags=["Baghdad"],
                    start=(2020, 7, 1), end=(2020, 7, 7))  # fmt: skip
        TagArabicName.objects.create(tag=Tag.objects.get(slug="iran"), name="إيران")

    def titles(self):
        return self.page.locator("article h2").all_inner_texts()

    def test_reader_switches_to_arabic_filters_by_an_arabic_tag_and_follows_also_in(self):
        page = self.page
        page.goto(self.url("/"))
        self.assertEqual(len(self.titles()), 2)
        self.assertEqual(page.locator("html").get_attribute("dir"), "ltr")

        # The switcher leads to the Arabic archive: right to left, Arabic reports only.
        page.locator("a.language-switch").click()
        page.wait_for_url(self.url("/ar/"))
        self.assertEqual(page.locator("html").get_attribute("lang"), "ar")
        self.assertEqual(page.locator("html").get_attribute("dir"), "rtl")
        self.assertEqual(self.titles(), [ARABIC_TITLE])

        # The tag is named in Arabic; choosing it keeps its slug in the address.
        page.locator("article").get_by_role("link", name="إيران").click()
        page.wait_for_url("**/ar/?tag=iran")
        self.assertIn("إيران", page.locator(".active-filters").inner_text())
        self.assertEqual(self.titles(), [ARABIC_TITLE])

        # The report, in Arabic, links its English original under "Also in".
        page.get_by_role("link", name=ARABIC_TITLE).click()
        self.assertEqual(page.locator("h1").inner_text(), ARABIC_TITLE)
        self.assertEqual(page.locator("p.series").inner_text(), "تقرير الوضع في العراق")
        page.locator("p.also-in").get_by_role("link", name="English").click()
        page.wait_for_url(self.url("/reports/iraq-en/"))
        self.assertEqual(page.locator("h1").inner_text(), "Iraq Situation Report: June 24-30, 2020")
        self.assertEqual(page.locator("html").get_attribute("dir"), "ltr")
        self.assertEqual(page.locator("p.also-in a").get_attribute("href"), self.url("/ar/reports/iraq-ar/"))
        self.assertNoCspViolations()

    def test_pages_at_320_and_1280_pixels_in_both_directions_fit_their_width(self):
        ARTIFACTS.mkdir(exist_ok=True)
        for width in (320, 1280):
            for name, path in (("archive", "/ar/"), ("report", "/ar/reports/iraq-ar/"), ("coverage", "/ar/weeks/"),
                               ("archive-en", "/"), ("report-en", "/reports/iraq-en/")):  # fmt: skip
                with self.subTest(width=width, page=name):
                    self.page.set_viewport_size({"width": width, "height": 900})
                    self.page.goto(self.url(path))
                    # Nothing wider than the screen: no sideways scrolling in either direction.
                    scroll = self.page.evaluate("document.documentElement.scrollWidth")
                    self.assertLessEqual(scroll, width, f"{path} is {scroll}px wide at {width}px")
                    self.page.screenshot(path=ARTIFACTS / f"arabic-{name}-{width}.png", full_page=True)
