"""Known XSS payloads in every field an editor fills, rendered in Chromium: nothing may run.

The browser context bypasses the Content-Security-Policy, so these tests prove the escaping and
the Markdown sanitiser on their own; the CSP is a second line (tests/test_security.py).
"""

from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse

from reports.models import Report, Series
from tests.browser import BrowserTestCase
from tests.helpers import make_report

PAYLOADS = [
    line.replace("\\n", "\n").replace("XSS_ID", str(number))
    for number, line in enumerate(
        (Path(__file__).parent / "data" / "xss_payloads.txt").read_text(encoding="utf-8").splitlines(), 1
    )
    if line and not line.startswith("#")
]

# Any inline event handler, or a script URL in any attribute that can navigate or load.
DANGEROUS_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on') || /^(javascript|vbscript|data:text\\/html)/.test(value)
          && ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'srcdoc'].includes(name)) {
        found.push(`<${el.tagName.toLowerCase()} ${attr.name}="${attr.value}">`);
      }
    }
  }
  for (const el of document.querySelectorAll('iframe, object, embed, base, meta[http-equiv]')) {
    found.push(`<${el.tagName.toLowerCase()}> element`);
  }
  return found;
}"""


class XssTests(BrowserTestCase):
    bypass_csp = True

    def setUp(self):
        super().setUp()
        self.assertGreaterEqual(len(PAYLOADS), 50)
        self.reports = []
        for number, payload in enumerate(PAYLOADS, 1):
            series = Series.objects.create(name=f"{payload[:180]} #{number}", slug=f"xss-{number}")
            self.reports.append(
                make_report(
                    payload[:240],
                    series=series,
                    slug=f"xss-report-{number}",
                    summary=payload,
                    body=payload,
                    start=(2020, 1, 1 + number % 28),
                    end=(2020, 1, 1 + number % 28),
                    tags=[payload[:90]],
                )
            )
        self.executed, self.dialogs = [], []
        self.context.add_init_script("window.__xss = n => (window.__xssHits = window.__xssHits || []).push(n);")
        self.context.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def visit(self, path):
        self.page.goto(self.url(path))
        self.page.wait_for_timeout(50)  # let onload, onerror and autofocus handlers fire
        hits = self.page.evaluate("() => window.__xssHits || []")
        dangerous = self.page.evaluate(DANGEROUS_DOM)
        if hits or dangerous:
            self.executed.append((path, hits, dangerous[:3]))

    def assertNothingRan(self):
        self.assertEqual(self.executed, [], "script ran or a dangerous attribute reached the page")
        self.assertEqual(self.dialogs, [], "a dialog opened")

    def test_payloads_in_every_field_never_run_on_public_pages(self):
        for page_number in range(1, len(PAYLOADS) // 20 + 2):
            self.visit(f"/?page={page_number}")
        for report in self.reports:
            self.visit(report.get_absolute_url())
        self.visit("/tags/")
        self.visit("/weeks/")
        for tag in {tag for report in self.reports for tag in report.tags.all()}:
            self.visit(f"/tags/{tag.slug}/")
        self.assertNothingRan()
        # The payloads are shown as text, not dropped: a reader sees what the editor typed.
        self.page.goto(self.url(self.reports[0].get_absolute_url()))
        self.assertIn(PAYLOADS[0], self.page.locator("h1").inner_text())

    def test_payloads_reflected_through_query_parameters_never_run(self):
        for payload in PAYLOADS:
            query = urlencode([("tag", payload), ("week", payload), ("from", payload), ("series", payload)])
            self.visit(f"/?{query}")
        self.assertNothingRan()

    def test_payloads_never_run_in_the_admin(self):
        get_user_model().objects.create_superuser("root", password="pw-root")
        self.log_in("root", "pw-root")
        self.visit(reverse("admin:reports_report_changelist") + "?all=")
        self.visit(reverse("admin:reports_series_changelist"))
        self.visit(reverse("admin:taggit_tag_changelist"))
        for report in self.reports:
            self.visit(reverse("admin:reports_report_change", args=[report.pk]))
        self.assertNothingRan()
        self.assertEqual(Report.objects.count(), len(PAYLOADS))
