"""A reader cites an old version of a corrected report, and finds the current one from it."""

from playwright.sync_api import expect

from reports.editorial.actions import editing, workflow
from reports.models import Report
from tests.browser import BrowserTestCase
from tests.helpers import make_report, make_series, make_user


class VersionJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series()
        editor = make_user("editor")
        report = make_report("Iraq Situation Report: August 19-25, 2020", slug="iraq-august-19-25",
                             status=Report.Status.DRAFT, start=(2020, 8, 19), end=(2020, 8, 25),
                             body="Rockets hit the airport on Tuesday.")  # fmt: skip
        workflow.publish(report, by=editor)
        report = Report.objects.get(pk=report.pk)
        report.body = "Rockets hit Baghdad airport on Wednesday."
        editing.save_report(report, by=editor, tags=[], correction_note="Corrected the day of the attack.")

    def test_reader_opens_version_1_sees_the_banner_and_follows_it_to_the_current_version(self):
        page = self.page
        page.goto(self.url("/reports/iraq-august-19-25/"))
        history = page.get_by_role("region", name="Version history")
        history.get_by_role("link", name="Version 1").click()
        expect(page).to_have_url(self.url("/reports/iraq-august-19-25/v/1/"))
        banner = page.get_by_role("region", name="About this version")
        expect(banner).to_contain_text("Version 1 of 2: not the current version.")
        expect(banner.get_by_role("listitem")).to_contain_text("Corrected the day of the attack.")
        expect(page.locator(".body")).to_have_text("Rockets hit the airport on Tuesday.")
        citation = page.locator(".citation")
        expect(citation).to_contain_text(self.url("/reports/iraq-august-19-25/v/1/"))
        expect(citation).to_contain_text("Version 1, ")
        banner.get_by_role("link", name="Read the current version").click()
        expect(page).to_have_url(self.url("/reports/iraq-august-19-25/"))
        expect(page.locator(".body")).to_have_text("Rockets hit Baghdad airport on Wednesday.")
        expect(page.locator(".citation")).to_contain_text(self.url("/reports/iraq-august-19-25/v/2/"))
        self.assertNoCspViolations()
