"""Every alert page, in English and under /ar/, light and dark, reached as a reader reaches it
(a link, or a button pressed on the page before): axe-core finds no WCAG 2.1 AA violation. And
the subscribe and manage pages photographed at 320 px and 1280 px (test-artifacts/)."""

import json

from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

from tests.alerts.pages import alert_pages, make_reports
from tests.browser import BrowserTestCase
from tests.conftest import ARTIFACTS
from tests.public.test_accessibility import WCAG_21_AA
from tests.validators import AXE, axe_missing, require


class AlertPagesAccessibilityTests(BrowserTestCase):
    def setUp(self):
        require(axe_missing())
        super().setUp()
        cache.clear()  # the per-client limit on asking counts every test's requests
        make_reports()

    def axe_violations(self):
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [node["target"] for node in v["nodes"]][:5]}
            for v in result["violations"]
        ]  # fmt: skip

    def open(self, alert_page):
        """Open the page as a reader would; the response of the last step."""
        response = self.page.goto(self.url(alert_page.path))
        if alert_page.button:
            for selector, value in alert_page.fill.items():
                field = self.page.locator(selector)
                field.check() if value is True else field.fill(value)
            with self.page.expect_navigation() as navigation:
                self.page.locator(alert_page.button).click()
            response = navigation.value
        return response

    def test_alert_pages_have_no_wcag_21_aa_violations_in_english_or_arabic_in_either_scheme(self):
        checked = 0
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            for language in ("en", "ar"):
                for alert_page in alert_pages(language, run=scheme):
                    label = f"{scheme}, {language}: {alert_page.label}"
                    with self.subTest(label), override_settings(**alert_page.settings):
                        response = self.open(alert_page)
                        self.assertEqual(response.status, alert_page.status, label)
                        expect(self.page.locator("html")).to_have_attribute("lang", language)
                        violations = self.axe_violations()
                        self.assertEqual(violations, [], json.dumps(violations, indent=1))
                        checked += 1
        self.assertEqual(checked, 56)
        self.assertNoCspViolations()

    def test_subscribe_and_manage_pages_fit_a_phone_and_a_desktop(self):
        ARTIFACTS.mkdir(exist_ok=True)
        for language in ("en", "ar"):
            pages = {page.label: page for page in alert_pages(language)}
            for width in (320, 1280):
                self.page.set_viewport_size({"width": width, "height": 900})
                for name in ("subscribe", "subscribe, no address", "manage"):
                    with self.subTest(language=language, width=width, page=name):
                        self.open(pages[name])
                        overflow = self.page.evaluate("document.documentElement.scrollWidth - innerWidth")
                        self.assertLessEqual(overflow, 0, "the page scrolls sideways")
                        shot = f"alerts-{name.replace(', ', '-').replace(' ', '-')}-{language}-{width}.png"
                        self.page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
