import datetime
import json
import re
from html import unescape

from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from reports.models import Author, Report, ReportAuthor
from reports.public.citation import bibtex_escape
from tests.base import SitrepTestCase
from tests.helpers import forget_cached_results, make_report, make_user

PUBLISHED = datetime.datetime(2020, 8, 27, 14, 0, tzinfo=datetime.UTC)


def today():
    return timezone.localdate()


def json_ld(response):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))


def citation_text(response):
    return unescape(re.search(r'<p class="citation"[^>]*>(.*?)</p>', response.content.decode(), re.S).group(1))


def bibtex(response):
    return unescape(
        re.search(r'<pre class="bibtex"[^>]*><code>(.*?)</code></pre>', response.content.decode(), re.S).group(1)
    )


@override_settings(SITE_NAME="Institute for the Study of War")
class CitationTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        # Signed by its byline (not by whoever created it in the admin, as before bylines).
        cls.author = Author.objects.create(name="Jane Doe", slug="jane-doe")
        cls.signed = make_report("Iraq Situation Report: August 19-25, 2020", slug="iraq-august-19-25",
                                 published_at=PUBLISHED, tags=["Iran", "Baghdad"],
                                 start=(2020, 8, 19), end=(2020, 8, 25))  # fmt: skip
        ReportAuthor.objects.create(report=cls.signed, author=cls.author, position=0)
        cls.unsigned = make_report("Unsigned & 100% <b>raw</b>", slug="unsigned", published_at=PUBLISHED,
                                   summary="Ends </script><!-- here")  # fmt: skip

    def test_plain_text_citation_gives_author_title_series_publisher_dates_and_url(self):
        response = self.client.get("/reports/iraq-august-19-25/")
        self.assertContains(response, '<h2 id="cite-heading">Cite this report</h2>', html=True)
        accessed = today()
        self.assertEqual(
            citation_text(response),
            "Doe, Jane. “Iraq Situation Report: August 19-25, 2020.” Iraq Situation Report. "
            "Institute for the Study of War, August 27, 2020. http://testserver/reports/iraq-august-19-25/ "
            f"(accessed {accessed:%B} {accessed.day}, {accessed.year}).",
        )

    def test_bibtex_entry(self):
        entry = bibtex(self.client.get("/reports/iraq-august-19-25/"))
        self.assertEqual(
            entry,
            "@techreport{iraq-august-19-25,\n"
            "  author = {Doe, Jane},\n"
            "  title = {{Iraq Situation Report: August 19-25, 2020}},\n"
            "  type = {Situation report},\n"
            "  series = {Iraq Situation Report},\n"
            "  institution = {Institute for the Study of War},\n"
            "  publisher = {Institute for the Study of War},\n"
            "  year = {2020},\n"
            "  month = aug,\n"
            "  date = {2020-08-27},\n"
            "  url = {http://testserver/reports/iraq-august-19-25/},\n"
            f"  urldate = {{{today().isoformat()}}},\n"
            f"  note = {{Accessed {today().isoformat()}}},\n"
            "}",
        )

    def test_without_a_named_person_the_series_is_the_corporate_author(self):
        nameless = get_user_model().objects.create_user("nameless")
        for created_by in (None, nameless):
            Report.objects.filter(slug="unsigned").update(created_by=created_by)
            with self.subTest(created_by=created_by):
                response = self.client.get("/reports/unsigned/")
                self.assertTrue(
                    citation_text(response).startswith("Iraq Situation Report. “Unsigned & 100% <b>raw</b>.”")
                )
                self.assertIn("  author = {{Iraq Situation Report}},", bibtex(response))
                self.assertEqual(
                    json_ld(response)["author"], [{"@type": "Organization", "name": "Iraq Situation Report"}]
                )

    def test_bibtex_special_characters_are_escaped(self):
        self.assertIn(r"  title = {{Unsigned \& 100\% <b>raw</b>}},", bibtex(self.client.get("/reports/unsigned/")))
        self.assertEqual(
            bibtex_escape(r"a_b #1 {x} ~ ^ $ \ "),
            r"a\_b \#1 \{x\} \textasciitilde{} \textasciicircum{} \$ \textbackslash{} ",
        )

    def test_user_text_is_escaped_in_the_page(self):
        response = self.client.get("/reports/unsigned/")
        self.assertNotContains(response, "<b>raw</b>")
        self.assertContains(response, "&lt;b&gt;raw&lt;/b&gt;")
        # The summary cannot close the JSON-LD script element.
        self.assertEqual(response.content.decode().count("</script>"), 1)


class ShareMetadataTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = make_report("Iraq Situation Report: July 1-7, 2020", slug="july", published_at=PUBLISHED,
                                 tags=["Kata’ib Hezbollah"], start=(2020, 7, 1), end=(2020, 7, 7))  # fmt: skip
        cls.draft = make_report("Draft", slug="draft", status=Report.Status.DRAFT)

    def test_canonical_url_open_graph_and_twitter_tags(self):
        response = self.client.get("/reports/july/")
        expected = [
            '<link rel="canonical" href="http://testserver/reports/july/">',
            '<meta property="og:type" content="article">',
            '<meta property="og:title" content="Iraq Situation Report: July 1-7, 2020">',
            '<meta property="og:url" content="http://testserver/reports/july/">',
            '<meta property="og:site_name" content="sitrep">',
            f'<meta property="og:description" content="{self.report.summary}">',
            '<meta property="article:published_time" content="2020-08-27T14:00:00+00:00">',
            '<meta property="article:tag" content="Kata’ib Hezbollah">',
            '<meta name="twitter:card" content="summary">',
            '<meta name="twitter:title" content="Iraq Situation Report: July 1-7, 2020">',
        ]
        for tag in expected:
            with self.subTest(tag):
                self.assertContains(response, tag, html=True)

    def test_json_ld_describes_the_report(self):
        data = json_ld(self.client.get("/reports/july/"))
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["@type"], "Report")
        self.assertEqual(data["headline"], "Iraq Situation Report: July 1-7, 2020")
        self.assertEqual(data["url"], "http://testserver/reports/july/")
        self.assertEqual(data["datePublished"], "2020-08-27T14:00:00+00:00")
        self.assertEqual(data["temporalCoverage"], "2020-07-01/2020-07-07")
        self.assertEqual(data["keywords"], ["Kata’ib Hezbollah"])
        self.assertEqual(data["publisher"], {"@type": "Organization", "name": "sitrep"})
        self.assertEqual(data["isPartOf"]["url"], "http://testserver/?series=iraq")

    def test_previews_carry_no_citation_or_share_metadata(self):
        self.client.force_login(make_user("editor"))
        response = self.client.get("/reports/draft/")
        for absent in ("Cite this report", "og:title", "application/ld+json", 'rel="canonical"'):
            with self.subTest(absent):
                self.assertNotContains(response, absent)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_query_count(self):
        # the report with its series, writer, tags, neighbours and corrections in one query; then kept
        forget_cached_results()
        with self.assertNumQueries(1):
            self.client.get("/reports/july/")
        with self.assertNumQueries(0):
            self.client.get("/reports/july/")
