"""Semantic HTML on every public page: landmarks, headings in order, a label for every control."""

from html.parser import HTMLParser

from django.contrib.staticfiles import finders

from tests.base import SitrepTestCase
from tests.helpers import make_report

PAGES = ("/", "/?q=convoy&tag=iran", "/?week=2020-W27", "/reports/july/", "/tags/", "/tags/iran/", "/weeks/")


class PageOutline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.landmarks, self.headings, self.controls, self.labels = [], [], [], set()
        self.stylesheets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("header", "nav", "main", "footer", "aside") or attrs.get("role") == "search":
            self.landmarks.append(attrs.get("role", tag))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs.get("id"))
        if tag == "label":
            self.labels.add(attrs.get("for"))
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append((attrs["href"], attrs.get("media", "all")))


def outline(response):
    parser = PageOutline()
    parser.feed(response.content.decode())
    return parser


class SemanticHtmlTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("July", slug="july", start=(2020, 7, 1), end=(2020, 7, 7), tags=["Iran"], summary="A convoy.",
                    body="## Context\n\nText.\n\n### Detail\n\nMore.")  # fmt: skip
        make_report("June", start=(2020, 6, 24), end=(2020, 6, 30), tags=["Iran", "Baghdad"])

    def test_landmarks_and_headings_in_order(self):
        for url in PAGES:
            with self.subTest(url):
                page = outline(self.client.get(url))
                self.assertLessEqual({"header", "nav", "main", "footer"}, set(page.landmarks))
                self.assertEqual(page.headings[0], 1)
                self.assertEqual(page.headings.count(1), 1)
                for previous, current in zip(page.headings, page.headings[1:], strict=False):
                    self.assertLessEqual(current, previous + 1, f"heading levels {page.headings}")

    def test_every_control_has_a_label(self):
        for url in ("/", "/?week=2020-W60&from=yesterday"):
            with self.subTest(url):
                page = outline(self.client.get(url))
                self.assertEqual(page.controls, ["id_q", "id_week", "id_from", "id_to"])
                self.assertLessEqual(set(page.controls), page.labels)
                self.assertIn("search", page.landmarks)

    def test_a_value_the_browsers_control_cannot_hold_is_shown_as_text_to_correct(self):
        response = self.client.get("/?week=2020-W60&from=yesterday")
        self.assertContains(response, '<input type="text" name="week" id="id_week" value="2020-W60"', status_code=400)
        self.assertContains(response, '<input type="text" name="from" id="id_from" value="yesterday"', status_code=400)
        self.assertContains(
            response, '<input type="date" name="to" id="id_to" value="" aria-describedby="to-help">', status_code=400
        )

    def test_pages_have_a_print_stylesheet(self):
        for url in PAGES:
            with self.subTest(url):
                stylesheets = outline(self.client.get(url)).stylesheets
                self.assertIn(("/static/print.css", "print"), stylesheets)
        self.assertIsNotNone(finders.find("print.css"))
