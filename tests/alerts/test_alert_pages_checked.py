"""Every alert page passes the Nu HTML checker with zero errors, in English and under /ar/, with
and without its form's errors (axe-core, in Chromium: tests/alerts/test_browser_alert_pages.py)."""

from django.core.cache import cache
from django.test import override_settings

from tests.alerts.pages import alert_pages, make_reports
from tests.base import SitrepTestCase
from tests.validators import nu_html_errors, require, vnu_missing


class AlertPagesHtmlValidityTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_reports()

    def setUp(self):
        cache.clear()  # the per-client limit on asking counts every test's requests

    def test_alert_pages_have_no_html_errors_in_english_or_arabic(self):
        require(vnu_missing())
        documents = {}
        for language in ("en", "ar"):
            for page in alert_pages(language):
                label = f"{language}: {page.label}"
                with self.subTest(label), override_settings(**page.settings):
                    if page.post:
                        response = self.client.post(page.post, page.data)
                    else:
                        response = self.client.get(page.path)
                    self.assertEqual(response.status_code, page.status, label)
                    self.assertEqual(response["Content-Language"], language, label)
                    documents[label] = response.content
        self.assertEqual(len(documents), 28)
        errors = nu_html_errors(documents)
        self.assertEqual(errors, [], "\n".join(errors))
