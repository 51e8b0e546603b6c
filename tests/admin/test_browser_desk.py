"""The desk in Chromium: a writer drafts with proposals, warnings, tag help, live preview and a
preview link; an editor works the review queue, merges tags and revokes a link; and the
same form without JavaScript still proposes, warns and saves."""

import datetime
import re

from django.core import mail
from django.test import override_settings
from taggit.models import Tag

from reports.editorial.actions import previews as preview_actions
from reports.editorial.actions import workflow
from reports.models import PreviewLink, Report, ReportEvent
from tests.browser import BrowserTestCase
from tests.helpers import make_report, make_series, make_user

PROPOSED = "Iraq Situation Report: August 26 - September 1, 2020"


def expect(target):
    from playwright.sync_api import expect as playwright_expect  # only where browser tests run

    return playwright_expect(target)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class DeskJourneyTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        series = make_series()
        self.latest = make_report(
            "Iraq Situation Report: August 19-25, 2020",
            series=series,
            start=(2020, 8, 19),
            end=(2020, 8, 25),
            tags=["Kata’ib Hezbollah", "Baghdad", "Green Zone"],
        )
        self.writer = make_user("writer")
        self.editor = make_user("editor", email="editor@example.org")

    def open_as_anonymous(self, url):
        """Open `url` in a fresh browser context with no cookies; returns (page, response)."""
        context = self.browser.new_context()
        self.addCleanup(context.close)
        page = context.new_page()
        return page, page.goto(url)

    def test_writer_drafts_with_proposals_warnings_tag_help_live_preview_and_shares_a_preview(self):
        page = self.page
        self.log_in("writer", "pw-writer")
        page.goto(self.url("/admin/reports/report/add/"))

        # The period that follows the latest report, and its house-style title and slug.
        expect(page.locator("#id_period_start")).to_have_value("2020-08-26")
        expect(page.locator("#id_period_end")).to_have_value("2020-09-01")
        expect(page.locator("#id_title")).to_have_value(PROPOSED)
        expect(page.locator("#id_slug")).to_have_value("iraq-situation-report-august-26-september-1-2020")

        # A longer period: the proposal follows it, and the admin warns without blocking.
        page.fill("#id_period_end", "2020-09-03")
        expect(page.locator("#id_title")).to_have_value("Iraq Situation Report: August 26 - September 3, 2020")
        expect(page.locator("#id_slug")).to_have_value("iraq-situation-report-august-26-september-3-2020")
        expect(page.locator("#authoring-notes .authoring-warnings")).to_have_text("The period is 9 days long, not 7.")

        # A title typed by hand is never replaced; emptied, it is proposed again.
        page.fill("#id_title", "Special issue: rockets on Baghdad")
        page.fill("#id_period_end", "2020-09-02")
        expect(page.locator("#authoring-notes .authoring-warnings")).to_have_text("The period is 8 days long, not 7.")
        expect(page.locator("#id_title")).to_have_value("Special issue: rockets on Baghdad")
        expect(page.locator(".authoring-proposal")).to_contain_text(
            "Iraq Situation Report: August 26 - September 2, 2020"
        )
        page.fill("#id_title", "")
        page.fill("#id_period_end", "2020-09-01")
        expect(page.locator("#id_title")).to_have_value(PROPOSED)
        expect(page.locator("#authoring-notes .authoring-warnings li")).to_have_count(0)

        # Tags found in the text are proposed from the vocabulary; one click adds one.
        page.fill("#id_summary", "Kata'ib Hezbollah fired rockets at the Green Zone.")
        suggestion = page.locator(".tag-suggestions button", has_text="Green Zone")
        expect(suggestion).to_be_visible()
        expect(page.locator(".tag-suggestions button")).to_have_count(2)
        suggestion.click()
        chips = page.locator(".tag-chip-list li span")
        expect(chips).to_have_text(["Green Zone"])  # tags are chips: no quoting to learn

        # The tag being typed autocompletes from the existing tags, by keyboard.
        entry = page.get_by_role("combobox", name="Tags")
        entry.press_sequentially("bagh")
        expect(page.locator("#id_tags_listbox [role=option]")).to_have_text(["Baghdad"])
        entry.press("ArrowDown")
        entry.press("Enter")  # picks the tag; does not submit the form
        expect(chips).to_have_text(["Green Zone", "Baghdad"])
        expect(page.locator("#id_tags")).to_have_value('"Green Zone", "Baghdad"')
        expect(page.locator("#id_tags_listbox")).to_be_hidden()
        # A chip's button removes it; typing a name and a comma adds one.
        page.get_by_role("button", name="Remove the tag Baghdad").click()
        expect(chips).to_have_text(["Green Zone"])
        entry.press_sequentially("Baghdad,")
        expect(chips).to_have_text(["Green Zone", "Baghdad"])

        # The body is previewed as it is typed, sanitised like the public page.
        page.fill("#id_body", "## Rockets\n\n*Three* rockets. <script>alert(1)</script> [map](javascript:alert(1))")
        preview = page.locator(".markdown-preview-body")
        expect(preview.locator("h2")).to_have_text("Rockets")
        expect(preview.locator("em")).to_have_text("Three")
        expect(preview).to_contain_text("<script>alert(1)</script>")
        self.assertEqual(preview.locator("script").count(), 0)
        self.assertIsNone(preview.locator("a").get_attribute("href"))

        # Submitting for review e-mails the editor.
        page.click("button:has-text('Submit for review')")
        self.assert_message(f"Submitted for review: “{PROPOSED}”")
        report = Report.objects.get(title=PROPOSED)
        self.assertEqual(sorted(report.tags.names()), ["Baghdad", "Green Zone"])
        self.assertEqual([m.to for m in mail.outbox], [["editor@example.org"]])
        self.assertIn(PROPOSED, mail.outbox[0].subject)

        # The writer shares a preview link, and someone without an account opens it.
        page.locator("#result_list").get_by_role("link", name=PROPOSED).click()
        page.click("button:has-text('Create preview link')")
        self.assert_message("Preview link created")
        link_url = page.locator(".preview-link-url").input_value()
        self.assertRegex(link_url, r"/preview/[A-Za-z0-9_-]{40,}/$")
        reader, response = self.open_as_anonymous(link_url)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.headers["x-robots-tag"], "noindex, nofollow")
        self.assertIn("no-store", response.headers["cache-control"])
        expect(reader.locator(".preview-banner")).to_contain_text("Preview")
        expect(reader.locator("h1")).to_have_text(PROPOSED)
        expect(reader.locator(".body h2")).to_have_text("Rockets")
        self.assertEqual(reader.locator("meta[name=robots]").get_attribute("content"), "noindex, nofollow")
        self.assertEqual(reader.locator("#user-tools, .messagelist").count(), 0)

    def test_editor_works_the_queue_requests_changes_merges_tags_and_revokes_a_link(self):
        page = self.page
        waiting = make_report("Iraq Situation Report: August 26 - September 1, 2020", status=Report.Status.DRAFT,
                              start=(2020, 8, 26), end=(2020, 9, 1), created_by=self.writer,
                              tags=["Kata'ib Hezbollah"])  # fmt: skip
        workflow.submit_for_review(waiting, by=self.writer)
        older = make_report("An older submission", status=Report.Status.DRAFT, created_by=self.writer)
        event = workflow.submit_for_review(older, by=self.writer)
        ReportEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - datetime.timedelta(days=2))
        link = preview_actions.create_link(waiting, by=self.writer)

        # The queue, from the admin's home page: longest waiting first, with who and when.
        self.log_in("editor", "pw-editor")
        page.click("text=Review queue (2 waiting)")
        rows = page.locator("#review-queue tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("An older submission")
        expect(rows.nth(0)).to_contain_text("writer")
        expect(rows.nth(0)).to_contain_text("2\xa0days")
        rows.nth(1).get_by_role("link").first.click()  # the title; the row also links to a preview
        page.fill("#id_workflow_note", "Add the Baghdad airport attack, please.")
        page.click("button:has-text('Request changes')")
        self.assert_message("Changes requested")

        # The editor revokes the preview link: the address now says it is not available.
        page.goto(self.url(f"/admin/reports/report/{waiting.pk}/change/"))
        page.locator("#preview-links").get_by_role("button", name="Revoke").click()
        self.assert_message("Preview link revoked")
        reader, response = self.open_as_anonymous(self.url(link.get_absolute_url()))
        self.assertEqual(response.status, 404)
        expect(reader.locator("h1")).to_have_text("This preview is not available")

        # The near-duplicate tags are flagged in the tag list, and merged.
        page.goto(self.url("/admin/taggit/tag/?near_duplicates=yes"))
        expect(page.locator("#result_list tbody tr")).to_have_count(2)
        page.check("#action-toggle")
        page.select_option("select[name=action]", "merge_tags")
        page.click("button[name=index]")
        page.select_option("#id_target", label="Kata’ib Hezbollah")
        page.click("input[name=apply]")
        self.assert_message("Merged “Kata'ib Hezbollah” (1 report(s)) into “Kata’ib Hezbollah”.")
        self.assertEqual(sorted(waiting.tags.names()), ["Kata’ib Hezbollah"])
        self.assertFalse(Tag.objects.filter(name="Kata'ib Hezbollah").exists())

        # The writer finds the report returned to them, with the note.
        self.log_in("writer", "pw-writer")
        page.click("text=Returned to you (1)")
        expect(page.locator("#returned-reports tbody tr")).to_have_count(1)
        expect(page.locator("#returned-reports")).to_contain_text("Add the Baghdad airport attack, please.")
        self.assertEqual(PreviewLink.objects.filter(revoked_at__isnull=False).count(), 1)


class DeskWithoutJavaScriptTests(BrowserTestCase):
    """The same form with scripts off: proposals and warnings come from the server."""

    def setUp(self):
        super().setUp()
        self.context.close()
        self.context = self.browser.new_context(java_script_enabled=False, viewport=self.viewport)
        self.page = self.context.new_page()
        make_series()
        make_report("Iraq Situation Report: August 19-25, 2020", start=(2020, 8, 19), end=(2020, 8, 25),
                    tags=["Baghdad"])  # fmt: skip
        make_user("writer")

    def test_writer_saves_a_draft_with_defaults_warnings_and_a_static_preview(self):
        page = self.page
        self.log_in("writer", "pw-writer")
        page.goto(self.url("/admin/reports/report/add/"))
        self.assertEqual(page.input_value("#id_title"), PROPOSED)
        self.assertEqual(page.input_value("#id_period_start"), "2020-08-26")
        page.fill("#id_period_end", "2020-09-04")
        page.fill("#id_title", "")
        page.fill("#id_slug", "")
        page.fill("#id_summary", "Rockets hit Baghdad.")
        page.fill("#id_body", "## Rockets")
        page.click("input[name=_continue]")
        self.assert_message("The period is 10 days long, not 7.", page)
        self.assertEqual(page.input_value("#id_title"), "Iraq Situation Report: August 26 - September 4, 2020")
        self.assertEqual(page.input_value("#id_slug"), "iraq-situation-report-august-26-september-4-2020")
        self.assertIn("The period is 10 days long, not 7.", page.locator("#authoring-notes").inner_text())
        self.assertIn("Baghdad", page.locator(".tag-suggestions").inner_text())
        self.assertEqual(page.locator(".markdown-preview-body h2").inner_text(), "Rockets")
        self.assertTrue(re.search(r"Iraq Situation Report: August 26 - September 4, 2020", page.content()))
