"""A report's PDF as readers get it: the report page's download block, the file's headers,
404s for reports readers cannot see (staff and preview links can), replaced files at their
own address, feed enclosures (read with feedparser), the API's fields, and search."""

import datetime
from xml.etree import ElementTree

import feedparser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import PreviewLink, Report
from reports.models.pdf import size_label
from reports.public.views.pdfs import SANDBOX_POLICY
from tests.base import SitrepTestCase
from tests.helpers import ROLES, forget_cached_results, make_report, make_user
from tests.pdfs import TemporaryMedia, attach_pdf, pdf_bytes

ATOM = "{http://www.w3.org/2005/Atom}"
FUTURE = timezone.now() + datetime.timedelta(days=3)


def pdf_address(report):
    return f"/reports/{report.slug}/{report.slug}.pdf"


def body_of(response):
    return b"".join(response.streaming_content)


class ReportPdfReadingTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.staff = {role: cls.editor if role == "editor" else make_user(role) for role in ROLES}
        cls.report = make_report(
            "Iraq Situation Report: August 19-25, 2020",
            start=(2020, 8, 19),
            end=(2020, 8, 25),
            status=Report.Status.DRAFT,
        )
        cls.data = pdf_bytes("Convoys near al-Qaim", "Second page: Jurf al-Sakhar", "Third page")
        with cls.captureOnCommitCallbacks(execute=True):  # the thumbnail's task runs after commit
            attach_pdf(cls.report, cls.editor, cls.data)
        Report.objects.filter(pk=cls.report.pk).update(
            status=Report.Status.PUBLISHED, published_at=timezone.now(), first_published_at=timezone.now()
        )
        cls.plain = make_report(
            "Iraq Situation Report: August 26-September 1, 2020", start=(2020, 8, 26), end=(2020, 9, 1)
        )

    def test_the_report_page_offers_the_download_with_pages_and_size(self):
        page = self.client.get(self.report.get_absolute_url())
        label = f"Download PDF (3 pages, {size_label(len(self.data))})"
        self.assertContains(page, f'<a class="pdf-download" href="{pdf_address(self.report)}" download>')
        self.assertContains(page, f"<span>{label}</span>", html=False)
        self.assertRegex(label, r"^Download PDF \(3 pages, \d+ (bytes|KB)\)$")

    def test_size_labels_read_as_people_write_them(self):
        cases = {1: "1 byte", 950: "950 bytes", 12_400: "12 KB", 1_468_007: "1.4 MB", 104_857_600: "100.0 MB"}
        for size, label in cases.items():
            with self.subTest(size):
                self.assertEqual(size_label(size), label)

    def test_the_page_shows_the_thumbnail_with_its_size_once_made(self):
        pdf = self.report.pdfs.get()
        page = self.client.get(self.report.get_absolute_url()).content.decode()
        thumbnail = reverse("reports:pdf-thumbnail", args=[self.report.slug, pdf.pk])
        self.assertIn(f'<img src="{thumbnail}" width="240" height="{pdf.thumbnail_height}" alt=""', page)
        response = self.client.get(thumbnail)
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/webp"))
        self.assertEqual(body_of(response)[8:12], b"WEBP")

    def test_a_report_without_a_pdf_has_no_download(self):
        self.assertNotContains(self.client.get(self.plain.get_absolute_url()), "Download PDF")
        self.assertEqual(self.client.get(pdf_address(self.plain)).status_code, 404)

    def test_the_report_page_with_a_pdf_still_makes_at_most_three_queries(self):
        forget_cached_results()
        with self.assertNumQueries(1):  # the report with its PDF, tags, neighbours and corrections
            self.assertEqual(self.client.get(self.report.get_absolute_url()).status_code, 200)

    def test_the_file_is_served_under_the_reports_name_never_sniffed_and_sandboxed(self):
        response = self.client.get(pdf_address(self.report))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], f'attachment; filename="{self.report.slug}.pdf"')
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Security-Policy"], SANDBOX_POLICY)
        self.assertTrue(response["Content-Security-Policy"].startswith("sandbox; default-src 'none'"))
        self.assertEqual(int(response["Content-Length"]), len(self.data))
        self.assertEqual(body_of(response), self.data)

    def test_a_pdf_under_another_name_is_not_found(self):
        for name in ("report", "other-report", self.plain.slug):
            with self.subTest(name):
                self.assertEqual(self.client.get(f"/reports/{self.report.slug}/{name}.pdf").status_code, 404)

    def test_files_of_reports_readers_cannot_see_are_not_found_but_staff_get_them(self):
        states = {
            "draft": {"status": Report.Status.DRAFT, "published_at": None},
            "in review": {"status": Report.Status.REVIEW, "published_at": None},
            "scheduled": {"status": Report.Status.PUBLISHED, "published_at": FUTURE},
        }
        pdf = self.report.pdfs.get()
        addresses = [
            pdf_address(self.report),
            reverse("reports:pdf-version", args=[self.report.slug, pdf.pk, self.report.slug]),
            reverse("reports:pdf-thumbnail", args=[self.report.slug, pdf.pk]),
        ]
        for state, fields in states.items():
            Report.objects.filter(pk=self.report.pk).update(first_published_at=fields["published_at"], **fields)
            for address in addresses:
                with self.subTest(state, address=address, who="reader"):
                    self.assertEqual(Client().get(address).status_code, 404)
                for role, user in self.staff.items():
                    staff = Client()
                    staff.force_login(user)
                    with self.subTest(state, address=address, who=role):
                        response = staff.get(address)
                        self.assertEqual(response.status_code, 200)
                        self.assertIn("no-store", response["Cache-Control"])
                        self.assertIn("private", response["Cache-Control"])

    def test_a_preview_links_holder_gets_the_pdf_of_an_unpublished_report(self):
        Report.objects.filter(pk=self.report.pk).update(status=Report.Status.REVIEW, published_at=None)
        link = PreviewLink.objects.create(report=self.report, expires_at=FUTURE)
        preview = self.client.get(reverse("reports:preview", args=[link.token]))
        address = f"/preview/{link.token}/{self.report.slug}.pdf"
        self.assertContains(preview, f'href="{address}"')
        self.assertContains(preview, f'src="/preview/{link.token}/first-page.webp"')
        response = self.client.get(address)
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "application/pdf"))
        self.assertEqual(body_of(response), self.data)
        self.assertEqual(self.client.get(pdf_address(self.report)).status_code, 404)
        link.revoked_at = timezone.now()
        link.save()
        self.assertEqual(self.client.get(address).status_code, 404)
        self.assertEqual(self.client.get("/preview/not-a-token/x.pdf").status_code, 404)

    def test_a_replaced_pdf_stays_at_its_own_address_and_the_current_one_keeps_the_reports(self):
        old = self.report.pdfs.get()
        new_data = pdf_bytes("The corrected map")
        attach_pdf(self.report, self.editor, new_data, note="Corrected the map in the PDF.")
        old_address = reverse("reports:pdf-version", args=[self.report.slug, old.pk, self.report.slug])
        self.assertEqual(body_of(self.client.get(old_address)), self.data)
        self.assertEqual(body_of(self.client.get(pdf_address(self.report))), new_data)

    def test_feeds_carry_the_pdf_as_an_enclosure(self):
        for feed_url in ("/feeds/rss/", "/feeds/atom/"):
            with self.subTest(feed_url):
                feed = feedparser.parse(self.client.get(feed_url).content)
                entries = {entry.link.rsplit("/", 2)[-2]: entry for entry in feed.entries}
                enclosures = entries[self.report.slug].enclosures
                self.assertEqual(len(enclosures), 1)
                self.assertEqual(enclosures[0].href, "http://testserver" + pdf_address(self.report))
                self.assertEqual(enclosures[0].type, "application/pdf")
                self.assertEqual(int(enclosures[0].length), len(self.data))
                self.assertEqual(entries[self.plain.slug].enclosures, [])

    def test_the_raw_feeds_use_the_formats_own_enclosure_markup(self):
        expected = {
            "url": "http://testserver" + pdf_address(self.report),
            "length": str(len(self.data)),
            "type": "application/pdf",
        }
        rss = ElementTree.fromstring(self.client.get("/feeds/rss/").content)
        self.assertEqual([e.attrib for e in rss.iter("enclosure")], [expected])
        atom = ElementTree.fromstring(self.client.get("/feeds/atom/").content)
        links = [link.attrib for link in atom.iter(f"{ATOM}link") if link.get("rel") == "enclosure"]
        href = expected.pop("url")
        self.assertEqual(links, [{"rel": "enclosure", "href": href, **expected}])

    def test_the_api_gives_the_pdfs_url_size_and_page_count(self):
        item = self.client.get(f"/api/reports/{self.report.slug}/").json()
        self.assertEqual(
            item["pdf"],
            {"url": "http://testserver" + pdf_address(self.report), "size": len(self.data), "page_count": 3},
        )
        self.assertIsNone(self.client.get(f"/api/reports/{self.plain.slug}/").json()["pdf"])
        listed = {row["slug"]: row["pdf"] for row in self.client.get("/api/reports/").json()["results"]}
        self.assertEqual(listed[self.report.slug]["page_count"], 3)

    def test_the_api_schema_describes_the_pdf(self):
        schema = self.client.get("/api/schema/?format=json").json()
        pdf = schema["components"]["schemas"]["Pdf"]
        self.assertEqual(set(pdf["properties"]), {"url", "size", "page_count"})
        self.assertEqual(pdf["properties"]["url"]["format"], "uri")

    def test_search_finds_words_only_the_pdf_has(self):
        results = self.client.get("/", {"q": "Sakhar"}).content.decode()
        self.assertIn(self.report.title, results)
        self.assertNotIn(self.plain.title, results)
        api = self.client.get("/api/reports/", {"q": "Sakhar"}).json()
        self.assertEqual([row["slug"] for row in api["results"]], [self.report.slug])

    def test_a_match_in_the_body_ranks_above_one_only_in_the_pdf(self):
        in_body = make_report(
            "Iraq Situation Report: September 2-8, 2020", start=(2020, 9, 2), end=(2020, 9, 8), body="Jurf al-Sakhar."
        )
        api = self.client.get("/api/reports/", {"q": "Sakhar"}).json()
        self.assertEqual([row["slug"] for row in api["results"]], [in_body.slug, self.report.slug])
