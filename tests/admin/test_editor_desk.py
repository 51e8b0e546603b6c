"""The editor's desk through plain requests (no JavaScript): safe scheduling on the change form,
acting from the review queue, the dashboard, and the noise that is gone."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from reports.editorial.actions import workflow
from reports.models import Report
from tests.base import SitrepTestCase
from tests.desk_helpers import change_url
from tests.helpers import form_fields, make_report, make_series, make_user, submit

Status = Report.Status
QUEUE_URL = reverse("admin:reports_report_review_queue")


def act_url(report):
    return reverse("admin:reports_report_review_queue_act", args=[report.pk])


class DeskTestCase(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_series()
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")

    def scheduled(self, days=3):
        report = make_report("Scheduled one", status=Status.DRAFT)
        at = (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)
        workflow.publish(report, by=self.editor, at=at)
        return report, at


class SchedulingTests(DeskTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)

    def test_a_scheduled_report_shows_its_go_live_time_and_pressing_publish_keeps_it(self):
        report, at = self.scheduled()
        page = self.client.get(change_url(report))
        local = timezone.localtime(at)
        fields = form_fields(page)
        self.assertEqual(fields["publish_at_0"], [f"{local:%Y-%m-%d}"])
        self.assertEqual(fields["publish_at_1"], [f"{local:%H:%M:%S}"])
        self.assertContains(page, "Scheduled</span>")
        self.assertContains(page, " UTC")
        for label in ("Reschedule", "Publish now", "Unschedule"):
            self.assertContains(page, f">{label}</button>")
        self.assertNotContains(page, ">Publish</button>")
        self.assertNotContains(page, ">Unpublish</button>")
        # The form as shown, with the old "publish" button: the schedule is kept.
        self.assertEqual(submit(self.client, change_url(report), button=("_transition", "publish")).status_code, 302)
        report.refresh_from_db()
        self.assertEqual((report.published_at, report.is_scheduled), (at, True))

    def test_publishing_a_scheduled_report_now_asks_first_and_keeps_the_typed_text(self):
        report, _ = self.scheduled()
        for button, fields in (("publish_now", {}), ("publish", {"publish_at_0": "", "publish_at_1": ""})):
            with self.subTest(button=button):
                response = submit(
                    self.client, change_url(report), button=("_transition", button), summary="Typed.", **fields
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Yes, publish now")
                self.assertContains(response, "before its embargo ends")
                self.assertContains(response, "Typed.")
                report.refresh_from_db()
                self.assertTrue(report.is_scheduled)
        response = submit(self.client, change_url(report), button=("_transition", "publish_now_confirmed"))
        self.assertEqual(response.status_code, 302)
        report.refresh_from_db()
        self.assertTrue(report.is_public)

    def test_reschedule_needs_a_time_in_the_future(self):
        report, at = self.scheduled()
        empty = submit(self.client, change_url(report), button=("_transition", "reschedule"),
                       publish_at_0="", publish_at_1="")  # fmt: skip
        self.assertContains(empty, "Choose the date and time it should go live.")
        past = submit(self.client, change_url(report), button=("_transition", "reschedule"),
                      publish_at_0="2020-01-01", publish_at_1="10:00")  # fmt: skip
        self.assertContains(past, "Choose a time in the future")
        self.assertContains(past, 'href="#id_publish_at_0"')  # the summary leads to the field
        later = timezone.localtime(at + datetime.timedelta(days=1))
        submit(self.client, change_url(report), button=("_transition", "reschedule"),
               publish_at_0=f"{later:%Y-%m-%d}", publish_at_1=f"{later:%H:%M}")  # fmt: skip
        report.refresh_from_db()
        self.assertEqual(report.published_at, at + datetime.timedelta(days=1))

    def test_unschedule_goes_through_unpublish_and_only_for_a_scheduled_report(self):
        report, _ = self.scheduled()
        submit(self.client, change_url(report), button=("_transition", "unschedule"))
        report.refresh_from_db()
        self.assertEqual((report.status, report.published_at, report.first_published_at), (Status.DRAFT, None, None))
        live = make_report("Live one")
        refused = submit(self.client, change_url(live), button=("_transition", "unschedule"))
        self.assertContains(refused, "This report is not scheduled")
        self.assertTrue(Report.objects.get(pk=live.pk).is_public)

    def test_writers_cannot_use_the_new_buttons_either(self):
        report = make_report("Draft", status=Status.DRAFT)
        self.client.force_login(self.writer)
        for button in ("publish_now", "publish_now_confirmed", "reschedule", "unschedule"):
            with self.subTest(button=button):
                response = submit(self.client, change_url(report), button=("_transition", button),
                                  publish_at_0="2099-01-01", publish_at_1="10:00")  # fmt: skip
                self.assertEqual(response.status_code, 200)
                self.assertEqual(Report.objects.get(pk=report.pk).status, Status.DRAFT)

    def test_published_at_does_not_show_a_future_time_as_past(self):
        report, _ = self.scheduled()
        page = self.client.get(change_url(report))
        self.assertContains(page, "Not yet: scheduled for")


class QueueActionTests(DeskTestCase):
    def setUp(self):
        super().setUp()
        self.report = make_report("Waiting", status=Status.DRAFT, created_by=self.writer)
        workflow.submit_for_review(self.report, by=self.writer)
        self.client.force_login(self.editor)

    def seen(self):
        return Report.objects.get(pk=self.report.pk).updated_at.isoformat()

    def test_the_queue_offers_preview_compare_publish_and_request_changes_as_plain_forms(self):
        page = self.client.get(QUEUE_URL)
        self.assertContains(page, f'href="{self.report.get_absolute_url()}"')
        self.assertContains(page, f'action="{act_url(self.report)}"', count=2)
        for form in re.findall(rf'<form[^>]*action="{act_url(self.report)}".*?</form>', page.content.decode(), re.S):
            self.assertIn("csrfmiddlewaretoken", form)
        self.assertContains(page, 'name="workflow_note"')

    def test_publish_from_the_queue(self):
        response = self.client.post(act_url(self.report), {"_transition": "publish", "seen": self.seen()})
        self.assertRedirects(response, QUEUE_URL, fetch_redirect_response=False)
        self.assertTrue(Report.objects.get(pk=self.report.pk).is_public)

    def test_request_changes_needs_the_note_and_keeps_it_when_refused(self):
        empty = self.client.post(act_url(self.report), {"_transition": "request_changes", "seen": self.seen(),
                                                        "workflow_note": "  "})  # fmt: skip
        self.assertEqual(empty.status_code, 400)
        self.assertContains(empty, "the note is required", status_code=400)
        stale = self.client.post(act_url(self.report), {"_transition": "request_changes", "seen": "yesterday",
                                                        "workflow_note": "Typed by the editor."})  # fmt: skip
        self.assertEqual(stale.status_code, 409)
        self.assertContains(stale, "Typed by the editor.", status_code=409)
        self.assertContains(stale, "changed this report after you opened the queue", status_code=409)
        done = self.client.post(act_url(self.report), {"_transition": "request_changes", "seen": self.seen(),
                                                       "workflow_note": "Sources, please."})  # fmt: skip
        self.assertEqual(done.status_code, 302)
        report = Report.objects.get(pk=self.report.pk)
        self.assertEqual(report.status, Status.DRAFT)
        self.assertEqual(workflow.latest_change_request(report).note, "Sources, please.")

    def test_bad_requests_are_refused_with_a_clear_status(self):
        seen = self.seen()
        cases = [
            ({"_transition": "unpublish", "seen": seen}, 400),
            ({"_transition": "", "seen": seen}, 400),
        ]
        for data, status in cases:
            with self.subTest(data=data):
                self.assertEqual(self.client.post(act_url(self.report), data).status_code, status)
        missing = reverse("admin:reports_report_review_queue_act", args=[999999])
        self.assertEqual(self.client.post(missing, {"_transition": "publish"}).status_code, 404)
        self.assertEqual(self.client.get(act_url(self.report)).status_code, 405)
        workflow.publish(Report.objects.get(pk=self.report.pk), by=self.editor)
        again = self.client.post(act_url(self.report), {"_transition": "publish", "seen": self.seen()})
        self.assertEqual(again.status_code, 409)
        self.assertContains(again, "already published", status_code=409)

    def test_writers_and_anonymous_visitors_cannot_act(self):
        self.client.force_login(self.writer)
        response = self.client.post(act_url(self.report), {"_transition": "publish", "seen": self.seen()})
        self.assertEqual(response.status_code, 403)
        self.client.logout()
        response = self.client.post(act_url(self.report), {"_transition": "publish", "seen": self.seen()})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])
        self.assertEqual(Report.objects.get(pk=self.report.pk).status, Status.REVIEW)

    def test_compare_with_live_goes_to_the_comparison_or_says_it_is_the_same(self):
        url = reverse("admin:reports_report_review_queue_compare", args=[self.report.pk])
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.get(reverse("admin:reports_report_review_queue_compare",
                                                 args=[999999])).status_code, 404)  # fmt: skip


class DashboardAndNoiseTests(DeskTestCase):
    def test_the_home_page_is_a_dashboard_with_tags_under_situation_reports(self):
        waiting = make_report("Waiting one", status=Status.DRAFT, created_by=self.writer)
        workflow.submit_for_review(waiting, by=self.writer)
        self.scheduled(days=2)
        self.client.force_login(self.editor)
        page = self.client.get(reverse("admin:index"))
        for text in ("Waiting for review", "Waiting one", "Scheduled this week", "Scheduled one",
                     "Returned to you", "Missing weeks in", "Review queue (1 waiting)"):  # fmt: skip
            self.assertContains(page, text)
        apps = page.context["app_list"]
        self.assertEqual([app["app_label"] for app in apps if app["app_label"] in ("reports", "taggit")], ["reports"])
        reports_app = next(app for app in apps if app["app_label"] == "reports")
        self.assertIn("Tag", [model["object_name"] for model in reports_app["models"]])
        self.assertEqual(self.client.get(reverse("admin:taggit_tag_changelist")).status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:app_list", args=["taggit"])).status_code, 200)

    def test_a_new_report_has_no_empty_boxes_and_the_slug_help_names_a_real_address(self):
        self.client.force_login(self.writer)
        page = self.client.get(reverse("admin:reports_report_add"))
        self.assertNotContains(page, "Workflow history")
        self.assertNotContains(page, ">Publication<")
        self.assertContains(page, "/reports/your-slug/")
        self.assertNotContains(page, "/reports//")
        report = make_report("Live")
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(change_url(report)), report.get_absolute_url() + " Proposed")

    def test_delete_is_offered_only_where_it_can_succeed(self):
        report = make_report("With a trail", status=Status.DRAFT)
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(change_url(report)), "deletelink")  # no trail yet: it can go
        workflow.submit_for_review(report, by=self.editor)
        self.assertNotContains(self.client.get(change_url(report)), "deletelink")

    def test_the_time_inputs_have_labels(self):
        self.client.force_login(self.editor)
        page = self.client.get(change_url(make_report("In review", status=Status.REVIEW)))
        self.assertContains(page, '<label for="id_publish_at_0">Date</label>')
        self.assertContains(page, '<label for="id_publish_at_1">Time (UTC)</label>')

    def test_the_preview_stylesheet_is_the_public_one_for_a_shadow_root(self):
        self.client.force_login(self.writer)
        response = self.client.get(reverse("admin:reports_report_preview_stylesheet"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/css; charset=utf-8")
        css = response.content.decode()
        self.assertIn(":host {", css)
        self.assertNotIn(":root", css)
        page = self.client.get(change_url(make_report("Draft", status=Status.DRAFT, body="- one")))
        self.assertContains(page, '<template shadowrootmode="open">')

    def test_tag_pages_say_situation_reports_not_taggit(self):
        from taggit.models import Tag

        tag = Tag.objects.create(name="Baghdad", slug="baghdad")
        self.client.force_login(self.editor)
        for url in (reverse("admin:taggit_tag_changelist"), reverse("admin:taggit_tag_change", args=[tag.pk])):
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertContains(page, "Situation reports")
                self.assertNotContains(page, "Taggit")
