"""Real-browser tests: Playwright driving Debian's Chromium against a live test server.

Where Chromium (or Playwright) is missing the tests are skipped, and the run says so in one
line; with BROWSER_TESTS_REQUIRED=1 (set by .ci/run) they fail instead. Playwright never
downloads a browser here: it is always pointed at the system Chromium.
"""

import os
import shutil
import unittest
from unittest import mock

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from tests.helpers import ensure_editorial_groups

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags for a sandboxed, offline, root-run headless Chromium.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def browser_unavailable_reason():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    return None


class BrowserTestCase(StaticLiveServerTestCase):
    """A live server (with static files) and one Chromium per test class; a fresh page per test."""

    viewport = {"width": 1280, "height": 900}
    bypass_csp = False  # True to test what the page itself allows, without the CSP's safety net

    @classmethod
    def setUpClass(cls):
        reason = browser_unavailable_reason()
        if reason:
            if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
                raise RuntimeError(f"Browser tests are required here, but: {reason}")
            raise unittest.SkipTest(f"browser tests skipped: {reason}")
        # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
        # between browser steps are still plain synchronous calls.
        cls.enterClassContext(mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}))
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        ensure_editorial_groups()  # the live server's database is flushed between tests
        self.context = self.browser.new_context(viewport=self.viewport, bypass_csp=self.bypass_csp)
        self.context.set_default_timeout(10_000)
        # The page stays open after the test so that a failure can be photographed
        # (tests/conftest.py); the context is closed there.
        self.page = self.context.new_page()
        # Anything the Content-Security-Policy blocked shows up as a console error.
        self.csp_violations = []
        self.context.on(
            "console",
            lambda message: "Content Security Policy" in message.text and self.csp_violations.append(message.text),
        )

    def assertNoCspViolations(self):
        self.assertEqual(self.csp_violations, [], "the page needed something the Content-Security-Policy forbids")

    def url(self, path):
        return self.live_server_url + path

    def assert_message(self, text, page=None):
        """The admin's message list says `text`: retried until it does, since right after a
        click the previous page, with no message or its own, may still be showing."""
        from playwright.sync_api import expect

        expect((page or self.page).locator(".messagelist")).to_contain_text(text)

    def log_in(self, username, password):
        self.context.clear_cookies()
        self.page.goto(self.url("/admin/login/"))
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#user-tools")
