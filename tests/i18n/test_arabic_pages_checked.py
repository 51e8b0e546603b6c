"""The Arabic archive, a report and the coverage page: axe-core and the Nu HTML checker at zero,
and the archive read right to left in Chromium at 320 px and 1280 px (screenshots kept in
test-artifacts/)."""

import json

from taggit.models import Tag

from reports.models import Report, Series, TagArabicName
from tests.base import SitrepTestCase
from tests.browser import BrowserTestCase
from tests.conftest import ARTIFACTS as ARTIFACTS_DIR
from tests.helpers import make_report
from tests.public.test_accessibility import WCAG_21_AA
from tests.public_pages import build_public_pages
from tests.validators import AXE, axe_missing, nu_html_errors, require, vnu_missing


def arabic_pages(pages):
    """The Arabic pages to check, with an Arabic translation of the first report (its tags and
    series named in Arabic) for them to show."""
    original = Report.objects.get(slug=pages["report"].strip("/").split("/")[-1])
    Series.objects.filter(pk=original.series_id).update(name_ar="تقرير الوضع في العراق")
    TagArabicName.objects.create(tag=Tag.objects.get(slug="kataib-hezbollah"), name="كتائب حزب الله")
    arabic = make_report(
        "تقرير الوضع في العراق: 24-30 يونيو 2020", slug="iraq-ar", series=original.series, language="ar",
        start=(2020, 6, 24), end=(2020, 6, 30), tags=["Kata’ib Hezbollah", "Baghdad"],
        summary="استهدفت هجمات صاروخية مطار بغداد.", body="## الهجمات\n\nهجمات على مطار *بغداد*.",
        translation_key=original.translation_key, source_version_at=original.published_at,
    )  # fmt: skip
    return {
        "Arabic archive": "/ar/",
        "Arabic archive filtered": f"/ar{pages['archive filtered']}",
        "Arabic report": arabic.get_absolute_url(),
        "English report in the Arabic interface": f"/ar{pages['report']}",
        "Arabic coverage page": "/ar/weeks/",
        "Arabic tag thread": f"/ar{pages['tag thread']}",
    }


class ArabicHtmlValidityTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = arabic_pages(build_public_pages())

    def test_arabic_pages_have_no_html_errors(self):
        require(vnu_missing())
        documents = {}
        for label, path in self.pages.items():
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200, label)
            documents[label] = response.content
        errors = nu_html_errors(documents)
        self.assertEqual(errors, [], "\n".join(errors))


class ArabicInBrowserTests(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}

    def setUp(self):
        super().setUp()
        self.pages = arabic_pages(build_public_pages())

    def axe_violations(self):
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        return [{"id": v["id"], "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]

    def test_arabic_pages_have_no_wcag_21_aa_violations(self):
        require(axe_missing())
        for label, path in self.pages.items():
            with self.subTest(label):
                self.page.goto(self.url(path))
                violations = self.axe_violations()
                self.assertEqual(violations, [], json.dumps(violations, indent=1))
        self.assertNoCspViolations()

    def test_arabic_archive_reads_right_to_left_on_a_phone_and_a_desktop(self):
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        for width in (320, 1280):
            with self.subTest(width=width):
                self.page.set_viewport_size({"width": width, "height": 900})
                self.page.goto(self.url(self.pages["Arabic archive filtered"]))
                self.assertEqual(self.page.evaluate("getComputedStyle(document.body).direction"), "rtl")
                scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
                self.assertLessEqual(scroll_width, width, "the Arabic archive scrolls sideways")
                # The heading starts at the right: its right edge is at the content's right edge.
                heading = self.page.locator("h1").bounding_box()
                main = self.page.locator("main").bounding_box()
                self.assertAlmostEqual(heading["x"] + heading["width"], main["x"] + main["width"] - 16, delta=2)
                self.page.screenshot(path=str(ARTIFACTS_DIR / f"arabic-archive-{width}.png"), full_page=True)

    def test_reader_switches_to_english_and_back_keeping_the_filters(self):
        self.page.goto(self.url(self.pages["Arabic archive filtered"]))
        self.page.click("a.language-switch")
        self.page.wait_for_url(self.url("/?tag=kataib-hezbollah&week=2020-W27"))
        self.assertEqual(self.page.locator("html").get_attribute("dir"), "ltr")
        self.page.click("a.language-switch")
        self.page.wait_for_url(self.url("/ar/?tag=kataib-hezbollah&week=2020-W27"))
        self.assertEqual(self.page.locator("h1").inner_text(), "تقارير الوضع")
