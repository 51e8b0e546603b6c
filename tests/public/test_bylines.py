"""Bylines: authors on reports, author pages, the `author` filter, and citations that
reference managers read back (bibtexparser, rispy, citeproc-py, the page's meta tags)."""

import datetime
import json
import re
from html import unescape
from html.parser import HTMLParser

import bibtexparser
import feedparser
import rispy
from citeproc import Citation as CiteprocCitation
from citeproc import CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.apps import apps
from django.test import override_settings
from django.urls import reverse

from reports.editorial.actions.importing import import_reports
from reports.models import Author, Report, ReportAuthor
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user

Status = Report.Status
PUBLISHED = datetime.datetime(2020, 8, 27, 14, 0, tzinfo=datetime.UTC)


def sign(report, *authors):
    for position, author in enumerate(authors):
        ReportAuthor.objects.create(report=report, author=author, position=position)


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name", "").startswith("citation_"):
            self.tags.append((attrs["name"], attrs["content"]))


@override_settings(SITE_NAME="Institute for the Study of War")
class BylineTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_series()
        cls.jane = Author.objects.create(
            name="Jane Doe", slug="jane-doe", bio="Iraq analyst.", link="https://orcid.org/0000-0002-1825-0097"
        )
        cls.omar = Author.objects.create(name="Omar Ali", slug="omar-ali")
        cls.both = make_report("Iraq Situation Report: August 19-25, 2020", slug="iraq-august-19-25",
                               published_at=PUBLISHED, start=(2020, 8, 19), end=(2020, 8, 25))  # fmt: skip
        sign(cls.both, cls.jane, cls.omar)
        cls.janes = make_report("Iraq Situation Report: August 12-18, 2020", start=(2020, 8, 12), end=(2020, 8, 18))
        sign(cls.janes, cls.jane)
        cls.draft = make_report("Draft by Omar", status=Status.DRAFT)
        cls.hidden = Author.objects.create(name="Only Drafts", slug="only-drafts")
        sign(cls.draft, cls.hidden)
        cls.unsigned = make_report("Unsigned", start=(2020, 8, 5), end=(2020, 8, 11))

    def test_the_report_page_and_the_archive_show_the_byline_in_order(self):
        page = self.client.get(self.both.get_absolute_url())
        self.assertContains(page, '<p class="byline">By <a href="/authors/jane-doe/">Jane Doe</a> and '
                                  '<a href="/authors/omar-ali/">Omar Ali</a></p>', html=True)  # fmt: skip
        archive = self.client.get("/")
        self.assertContains(archive, 'By <a href="/authors/jane-doe/">Jane Doe</a> and', count=1)
        self.assertNotContains(self.client.get(self.unsigned.get_absolute_url()), 'class="byline"')

    def test_the_authors_page_lists_authors_with_their_published_report_counts(self):
        page = self.client.get(reverse("reports:authors"))
        self.assertEqual([(a.name, n) for a, n in page.context["authors"]], [("Jane Doe", 2), ("Omar Ali", 1)])
        self.assertNotContains(page, "Only Drafts")

    def test_an_author_page_lists_their_reports_newest_period_first_with_their_feeds(self):
        page = self.client.get(reverse("reports:author", args=["jane-doe"]))
        self.assertEqual([r["title"] for r in page.context["reports"]], [self.both.title, self.janes.title])
        self.assertContains(page, "Iraq analyst.")
        self.assertContains(page, 'href="/feeds/atom/?author=jane-doe"')
        for slug in ("only-drafts", "nobody"):
            with self.subTest(slug):
                self.assertEqual(self.client.get(reverse("reports:author", args=[slug])).status_code, 404)

    def test_author_is_a_repeatable_filter_in_the_archive_feeds_and_api(self):
        archive = self.client.get("/?author=jane-doe&author=omar-ali")
        self.assertEqual([r["title"] for r in archive.context["reports"]], [self.both.title])
        self.assertContains(archive, "Author: Omar Ali")
        feed = feedparser.parse(self.client.get("/feeds/atom/?author=jane-doe").content)
        self.assertEqual(sorted(e.title for e in feed.entries), [self.janes.title, self.both.title])
        self.assertIn("Jane Doe and Omar Ali", [e.author for e in feed.entries])
        api = self.client.get("/api/reports/?author=omar-ali").json()
        self.assertEqual([r["slug"] for r in api["results"]], [self.both.slug])
        self.assertEqual([b["slug"] for b in api["results"][0]["bylines"]], ["jane-doe", "omar-ali"])
        self.assertEqual(api["results"][0]["authors"], ["Jane Doe", "Omar Ali"])

    def test_an_unknown_author_is_a_400_that_says_so(self):
        for path in ("/?author=nobody", "/feeds/rss/?author=nobody", "/api/reports/?author=only-drafts"):
            with self.subTest(path):
                response = self.client.get(path)
                self.assertEqual(response.status_code, 400)
                self.assertIn("There is no author", unescape(response.content.decode()))

    def test_the_archive_offers_authors_as_a_facet(self):
        groups = {group.name: group for group in self.client.get("/").context["facets"].groups}
        self.assertEqual([(v.label, v.count) for v in groups["author"].shown], [("Jane Doe", 2), ("Omar Ali", 1)])

    def test_bibtex_ris_and_csl_json_give_the_authors_title_date_and_address(self):
        page = self.client.get(self.both.get_absolute_url())
        url = "http://testserver/reports/iraq-august-19-25/"
        found = re.search(r'<pre class="bibtex"[^>]*><code>(.*?)</code></pre>', page.content.decode(), re.S)
        bibtex = unescape(found.group(1))
        entry = bibtexparser.parse_string(bibtex).entries[0]
        self.assertEqual(entry["author"], "Doe, Jane and Ali, Omar")
        self.assertEqual((entry["title"], entry["year"], entry["url"]), ("{" + self.both.title + "}", "2020", url))
        ris = self.client.get(reverse("reports:cite-ris", args=[self.both.slug]))
        self.assertEqual(ris["Content-Disposition"], 'attachment; filename="iraq-august-19-25.ris"')
        record = rispy.loads(ris.content.decode())[0]
        self.assertEqual((record["type_of_reference"], record["authors"]), ("RPRT", ["Doe, Jane", "Ali, Omar"]))
        self.assertEqual((record["title"], record["year"], record["urls"]), (self.both.title, "2020", [url]))
        csl = self.client.get(reverse("reports:cite-csl-json", args=[self.both.slug]))
        items = json.loads(csl.content)
        style = CitationStylesStyle("harvard-cite-them-right", validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        bibliography.register(CiteprocCitation([CitationItem(self.both.slug)]))
        rendered = str(bibliography.bibliography()[0])
        for part in ("Doe, J.", "Ali, O.", "(2020)", "Iraq Situation Report: August 19-25, 2020", url):
            self.assertIn(part, rendered)

    def test_the_page_carries_highwire_meta_tags_for_each_author(self):
        parser = MetaTags()
        parser.feed(self.client.get(self.both.get_absolute_url()).content.decode())
        tags = parser.tags
        self.assertIn(("citation_title", self.both.title), tags)
        self.assertEqual([c for n, c in tags if n == "citation_author"], ["Doe, Jane", "Ali, Omar"])
        self.assertIn(("citation_publication_date", "2020/08/27"), tags)
        self.assertIn(("citation_publisher", "Institute for the Study of War"), tags)
        self.assertIn(("citation_series_title", "Iraq Situation Report"), tags)

    def test_json_ld_names_each_author_as_a_person_with_their_page(self):
        page = self.client.get(self.both.get_absolute_url()).content.decode()
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        self.assertEqual(
            [(a["@type"], a["name"], a["url"]) for a in data["author"]],
            [
                ("Person", "Jane Doe", "http://testserver/authors/jane-doe/"),
                ("Person", "Omar Ali", "http://testserver/authors/omar-ali/"),
            ],
        )

    def test_citation_files_of_a_report_readers_cannot_see_are_404(self):
        for name in ("reports:cite-ris", "reports:cite-csl-json"):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(name, args=[self.draft.slug])).status_code, 404)


