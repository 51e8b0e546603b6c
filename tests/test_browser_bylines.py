"""A report signed by two authors, from the writer's form to the reader's reference manager."""

import urllib.request

import rispy
from playwright.sync_api import expect

from reports.models import Author, Report
from tests.browser import BrowserTestCase
from tests.helpers import make_report, make_series, make_user


class BylineJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series()
        make_user("writer")
        make_user("editor")
        Author.objects.create(name="Jane Doe", slug="jane-doe")
        Author.objects.create(name="Omar Ali", slug="omar-ali")
        self.report = make_report("Iraq Situation Report: August 26 - September 1, 2020", status=Report.Status.DRAFT,
                                  start=(2020, 8, 26), end=(2020, 9, 1))  # fmt: skip

    def choose_author(self, row, name):
        """Pick an author in a bylines row's autocomplete, as a person types and clicks."""
        page = self.page
        page.locator(f"#bylines-{row} .select2-selection").click()
        page.locator(".select2-search__field").fill(name.split()[0])
        page.locator(".select2-results__option", has_text=name).click()

    def test_writer_signs_editor_publishes_reader_finds_it_by_author_and_downloads_the_ris(self):
        page = self.page
        change = self.url(f"/admin/reports/report/{self.report.pk}/change/")
        # The writer names two authors, in order, and submits the report.
        self.log_in("writer", "pw-writer")
        page.goto(change)
        self.choose_author(0, "Jane Doe")
        page.fill("#id_bylines-0-position", "1")
        page.locator("#bylines-group .add-row a").click()
        self.choose_author(1, "Omar Ali")
        page.fill("#id_bylines-1-position", "2")
        page.click("button:has-text('Submit for review')")
        self.assert_message("Submitted for review")
        self.assertEqual([a.name for a in Report.objects.get(pk=self.report.pk).author_list], ["Jane Doe", "Omar Ali"])

        # The editor publishes it.
        self.log_in("editor", "pw-editor")
        page.goto(change)
        page.locator("button[name=_transition][value=publish]").first.click()
        self.assert_message("Published")

        # A reader finds it from the author's page, sees the byline and downloads the RIS.
        reader = self.browser.new_page()
        reader.goto(self.url("/authors/"))
        reader.click("text=Omar Ali")
        expect(reader.locator("h1")).to_have_text("Omar Ali")
        reader.click(f"text={self.report.title}")
        expect(reader.locator(".report .byline")).to_have_text("By Jane Doe and Omar Ali")
        with reader.expect_download() as download:
            reader.click("a:has-text('RIS')")
        record = rispy.loads(open(download.value.path(), encoding="utf-8").read())[0]
        self.assertEqual((record["authors"], record["title"]), (["Doe, Jane", "Ali, Omar"], self.report.title))
        with urllib.request.urlopen(self.url(f"/reports/{self.report.slug}/cite.json")) as response:
            self.assertIn("Doe", response.read().decode())
        reader.close()
