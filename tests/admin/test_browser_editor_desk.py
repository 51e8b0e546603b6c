"""The editor's desk in Chromium, at 1280×900 and on a 390×844 phone: the status and the primary
action in view on every change form, rescheduling that keeps the schedule, publishing from the
review queue in two clicks, no page scrolling sideways, and axe finding nothing on the admin's
pages (WCAG 2.1 AA, and WCAG 2.2's 24×24 px targets)."""

import datetime
import json

from django.utils import timezone

from reports.editorial.actions import workflow
from reports.models import Report
from tests.browser import BrowserTestCase
from tests.conftest import ARTIFACTS as ARTIFACTS_DIR
from tests.helpers import make_report, make_series, make_user
from tests.validators import AXE, axe_missing, require

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # wcag22aa: target-size (24×24 px)
Status = Report.Status


def expect(target):
    from playwright.sync_api import expect as playwright_expect  # only where browser tests run

    return playwright_expect(target)


class EditorDeskDesktopTests(BrowserTestCase):
    viewport = {"width": 1280, "height": 900}
    label = "desktop"

    def setUp(self):
        super().setUp()
        self.series = make_series()
        self.writer = make_user("writer")
        self.editor = make_user("editor")
        tags = ["Baghdad", "Green Zone", "Iran", "Kata’ib Hezbollah", "Mustafa al-Kadhimi", "Proxy militias"]
        self.live = make_report("Iraq Situation Report: June 24-30, 2020", tags=tags)
        self.draft = make_report("Iraq Situation Report: July 1-7, 2020", status=Status.DRAFT, start=(2020, 7, 1),
                                 end=(2020, 7, 7), created_by=self.writer)  # fmt: skip
        self.review = make_report("Iraq Situation Report: July 8-14, 2020", status=Status.DRAFT, start=(2020, 7, 8),
                                  end=(2020, 7, 14), created_by=self.writer, body="- one\n- two\n")  # fmt: skip
        workflow.submit_for_review(self.review, by=self.writer)
        self.go_live = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
        self.scheduled = make_report("Iraq Situation Report: July 15-21, 2020", status=Status.DRAFT,
                                     start=(2020, 7, 15), end=(2020, 7, 21))  # fmt: skip
        workflow.publish(self.scheduled, by=self.editor, at=self.go_live)

    def change(self, report):
        return self.url(f"/admin/reports/report/{report.pk}/change/")

    def shoot(self, name):
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS_DIR / f"desk-{self.label}-{name}.png"))

    def assert_no_sideways_scroll(self, what):
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, self.viewport["width"], f"{what} scrolls sideways ({width} px wide)")

    def assert_in_view(self, locator, what):
        box = locator.bounding_box()
        self.assertIsNotNone(box, what)
        self.assertGreaterEqual(box["y"], 0, what)
        self.assertLessEqual(box["y"] + box["height"], self.viewport["height"], f"{what} is below the fold")

    def test_status_and_primary_action_are_in_view_on_every_change_form_and_stay_there(self):
        cases = [
            ("editor", self.change(self.review), "In review", "Publish"),
            ("editor", self.change(self.draft), "Draft", "Publish"),
            ("editor", self.change(self.scheduled), "Scheduled", "Reschedule"),
            ("editor", self.change(self.live), "Live", "Save changes"),
            ("editor", self.url("/admin/reports/report/add/"), "Draft", "Publish"),
            ("writer", self.change(self.draft), "Draft", "Submit for review"),
            ("writer", self.url("/admin/reports/report/add/"), "Draft", "Submit for review"),
        ]
        for role, url, status, primary in cases:
            with self.subTest(role=role, url=url):
                self.log_in(role, f"pw-{role}")
                self.page.goto(url)
                bar = self.page.locator(".status-bar")
                expect(bar.locator(".status-badge")).to_have_text(status)
                button = bar.locator("button.default")
                expect(button).to_have_text(primary)
                self.assert_in_view(button, f"{primary} for the {role} at {url}")
                self.assert_no_sideways_scroll(url)
                self.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the bar stays in view
                self.assertGreater(self.page.evaluate("window.scrollY"), 300)
                self.assert_in_view(button, f"{primary} after scrolling")
                self.shoot(f"{role}-{status.lower()}-scrolled")
        self.page.goto(self.change(self.scheduled))
        local = self.page.locator(".status-line time.local-time")
        expect(local).to_contain_text("your time:")
        expect(self.page.locator(".status-line")).to_contain_text(" UTC")
        self.assertNoCspViolations()

    def test_rescheduling_keeps_the_schedule_and_publishing_now_asks_first(self):
        page = self.page
        self.log_in("editor", "pw-editor")
        page.goto(self.change(self.scheduled))
        local_go_live = timezone.localtime(self.go_live)
        # The form shows the go-live time; it is not empty (empty would mean "now").
        expect(page.locator("#id_publish_at_0")).to_have_value(f"{local_go_live:%Y-%m-%d}")
        expect(page.locator("#id_publish_at_1")).to_have_value(f"{local_go_live:%H:%M:%S}")
        self.shoot("scheduled-form")
        # Editing and pressing Reschedule with the time as shown keeps it.
        page.fill("#id_summary", "Edited before going live.")
        page.click("button:has-text('Reschedule')")
        self.assert_message("Scheduled for")
        self.scheduled.refresh_from_db()
        self.assertEqual(self.scheduled.published_at, self.go_live)
        self.assertEqual(self.scheduled.summary, "Edited before going live.")
        # A new time moves it.
        page.goto(self.change(self.scheduled))
        later = local_go_live + datetime.timedelta(days=1)
        page.fill("#id_publish_at_0", f"{later:%Y-%m-%d}")
        page.click("button:has-text('Reschedule')")
        self.assert_message("Scheduled for")
        self.scheduled.refresh_from_db()
        self.assertEqual(self.scheduled.published_at, later)
        self.assertTrue(self.scheduled.is_scheduled)
        # Publish now asks; declining changes nothing.
        page.goto(self.change(self.scheduled))
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click("button:has-text('Publish now')")
        self.scheduled.refresh_from_db()
        self.assertTrue(self.scheduled.is_scheduled)
        # Unschedule makes it a draft again.
        page.click("button:has-text('Unschedule')")
        self.assert_message("Unpublished")
        self.scheduled.refresh_from_db()
        self.assertEqual((self.scheduled.status, self.scheduled.published_at), (Status.DRAFT, None))

    def test_an_editor_publishes_a_submitted_report_from_the_queue_in_two_clicks(self):
        page = self.page
        self.log_in("editor", "pw-editor")
        self.shoot("home")
        page.click("text=Review queue (1 waiting)")  # one
        row = page.locator("#review-queue tbody tr", has_text="July 8-14")
        expect(row.get_by_role("link", name="Preview")).to_have_attribute("href", self.review.get_absolute_url())
        self.shoot("queue")
        self.assert_no_sideways_scroll("the queue")
        row.get_by_role("button", name="Publish").click()  # two
        self.assert_message("Published: “Iraq Situation Report: July 8-14, 2020”")
        self.review.refresh_from_db()
        self.assertTrue(self.review.is_public)

    def test_requesting_changes_from_the_queue_needs_the_note_and_keeps_what_was_typed(self):
        page = self.page
        self.log_in("editor", "pw-editor")
        page.goto(self.url("/admin/reports/report/review-queue/"))
        row = page.locator("#review-queue tbody tr", has_text="July 8-14")
        row.locator("summary").click()
        row.get_by_role("button", name="Request changes").click()
        expect(page.locator("#review-queue .errorlist")).to_contain_text("the note is required")
        row = page.locator("#review-queue tbody tr", has_text="July 8-14")
        row.get_by_label("Note to the writer").fill("Cite the source, please.")
        row.get_by_role("button", name="Request changes").click()
        self.assert_message("Changes requested")
        self.review.refresh_from_db()
        self.assertEqual(self.review.status, Status.DRAFT)
        # The writer sees the note at the top of the form.
        self.log_in("writer", "pw-writer")
        page.goto(self.change(self.review))
        self.assert_in_view(page.locator(".change-request"), "the editor's note")
        expect(page.locator(".change-request")).to_contain_text("Cite the source, please.")

    def test_errors_link_to_their_fields(self):
        page = self.page
        self.log_in("editor", "pw-editor")
        page.goto(self.change(self.live))
        page.fill("#id_summary", "A correction without a note.")
        page.get_by_role("button", name="Save changes").click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        self.assert_in_view(summary, "the error summary")
        link = summary.get_by_role("link").first
        target = link.get_attribute("href")
        link.click()
        self.assert_in_view(page.locator(target), "the field the error is about")
        self.assertEqual(page.input_value("#id_summary"), "A correction without a note.")

    def test_no_admin_page_scrolls_sideways_and_axe_finds_nothing(self):
        require(axe_missing())
        self.log_in("editor", "pw-editor")
        pages = {
            "home": "/admin/",
            "list": "/admin/reports/report/",
            "change form": f"/admin/reports/report/{self.review.pk}/change/",
            "scheduled change form": f"/admin/reports/report/{self.scheduled.pk}/change/",
            "add form": "/admin/reports/report/add/",
            "queue": "/admin/reports/report/review-queue/",
            "history": f"/admin/reports/report/{self.live.pk}/history/",
            "coverage": "/admin/reports/report/coverage/",
            "tags": "/admin/taggit/tag/",
        }
        for label, path in pages.items():
            with self.subTest(page=label):
                self.page.goto(self.url(path))
                self.assert_no_sideways_scroll(label)
                self.shoot(label.replace(" ", "-"))
                self.page.evaluate(AXE.read_text(encoding="utf-8"))
                result = self.page.evaluate(
                    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
                )
                violations = [
                    {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
                    for v in result["violations"]
                ]
                self.assertEqual(violations, [], json.dumps(violations, indent=1))

    def test_the_live_preview_uses_the_public_stylesheet_only(self):
        self.log_in("editor", "pw-editor")
        self.page.goto(self.change(self.review))
        item = self.page.locator(".markdown-preview-body li").first
        expect(item).to_have_text("one")
        style = item.evaluate("li => [getComputedStyle(li).listStyleType, getComputedStyle(li.parentNode).marginLeft]")
        self.assertEqual(style[0], "disc")  # bullets, as readers get them
        self.assertNotEqual(style[1], "160px")  # not the admin's .aligned ul indent


class EditorDeskPhoneTests(EditorDeskDesktopTests):
    viewport = {"width": 390, "height": 844}
    label = "phone"
