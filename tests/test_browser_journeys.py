"""The writer, editor and reader journeys, clicked through in Chromium as people would."""

import datetime
import re
import urllib.request

from django.utils import timezone
from playwright.sync_api import expect

from reports.models import Report
from tests.browser import BrowserTestCase
from tests.helpers import make_report, make_series, make_user

TITLE = "Iraq Situation Report: August 26 - September 1, 2020"
SLUG = "iraq-situation-report-august-26-september-1-2020"


class EditorialJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series()
        make_user("writer")
        make_user("editor")

    def open_report(self, status_filter=""):
        self.page.goto(self.url(f"/admin/reports/report/{status_filter}"))
        self.page.click(f"text={TITLE}")
        self.page.wait_for_load_state("load")

    def public_status(self):
        reader = self.browser.new_page()
        try:
            return reader.goto(self.url(f"/reports/{SLUG}/")).status
        finally:
            reader.close()

    def test_writer_drafts_editor_reviews_schedules_publishes_and_unpublishes(self):
        page = self.page
        # The writer drafts a report with tags and a period, and submits it for review.
        self.log_in("writer", "pw-writer")
        page.goto(self.url("/admin/reports/report/add/"))
        page.select_option("#id_series", label="Iraq Situation Report")
        page.fill("#id_title", TITLE)
        page.fill("#id_period_start", "2020-08-26")
        page.fill("#id_period_end", "2020-09-01")
        page.fill("#id_summary", "Kata’ib Hezbollah escalated rocket attacks in Baghdad.")
        page.fill("#id_body", "## Rockets\n\nSee [the map](https://example.org).")
        page.fill("#id_tags_entry", "Kata’ib Hezbollah, Baghdad")  # the chips' entry (the field itself is hidden)
        self.assertEqual(page.input_value("#id_slug"), SLUG)  # proposed from the title as they type
        self.assertEqual(page.locator("button", has_text="Publish").count(), 0)
        page.click("button:has-text('Submit for review')")
        self.assert_message(f"Submitted for review: “{TITLE}”")

        # The editor asks for changes; the note is required.
        self.log_in("editor", "pw-editor")
        self.open_report("?status=review")
        page.click("button:has-text('Request changes')")
        self.assertIn("the note is required", page.locator(".errorlist").first.inner_text())
        page.fill("#id_workflow_note", "Add the Baghdad airport attack, please.")
        page.click("button:has-text('Request changes')")
        self.assert_message("Changes requested")

        # The writer sees the note, edits and resubmits.
        self.log_in("writer", "pw-writer")
        self.open_report("?status=draft")
        self.assertIn("Add the Baghdad airport attack, please.", page.locator("#workflow .errornote").inner_text())
        page.fill("#id_summary", "Kata’ib Hezbollah escalated rocket attacks on Baghdad airport.")
        page.click("button:has-text('Submit for review')")

        # The editor schedules it for tomorrow: the change list says Scheduled, the public sees nothing.
        self.log_in("editor", "pw-editor")
        self.open_report("?status=review")
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        page.fill("#id_publish_at_0", tomorrow.strftime("%Y-%m-%d"))
        page.fill("#id_publish_at_1", "09:00:00")
        page.click("button:has-text('Publish')")
        self.assert_message(f"Scheduled for {tomorrow:%b}. {tomorrow.day}, {tomorrow.year}, 9 a.m.")
        page.goto(self.url("/admin/reports/report/"))
        self.assertIn("Scheduled", page.locator("tr", has_text=TITLE).inner_text())
        self.assertEqual(self.public_status(), 404)

        # The editor publishes it now instead: a scheduled report asks first (the button is
        # "Publish now" there, and confirming is part of it by design).
        self.open_report()
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("button:has-text('Publish now')")
        self.assert_message(f"Published: “{TITLE}”")
        self.assertEqual(self.public_status(), 200)
        report = Report.objects.get(slug=SLUG)
        self.assertEqual(sorted(report.tags.names()), ["Baghdad", "Kata’ib Hezbollah"])
        self.assertEqual(report.summary, "Kata’ib Hezbollah escalated rocket attacks on Baghdad airport.")

        # And unpublishes it: it leaves the public site at once; the history shows every step.
        self.open_report()
        page.click("button:has-text('Unpublish')")
        self.assert_message("Unpublished")
        self.assertEqual(self.public_status(), 404)
        self.open_report()
        for step in ("Submitted for review", "Changes requested", "Scheduled", "Published", "Unpublished"):
            expect(page.locator("#events-group")).to_contain_text(step)
        self.assertNoCspViolations()


class ReaderJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_series()
        make_report("Iraq Situation Report: June 24-30, 2020", start=(2020, 6, 24), end=(2020, 6, 30),
                    tags=["Kata’ib Hezbollah", "Baghdad"])  # fmt: skip
        make_report("Iraq Situation Report: July 1-7, 2020", start=(2020, 7, 1), end=(2020, 7, 7),
                    tags=["Kata’ib Hezbollah", "Green Zone"])  # fmt: skip
        make_report("Iraq Situation Report: July 15-21, 2020", start=(2020, 7, 15), end=(2020, 7, 21),
                    tags=["Saudi Arabia"])  # fmt: skip
        make_report("A draft nobody may see", status=Report.Status.DRAFT, tags=["Kata’ib Hezbollah"])

    def titles(self):
        return self.page.locator("article h2").all_inner_texts()

    def test_reader_filters_by_tag_and_week_opens_a_report_and_finds_the_feed(self):
        page = self.page
        page.goto(self.url("/"))
        self.assertEqual(len(self.titles()), 3)

        # Filter by a tag from a result, then narrow to a week with the form.
        page.locator("article", has_text="June 24-30").get_by_role("link", name="Kata’ib Hezbollah").click()
        self.assertEqual(len(self.titles()), 2)
        page.fill("#id_week", "2020-W27")
        page.locator("form.filters").get_by_role("button").click()
        self.assertRegex(page.url, r"\?tag=kataib-hezbollah&week=2020-W27$")
        self.assertEqual(
            self.titles(), ["Iraq Situation Report: July 1-7, 2020", "Iraq Situation Report: June 24-30, 2020"]
        )
        self.assertIn("Week: 2020-W27 (June 29 – July 5, 2020)", page.locator(".active-filters").inner_text())

        # The feed link carries the filters, and the feed holds the same reports.
        feed_href = page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
        self.assertEqual(feed_href, "/feeds/atom/?tag=kataib-hezbollah&week=2020-W27")
        with urllib.request.urlopen(self.url(feed_href)) as response:
            feed = response.read().decode()
        self.assertEqual(len(re.findall("<entry>", feed)), 2)
        self.assertNotIn("A draft nobody may see", feed)

        # Remove the tag filter: the week stays.
        page.get_by_role("link", name=re.compile("Remove filter Tag")).click()
        self.assertRegex(page.url, r"\?week=2020-W27$")
        self.assertEqual(len(self.titles()), 2)

        # Open a report, then follow one of its tags back to the archive.
        page.get_by_role("link", name="Iraq Situation Report: July 1-7, 2020").click()
        self.assertEqual(page.locator("h1").inner_text(), "Iraq Situation Report: July 1-7, 2020")
        page.get_by_role("link", name="Green Zone").click()
        self.assertEqual(self.titles(), ["Iraq Situation Report: July 1-7, 2020"])
        self.assertNotIn("A draft nobody may see", page.content())
        self.assertNoCspViolations()


