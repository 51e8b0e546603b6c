"""A reader's alert, clicked through in Chromium, with mail through a real SMTP server: follow a
tag from the archive, confirm from the message, an editor publishes in the admin, the alert
arrives with working links, and the reader leaves with one click (RFC 8058)."""

import datetime
import re
import urllib.error
import urllib.request

from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Delivery, Report, Subscription
from tests.browser import BrowserTestCase
from tests.helpers import make_report, make_series, make_user
from tests.smtp import SMTPServer

READER = "reader@example.org"


def links(message):
    return re.findall(r"https?://\S+", message.get_content())


class AlertJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series()
        make_user("editor", email="editor@example.org")
        two_weeks_ago = timezone.now() - datetime.timedelta(weeks=2)
        make_report("Iraq Situation Report: earlier", tags=["Kata’ib Hezbollah"], published_at=two_weeks_ago)
        make_report("Iraq Situation Report: unrelated", tags=["Saudi Arabia"], published_at=two_weeks_ago)
        self.draft = make_report(
            "Iraq Situation Report: the new one", tags=["Kata’ib Hezbollah"], status=Report.Status.DRAFT
        )
        smtp = self.enterContext(SMTPServer())
        self.enterContext(override_settings(**smtp.settings(), SITE_URL=self.live_server_url))
        self.smtp = smtp

    def path_of(self, link):
        self.assertTrue(link.startswith(self.live_server_url), link)
        return link.removeprefix(self.live_server_url)

    def test_reader_follows_a_tag_confirms_gets_the_published_report_and_leaves_with_one_click(self):
        page = self.page
        # The reader filters the archive by a tag and asks for these by e-mail.
        page.goto(self.url("/"))
        page.locator("article", has_text="earlier").get_by_role("link", name="Kata’ib Hezbollah").click()
        self.assertRegex(page.url, r"\?tag=kataib-hezbollah$")
        page.get_by_role("link", name="Get these by e-mail").click()
        self.assertRegex(page.url, r"/alerts/\?tag=kataib-hezbollah$")

        # The page says what will be followed, in words, and what it would have sent.
        expect(page.locator(".followed")).to_contain_text("Reports tagged Kata’ib Hezbollah")
        rows = page.locator(".alert-weeks tbody tr")
        expect(rows).to_have_count(12)
        counts = [int(row.locator("td").inner_text()) for row in rows.all()]
        self.assertEqual(sum(counts), 1)  # the earlier report; not the unrelated one, not the draft
        self.assertEqual(counts[-3], 1)  # two weeks before this one

        # It subscribes: each report as it is published.
        page.get_by_label("Your e-mail address").fill(READER)
        page.get_by_label("Each report as it is published").check()
        page.get_by_role("button", name="Subscribe").click()
        expect(page.locator("h1")).to_have_text("Check your inbox")

        # The confirmation arrives; nothing else does until it is followed.
        [confirmation] = self.smtp.wait_for(1)
        self.assertEqual(confirmation["To"], READER)
        self.assertIsNone(confirmation["List-Unsubscribe"])
        confirm_link = next(link for link in links(confirmation) if "/alerts/confirm/" in link)
        page.goto(self.url(self.path_of(confirm_link)))
        expect(page.locator("main")).to_contain_text("Reports tagged Kata’ib Hezbollah")
        page.get_by_role("button", name="Confirm").click()
        expect(page.locator("h1")).to_have_text("Your alert")
        expect(page.locator("main")).to_contain_text("Confirmed: alerts will come to this address.")
        self.assertEqual(page.get_by_label("Each report as it is published").is_checked(), True)
        manage_url = page.url

        # An editor publishes a matching draft in the admin.
        editor = self.browser.new_context(viewport=self.viewport)
        editor.set_default_timeout(10_000)
        self.addCleanup(editor.close)
        desk = editor.new_page()
        desk.goto(self.url("/admin/login/"))
        desk.get_by_label("Username").fill("editor")
        desk.get_by_label("Password").fill("pw-editor")
        desk.get_by_role("button", name="Log in").click()
        desk.wait_for_selector("#user-tools")
        desk.goto(self.url(f"/admin/reports/report/{self.draft.pk}/change/"))
        desk.get_by_role("button", name="Publish", exact=True).click()
        self.assert_message("Published: “Iraq Situation Report: the new one”", page=desk)

        # The alert arrives through SMTP, with its one-click headers and working links.
        messages = self.smtp.wait_for(2)
        self.assertEqual(len(messages), 2, "the alert did not arrive")
        alert = messages[1]
        self.assertEqual(alert["To"], READER)
        self.assertEqual(alert["Subject"], "Iraq Situation Report: the new one")
        self.assertEqual(alert["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        unsubscribe = alert["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")
        self.assertEqual(Delivery.objects.get().state, "sent")
        report_link = next(link for link in links(alert) if "/reports/" in link)
        page.goto(self.url(self.path_of(report_link)))
        expect(page.locator("h1")).to_have_text("Iraq Situation Report: the new one")

        # One click: a POST with no cookie and no CSRF token, as a mail client sends it.
        request = urllib.request.Request(
            self.url(self.path_of(unsubscribe)),
            data=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        with urllib.request.urlopen(request) as response:
            self.assertEqual(response.status, 200)
        self.assertFalse(Subscription.objects.exists())

        # The manage link now says there is no such alert.
        response = page.goto(manage_url)
        self.assertEqual(response.status, 404)
        expect(page.locator("h1")).to_have_text("No such alert")
        self.assertEqual(len(self.smtp.messages), 2)  # leaving sends nothing
        self.assertNoCspViolations()
