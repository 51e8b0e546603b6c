"""Random and hostile values for every public query parameter and path: never a 5xx.

Only 200, 400 or 404 (and the redirect that drops empty parameters) may come back, each with
a page that explains itself, and never a traceback.
"""

from urllib.parse import quote, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.base import SitrepHypothesisTestCase
from tests.public_pages import build_public_pages

PARAMETERS = ["tag", "week", "from", "to", "series", "page", "q"]
HOSTILE = [
    "", " ", "\x00", "%00", "' OR 1=1 --", "'; DROP TABLE reports_report; --", "\" OR \"\"=\"",
    "1e309", "-1", "0", "99999999999999999999999999", "2020-W00", "2020-W53", "2021-W53", "9999-W52",
    "0000-01-01", "2020-02-30", "2020-13-01", "../../etc/passwd", "<script>alert(1)</script>",
    "日本語", "🚀" * 50, "a" * 5000, "\u202e", "\ud7ff", "NaN", "None", "[]", "{}", "%", "%s", "%(x)s", "\\", "²", "１",
]  # fmt: skip
ALLOWED = {200, 301, 302, 400, 404}

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(str),
    st.builds(lambda y, w: f"{y}-W{w:02d}", st.integers(0, 9999), st.integers(0, 99)),
)
queries = st.lists(st.tuples(st.sampled_from([*PARAMETERS, "unknown", "tag[]"]), values), max_size=8)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class HostileInputTests(SitrepHypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.pages = build_public_pages()

    def check(self, response, where):
        self.assertIn(response.status_code, ALLOWED, where)
        body = response.content.decode("utf-8", "replace")
        self.assertNotIn("Traceback", body, where)
        if response.status_code in (400, 404) and response["Content-Type"].startswith("text/html"):
            # A heading that says what happened: "Not found", "Bad request", or a page of its own
            # such as a preview link's "This preview is not available" (/preview%2F0%2F).
            self.assertRegex(body, r"<main[^>]*>\s*<h1>[^<]+</h1>", f"{where}: no message for the reader")

    @FUZZ
    @given(query=queries)
    def test_archive_feeds_and_api_survive_any_query(self, query):
        encoded = urlencode(query)
        for path in ("/", "/feeds/rss/", "/feeds/atom/", "/api/reports/", "/api/tags/"):
            self.check(self.client.get(f"{path}?{encoded}"), f"{path}?{encoded}")

    @FUZZ
    @given(segment=st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=200)))
    def test_paths_survive_any_segment(self, segment):
        quoted = quote(segment, safe="")
        for prefix in ("/reports/", "/tags/", "/", "/feeds/", "/api/reports/"):
            path = f"{prefix}{quoted}" + ("" if prefix == "/" else "/")
            self.check(self.client.get(path), path)

    def test_repeated_and_oversized_parameters(self):
        cases = [
            "?tag=" + "&tag=".join(["iran"] * 200),
            "?week=2020-W27&week=2020-W28",
            "?page=1&page=2",
            "?from=2020-01-01&from=yesterday",
            "?" + "&".join(f"p{i}=1" for i in range(500)),
            "?page=" + "9" * 4000,
        ]
        for query in cases:
            with self.subTest(query[:60]):
                self.check(self.client.get("/" + query), query[:60])
