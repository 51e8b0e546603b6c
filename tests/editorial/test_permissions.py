"""Every role against every admin and workflow action, sent as direct requests (no buttons)."""

import datetime

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from reports.editorial import concurrency
from reports.models import Report, Series
from tests.base import SitrepTestCase
from tests.helpers import form_fields, make_report, make_series, make_user

Status = Report.Status
ROLES = ("anonymous", "writer", "editor", "superuser")


def report_form(report=None, series=None, **changes):
    """The fields of the report change form, as a browser would send them."""
    data = {
        "series": str(report.series_id if report else series.pk),
        "title": report.title if report else "New report",
        "slug": report.slug if report else "new-report",
        "period_start": str(report.period_start) if report else "2020-07-01",
        "period_end": str(report.period_end) if report else "2020-07-07",
        "summary": report.summary if report else "Takeaways.",
        "body": "",
        "tags": "",
        "edit_token": concurrency.token_for(report) if report else "",
        "revision_message": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "0",
    }
    # The bylines inline, as the page sends it: one empty row (left alone) and its template.
    data |= {"bylines-TOTAL_FORMS": "1", "bylines-INITIAL_FORMS": "0", "bylines-MIN_NUM_FORMS": "0"}
    data |= {"bylines-MAX_NUM_FORMS": "1000", "bylines-0-id": "", "bylines-0-position": "0"}
    data |= {"bylines-0-report": str(report.pk) if report else "", "bylines-__prefix__-position": "0"}
    data |= {"bylines-__prefix__-id": "", "bylines-__prefix__-report": str(report.pk) if report else ""}
    # The figures inline: no row sent (its fields are on the page, TOTAL_FORMS says none is posted).
    data |= {"figures-TOTAL_FORMS": "0", "figures-INITIAL_FORMS": "0", "figures-MIN_NUM_FORMS": "0"}
    data |= {"figures-MAX_NUM_FORMS": "1000"}
    for row in ("0", "__prefix__"):
        data |= {f"figures-{row}-{name}": "" for name in ("id", "alt_text", "caption", "credit", "long_description")}
        data |= {f"figures-{row}-position": "", f"figures-{row}-report": str(report.pk) if report else ""}
    return data | changes


class PermissionMatrixTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {
            "writer": make_user("writer"),
            "editor": make_user("editor"),
            "superuser": get_user_model().objects.create_superuser("root", password="pw-root"),
        }
        cls.series = make_series()

    def as_role(self, role):
        self.client.logout()
        if role != "anonymous":
            self.client.force_login(self.users[role])

    def assertRefusedForAnonymous(self, response):
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])

    def test_workflow_transitions_sent_directly(self):
        future = timezone.now() + datetime.timedelta(days=1)
        # transition, starting state, roles that may do it, state afterwards
        cases = [
            ("submit_for_review", Status.DRAFT, {"writer", "editor", "superuser"}, Status.REVIEW),
            ("publish", Status.REVIEW, {"editor", "superuser"}, Status.PUBLISHED),
            ("publish", Status.DRAFT, {"editor", "superuser"}, Status.PUBLISHED),
            ("request_changes", Status.REVIEW, {"editor", "superuser"}, Status.DRAFT),
            ("unpublish", Status.PUBLISHED, {"editor", "superuser"}, Status.DRAFT),
            ("unpublish", "scheduled", {"editor", "superuser"}, Status.DRAFT),
        ]
        for transition, state, allowed, after in cases:
            for role in ROLES:
                with self.subTest(transition=transition, state=state, role=role):
                    if state == "scheduled":
                        report = make_report(status=Status.PUBLISHED, published_at=future)
                    else:
                        report = make_report(status=state)
                    before = report.status
                    self.as_role(role)
                    data = report_form(report, _transition=transition, workflow_note="Please fix.")
                    response = self.client.post(reverse("admin:reports_report_change", args=[report.pk]), data)
                    report.refresh_from_db()
                    if role == "anonymous":
                        self.assertRefusedForAnonymous(response)
                    if role in allowed:
                        self.assertEqual(response.status_code, 302, response.content[:2000])
                        self.assertEqual(report.status, after)
                    else:
                        self.assertIn(response.status_code, (200, 302, 403))
                        self.assertEqual(report.status, before)
                        if response.status_code == 200:
                            self.assertContains(response, "Only editors can")

    def test_admin_pages_and_edits(self):
        draft = make_report(status=Status.DRAFT, title="A draft")
        published = make_report(status=Status.PUBLISHED, title="Live")
        tag = Tag.objects.create(name="Doomed", slug="doomed")
        url = reverse
        # (label, method, url, data, roles that may, check that the action happened)
        cases = [
            ("report list", "get", url("admin:reports_report_changelist"), None, {"writer", "editor", "superuser"}),
            ("report add form", "get", url("admin:reports_report_add"), None, {"writer", "editor", "superuser"}),
            ("edit a draft", "post", url("admin:reports_report_change", args=[draft.pk]),
             lambda role: report_form(Report.objects.get(pk=draft.pk), summary=f"Edited by {role}"),
             {"writer", "editor", "superuser"}),
            ("edit a published report", "post", url("admin:reports_report_change", args=[published.pk]),
             lambda role: report_form(Report.objects.get(pk=published.pk), summary=f"Edited by {role}",
                                      correction_note="Corrected the summary."),
             {"editor", "superuser"}),
            ("series list", "get", url("admin:reports_series_changelist"), None, {"writer", "editor", "superuser"}),
            ("add a series", "post", url("admin:reports_series_add"),
             lambda role: {"name": f"New {role}", "slug": f"new-{role}", "description": ""}, {"editor", "superuser"}),
            ("delete a tag", "post", url("admin:taggit_tag_delete", args=[tag.pk]), {"post": "yes"},
             {"editor", "superuser"}),
            ("user admin", "get", url("admin:auth_user_changelist"), None, {"superuser"}),
            ("group admin", "get", url("admin:auth_group_changelist"), None, {"superuser"}),
        ]  # fmt: skip
        for label, method, path, data, allowed in cases:
            for role in ROLES:
                with self.subTest(label, role=role):
                    self.as_role(role)
                    response = getattr(self.client, method)(path, data(role) if callable(data) else data)
                    if role == "anonymous":
                        self.assertRefusedForAnonymous(response)
                    elif role in allowed:
                        self.assertIn(response.status_code, (200, 302))
                        if method == "post":
                            self.assertEqual(response.status_code, 302, label)
                    else:
                        self.assertEqual(response.status_code, 403, label)
        self.assertFalse(Tag.objects.filter(pk=tag.pk).exists())
        self.assertEqual(Report.objects.get(pk=published.pk).summary, "Edited by superuser")
        self.assertEqual(sorted(Series.objects.filter(slug__startswith="new-").values_list("slug", flat=True)),
                         ["new-editor", "new-superuser"])  # fmt: skip

    def test_deleting_reports(self):
        for role in ROLES:
            with self.subTest(role=role):
                report = make_report(status=Status.DRAFT)
                self.as_role(role)
                response = self.client.post(reverse("admin:reports_report_delete", args=[report.pk]), {"post": "yes"})
                exists = Report.objects.filter(pk=report.pk).exists()
                if role in ("editor", "superuser"):
                    self.assertEqual((response.status_code, exists), (302, False))
                elif role == "anonymous":
                    self.assertRefusedForAnonymous(response)
                    self.assertTrue(exists)
                else:
                    self.assertEqual((response.status_code, exists), (403, True))

    def test_a_form_read_from_the_page_posts_back_cleanly(self):
        # report_form() must match the real form, or the matrix above would test the wrong thing.
        report = make_report(status=Status.DRAFT)
        self.as_role("editor")
        page = self.client.get(reverse("admin:reports_report_change", args=[report.pk]))
        real = {
            k
            for k in form_fields(page)
            if not k.startswith(("csrf", "publish_at", "workflow_note", "correction_note", "_"))
        }
        self.assertEqual(real, set(report_form(report)))


class ForgedSelectionTests(SitrepTestCase):
    def test_a_forged_change_list_selection_gets_a_message_not_a_server_error(self):
        report = make_report(status=Status.DRAFT)
        tag = Tag.objects.create(name="Kept", slug="kept")
        self.client.force_login(make_user("editor"))
        # (Editors may not delete series, so that list offers no action to forge.)
        for url in (reverse("admin:reports_report_changelist"), reverse("admin:taggit_tag_changelist")):
            with self.subTest(url):
                data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: ["abc", "1'; DROP"], "index": "0"}
                response = self.client.post(url, data, follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "That selection could not be read")
        self.assertTrue(Report.objects.filter(pk=report.pk).exists())
        self.assertTrue(Tag.objects.filter(pk=tag.pk).exists())
