"""Values that look like printf formatting ("%", "%s", "%(x)s") in every public parameter.

django-filter formats each error message with its parameters on the API path, so a message
that had the value written into it broke on a "%" (a 500). Every message quotes what it
refuses as a parameter instead; the archive, the feeds and the API answer such a value with a
400 (or, for the archive's page, the 404 of a page that is not there), quoting it exactly.
"""

from urllib.parse import urlencode

from tests.base import SitrepTestCase
from tests.helpers import make_report

FORMATTING = ["%", "%s", "%(x)s", "%d%%", "100%"]
PARAMETERS = ["q", "tag", "week", "from", "to", "series", "year", "page"]
PAGES = ["/", "/feeds/rss/", "/feeds/atom/", "/api/reports/"]


class FormattingInputTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report("July 1-7", slug="july", start=(2020, 7, 1), end=(2020, 7, 7), tags=["Iran"])

    @staticmethod
    def expected_status(page, name, value):
        if name == "q":  # a search for the words in it ("s", "x", "100"), if it has any
            return 400 if value == "%" else 200
        if name == "page":  # the feeds have no pages; the archive's are Django's ListView's
            return {"/": 404, "/api/reports/": 400}.get(page, 200)
        return 400

    def test_every_parameter_of_every_listing_answers_it_clearly(self):
        for page in PAGES:
            for name in PARAMETERS:
                for value in FORMATTING:
                    url = f"{page}?{urlencode({name: value})}"
                    with self.subTest(url):
                        response = self.client.get(url)
                        status = self.expected_status(page, name, value)
                        self.assertEqual(response.status_code, status, url)
                        if page.startswith("/api/") and status == 400:
                            self.assertEqual(list(response.json()), [name], url)

    def test_the_refused_value_is_quoted_exactly(self):
        for name, message in {
            "week": "“{}” is not an ISO week",
            "tag": "There is no tag “{}”",
            "page": "“{}” is not a page number",
        }.items():
            for value in FORMATTING:
                with self.subTest(name=name, value=value):
                    errors = self.client.get("/api/reports/", {name: value}).json()
                    self.assertIn(message.format(value), errors[name][0])
                    if name != "page":  # the archive's page is Django's ListView's
                        self.assertContains(self.client.get("/", {name: value}), message.format(value), status_code=400)

    def test_every_message_of_the_week_filter_keeps_its_value(self):
        cases = {
            "2020-W60": "2020 has weeks W01 to W53; “2020-W60” is not one of them.",
            "0000-W01": "“0000-W01” is outside the calendar: years run from 1 to 9999.",
        }
        for value, message in cases.items():
            with self.subTest(value):
                self.assertEqual(self.client.get("/api/reports/", {"week": value}).json(), {"week": [message]})

    def test_a_reversed_range_names_both_dates(self):
        errors = self.client.get("/api/reports/", {"from": "2020-08-01", "to": "2020-07-01"}).json()
        self.assertEqual(errors, {"from": ["“From” (2020-08-01) must not be after “to” (2020-07-01)."]})


class DigitsTests(SitrepTestCase):
    """Digits that str.isdigit() takes and int() does not, and more digits than int() reads."""

    @classmethod
    def setUpTestData(cls):
        make_report("July 1-7", slug="july", start=(2020, 7, 1), end=(2020, 7, 7))

    def test_pages_and_years(self):
        cases = {
            "/api/reports/?page=²": 400,
            "/api/reports/?page=１": 400,
            "/api/tags/?page=²": 400,
            "/api/reports/?page=" + "9" * 5000: 404,
            "/api/reports/?page=" + "0" * 30 + "1": 200,
            "/api/reports/?page=000": 400,
            "/weeks/?year=²": 400,
            "/weeks/?year=" + "9" * 5000: 400,
            "/?year=²": 400,
        }
        for url, status in cases.items():
            with self.subTest(url[:60]):
                self.assertEqual(self.client.get(url).status_code, status)