class BylineMigrationTests(SitrepTestCase):
    def test_each_report_is_signed_by_its_creators_full_name_and_nameless_ones_stay_unsigned(self):
        migration = __import__("reports.migrations.0014_bylines_from_creators", fromlist=["sign_reports"])
        named = make_user("writer", first_name="Jane", last_name="Doe")
        nameless = make_user("editor")
        first, second = make_report("One", created_by=named), make_report("Two", created_by=named)
        unsigned = make_report("Three", created_by=nameless)
        migration.sign_reports(apps, None)
        self.assertEqual([a.name for a in first.authors.all()], ["Jane Doe"])
        self.assertEqual(second.authors.get(), first.authors.get())  # one author, not two "Jane Doe"s
        self.assertFalse(unsigned.authors.exists())


class BylineAdminAndImportTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.series = make_series()
        cls.writer = make_user("writer")
        cls.jane = Author.objects.create(name="Jane Doe", slug="jane-doe")
        cls.omar = Author.objects.create(name="Omar Ali", slug="omar-ali")

    def test_a_writer_signs_a_report_with_two_authors_in_order_from_the_change_form(self):
        from tests.editorial.test_permissions import report_form

        report = make_report("Draft", status=Status.DRAFT)
        self.client.force_login(self.writer)
        data = report_form(report) | {"bylines-TOTAL_FORMS": "2", "bylines-0-author": str(self.omar.pk)}
        data |= {"bylines-0-position": "2", "bylines-1-id": "", "bylines-1-author": str(self.jane.pk)}
        data |= {"bylines-1-position": "1", "bylines-1-report": str(report.pk)}
        response = self.client.post(reverse("admin:reports_report_change", args=[report.pk]), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Report.objects.get(pk=report.pk).author_list[0].name, "Jane Doe")
        self.assertEqual([a.name for a in Report.objects.get(pk=report.pk).author_list], ["Jane Doe", "Omar Ali"])
        event = report.events.get()
        self.assertEqual((event.action, event.changed_fields), ("edit", ["authors"]))

    def test_changing_the_bylines_of_a_live_report_needs_a_correction_note(self):
        from tests.editorial.test_permissions import report_form

        live = make_report("Live")
        self.client.force_login(make_user("editor"))
        url = reverse("admin:reports_report_change", args=[live.pk])
        data = report_form(live) | {"bylines-0-author": str(self.jane.pk)}
        refused = self.client.post(url, data)
        self.assertContains(refused, "the correction note is required")
        self.assertFalse(live.bylines.exists())
        self.assertEqual(self.client.post(url, data | {"correction_note": "Added the byline."}).status_code, 302)
        self.assertEqual([a.name for a in Report.objects.get(pk=live.pk).author_list], ["Jane Doe"])
        event = live.events.get()
        self.assertEqual((event.action, event.changed_fields), ("correct", ["authors"]))
        self.assertEqual(live.corrections.get().note, "Added the byline.")

    def test_an_import_brings_authors_by_name_and_creates_the_missing_ones(self):
        from reports.editorial.actions.importing import ImportUpdate, NewImport

        new = Report(series=self.series, title="New", slug="new", period_start=datetime.date(2020, 1, 1),
                     period_end=datetime.date(2020, 1, 7), summary="S.")  # fmt: skip
        import_reports([NewImport(new, authors=["Omar Ali", "Sam Lee"])],
                       authors={"Sam Lee": {"slug": "sam-lee", "bio": "Analyst.", "link": ""}})  # fmt: skip
        self.assertEqual([a.name for a in Report.objects.get(slug="new").author_list], ["Omar Ali", "Sam Lee"])
        self.assertEqual(Author.objects.get(slug="sam-lee").bio, "Analyst.")
        import_reports([], [ImportUpdate(Report.objects.get(slug="new"), {}, None, ["Jane Doe"])])
        self.assertEqual([a.name for a in Report.objects.get(slug="new").author_list], ["Jane Doe"])
