import json

from tests.browser import BrowserTestCase
from tests.public_pages import build_public_pages
from tests.validators import AXE, axe_missing, require

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class AccessibilityTests(BrowserTestCase):
    """axe-core in Chromium finds no WCAG 2.1 AA violation, in the light and the dark scheme."""

    def setUp(self):
        require(axe_missing())
        super().setUp()
        self.pages = build_public_pages()

    def axe_violations(self):
        # evaluate() runs through the DevTools protocol, which the page's CSP does not govern.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA)
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [node["target"] for node in v["nodes"]][:5]}
            for v in result["violations"]
        ]  # fmt: skip

    def test_public_pages_have_no_wcag_21_aa_violations_in_either_colour_scheme(self):
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            for label, path in self.pages.items():
                with self.subTest(scheme=scheme, page=label):
                    self.page.goto(self.url(path))
                    violations = self.axe_violations()
                    self.assertEqual(violations, [], json.dumps(violations, indent=1))
        self.assertNoCspViolations()