class HistoryJourneyTests(BrowserTestCase):
    """Corrections, revisions and edit conflicts, clicked through as editors and writers would."""

    def setUp(self):
        super().setUp()
        make_series()
        make_user("writer")
        make_user("editor")

    def other_person(self, username):
        """A second browser, logged in as someone else, for two people on one report."""
        context = self.browser.new_context(viewport=self.viewport)
        context.set_default_timeout(10_000)
        self.addCleanup(context.close)
        page = context.new_page()
        page.goto(self.url("/admin/login/"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(f"pw-{username}")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_selector("#user-tools")
        return page

    def read_public_page(self, report):
        reader = self.browser.new_page()
        try:
            reader.goto(self.url(report.get_absolute_url()))
            return reader.locator("main").inner_text()
        finally:
            reader.close()

    def test_editor_corrects_a_published_report_then_compares_and_restores_a_revision(self):
        page = self.page
        report = make_report(summary="Ghaani met militia leaders in Baghdad on Tuesday.", tags=["Iran"])
        self.log_in("editor", "pw-editor")
        page.goto(self.url(f"/admin/reports/report/{report.pk}/change/"))

        # Changing a published report asks for a public correction note, keeping the edit.
        page.get_by_label("Summary").fill("Ghaani met militia leaders in Baghdad on Wednesday.")
        page.get_by_role("button", name="Save", exact=True).click()
        self.assertIn("the correction note is required", page.locator(".errorlist").first.inner_text())
        self.assertEqual(
            page.get_by_label("Summary").input_value(), "Ghaani met militia leaders in Baghdad on Wednesday."
        )
        page.get_by_label("Correction note").fill("Corrected the day of the Ghaani meeting.")
        page.get_by_role("button", name="Save", exact=True).click()
        self.assert_message("was changed successfully", page)

        # Readers see the corrected text and the dated note at once.
        public = self.read_public_page(report)
        self.assertIn("on Wednesday.", public)
        today = timezone.localdate()
        self.assertIn(f"{today:%B} {today.day}, {today.year}: Corrected the day of the Ghaani meeting.", public)

        # The history: the state before the correction, and the correction; compare them.
        page.goto(self.url(f"/admin/reports/report/{report.pk}/change/"))
        page.get_by_role("link", name="History").click()
        self.assertIn("Revision 2 (current)", page.locator("#revisions-heading + form").inner_text())
        page.get_by_role("button", name="Compare selected revisions").click()
        self.assertEqual(page.locator(".word-diff del").text_content(), "removed: Tuesday")
        self.assertEqual(page.locator(".word-diff ins").text_content(), "added: Wednesday")

        # Restore the first revision: another correction, and a new revision.
        page.get_by_role("link", name="Restore revision 1…").click()
        page.get_by_label("Correction note").fill("Restored the original day: Tuesday was right.")
        page.get_by_role("button", name="Restore revision 1").click()
        self.assert_message("Restored revision 1", page)
        public = self.read_public_page(report)
        self.assertIn("on Tuesday.", public)
        self.assertLess(
            public.index("Corrected the day of the Ghaani meeting."), public.index("Tuesday was right.")
        )  # oldest first
        page.get_by_role("link", name="History").click()
        self.assertIn("Revision 3 (current)", page.locator("#revisions-heading + form").inner_text())

    def test_writer_and_editor_edit_one_draft_and_the_second_save_shows_the_conflict(self):
        page = self.page
        report = make_report(status=Report.Status.DRAFT, summary="Rockets hit the Green Zone.", body="Two rockets.")
        change = self.url(f"/admin/reports/report/{report.pk}/change/")
        self.log_in("writer", "pw-writer")
        page.goto(change)
        editor = self.other_person("editor")
        editor.goto(change)

        # The editor saves first.
        editor.get_by_role("textbox", name="Body:").fill("Two rockets, one intercepted.")
        editor.get_by_role("button", name="Save", exact=True).click()
        self.assert_message("was changed successfully", editor)

        # The writer, still on the old page, saves: refused, told who changed what, text kept.
        page.get_by_label("Summary").fill("Three rockets hit the Green Zone.")
        page.get_by_role("button", name="Save", exact=True).click()
        self.assertIn(
            "Not saved: editor changed this report while you were editing it",
            page.locator(".errorlist").first.inner_text(),
        )
        conflict = page.get_by_role("region", name="Changed while you were editing")
        self.assertIn("editor edited Body", conflict.inner_text())
        self.assertEqual(conflict.locator("ins").text_content(), "added: , one intercepted")
        self.assertEqual(page.get_by_label("Summary").input_value(), "Three rockets hit the Green Zone.")

        # The writer merges the editor's body into their form and saves deliberately.
        page.get_by_role("textbox", name="Body:").fill("Two rockets, one intercepted.")
        page.get_by_role("button", name="Save", exact=True).click()
        self.assert_message("was changed successfully", page)
        report.refresh_from_db()
        self.assertEqual(
            (report.summary, report.body), ("Three rockets hit the Green Zone.", "Two rockets, one intercepted.")
        )
