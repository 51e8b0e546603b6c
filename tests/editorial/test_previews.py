"""Shareable preview links: created and revoked from the report's admin page, read by anyone
with the link, never cached or indexed, and gone cleanly when expired or revoked."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from reports.editorial.actions import previews as preview_actions
from reports.editorial.actions import workflow
from reports.models import PreviewLink, Report
from tests.base import SitrepTestCase
from tests.desk_helpers import ROLE_MATRIX, change_url, log_in_as, make_staff, press
from tests.helpers import make_report, make_series, make_user

Status = Report.Status
FUTURE = timezone.now() + datetime.timedelta(days=3)


def create_url(report):
    return reverse("admin:reports_report_preview_link_create", args=[report.pk])


def revoke_url(link):
    return reverse("admin:reports_report_preview_link_revoke", args=[link.report_id, link.pk])


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class PreviewLinkModelTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_series()
        cls.report = make_report(status=Status.DRAFT)

    def test_tokens_are_long_random_and_distinct(self):
        links = [PreviewLink.objects.create(report=self.report, expires_at=FUTURE) for _ in range(3)]
        tokens = {link.token for link in links}
        self.assertEqual(len(tokens), 3)
        for token in tokens:
            self.assertGreaterEqual(len(token), 40)
            self.assertRegex(token, r"^[A-Za-z0-9_-]+$")

    def test_database_refuses_a_link_that_expires_before_it_is_created(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            PreviewLink.objects.create(report=self.report, expires_at=timezone.now() - datetime.timedelta(seconds=1))

    def test_database_refuses_a_revocation_before_creation(self):
        link = PreviewLink.objects.create(report=self.report, expires_at=FUTURE)
        with self.assertRaises(IntegrityError), transaction.atomic():
            PreviewLink.objects.filter(pk=link.pk).update(revoked_at=link.created_at - datetime.timedelta(minutes=1))

    def test_clean_mirrors_the_database_and_caps_the_lifetime(self):
        now = timezone.now()
        cases = {
            "must expire after it is created": now - datetime.timedelta(minutes=1),
            "30 days at most": now + datetime.timedelta(days=31),
        }
        for message, expires_at in cases.items():
            with self.subTest(message):
                link = PreviewLink(report=self.report, created_at=now, expires_at=expires_at)
                with self.assertRaisesMessage(ValidationError, message):
                    link.full_clean()
        PreviewLink(report=self.report, created_at=now, expires_at=now + datetime.timedelta(days=30)).full_clean()

    def test_state_follows_expiry_and_revocation(self):
        link = PreviewLink.objects.create(report=self.report, expires_at=FUTURE)
        self.assertEqual(link.state, "active")
        link.expires_at = timezone.now()
        self.assertEqual(link.state, "expired")
        link.revoked_at = timezone.now()
        self.assertEqual(link.state, "revoked")


class PreviewLinkAdminTests(SitrepTestCase):
    """Creating and revoking links as people do it: from the report's change page."""

    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.other_writer = make_staff("other", "writer")
        cls.editor = make_user("editor")
        make_series()
        cls.states = {
            "draft": make_report("A draft", status=Status.DRAFT, created_by=cls.writer),
            "review": make_report("In review", status=Status.REVIEW, created_by=cls.writer),
            "scheduled": make_report("Scheduled", published_at=FUTURE, created_by=cls.writer),
            "published": make_report("Published", created_by=cls.writer),
        }

    def test_editor_creates_a_link_that_lasts_seven_days_by_default(self):
        self.client.force_login(self.editor)
        report = self.states["draft"]
        response = press(self.client, change_url(report), "preview-link-form")
        self.assertRedirects(response, change_url(report) + "#preview-links", fetch_redirect_response=False)
        link = report.preview_links.get()
        self.assertEqual(link.created_by, self.editor)
        lifetime = link.expires_at - link.created_at
        self.assertLess(abs(lifetime - datetime.timedelta(days=7)), datetime.timedelta(minutes=2))
        page = self.client.get(response["Location"])
        self.assertContains(page, f"http://testserver{link.get_absolute_url()}")
        self.assertContains(page, "Preview link created")

    def test_an_empty_expiry_means_seven_days(self):
        self.client.force_login(self.editor)
        press(self.client, change_url(self.states["draft"]), "preview-link-form", expires_at="")
        link = PreviewLink.objects.get()
        self.assertLess(
            abs(link.expires_at - link.created_at - PreviewLink.DEFAULT_LIFETIME), datetime.timedelta(seconds=5)
        )

    def test_a_chosen_expiry_time_is_kept(self):
        self.client.force_login(self.writer)
        chosen = (timezone.now() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
        press(self.client, change_url(self.states["review"]), "preview-link-form", expires_at=local_input(chosen))
        self.assertEqual(PreviewLink.objects.get().expires_at, chosen)

    def test_bad_expiry_is_refused_with_a_reason_and_no_link(self):
        now = timezone.now()
        cases = {
            "tomorrow": "is not a date and time",
            local_input(now - datetime.timedelta(hours=1)): "in the future",
            local_input(now + datetime.timedelta(days=45)): "30 days at most",
            "2020-02-30T10:00": "is not a date and time",
        }
        self.client.force_login(self.editor)
        report = self.states["draft"]
        for raw, reason in cases.items():
            with self.subTest(raw):
                response = press(self.client, change_url(report), "preview-link-form", expires_at=raw)
                self.assertEqual(response.status_code, 302)
                page = self.client.get(response["Location"])
                self.assertContains(page, "No preview link was created")
                self.assertContains(page, reason)
                self.assertFalse(PreviewLink.objects.exists())

    def test_create_role_matrix_as_direct_posts_in_every_state(self):
        # (role, state) -> created?  Editors: any unpublished report. Its writer: likewise.
        for role in (*ROLE_MATRIX, "other_writer"):
            user = getattr(self, role, None)
            for state, report in self.states.items():
                with self.subTest(role=role, state=state):
                    log_in_as(self.client, user)
                    response = self.client.post(create_url(report), {"expires_at": ""})
                    created = report.preview_links.filter(created_by=user).exists() if user else False
                    if role == "anonymous":
                        self.assertEqual(response.status_code, 302)
                        self.assertIn(reverse("admin:login"), response["Location"])
                    elif role == "other_writer":
                        self.assertEqual(response.status_code, 403)
                    else:
                        self.assertEqual(response.status_code, 302)
                    self.assertEqual(created, role in ("writer", "editor") and state != "published")
                    if role in ("writer", "editor") and state == "published":
                        page = self.client.get(response["Location"])
                        self.assertContains(page, "already published")
        self.assertFalse(PreviewLink.objects.filter(report=self.states["published"]).exists())

    def test_revoke_role_matrix_as_direct_posts(self):
        report = self.states["draft"]
        for role in (*ROLE_MATRIX, "other_writer"):
            with self.subTest(role=role):
                link = PreviewLink.objects.create(report=report, expires_at=FUTURE, created_by=self.editor)
                log_in_as(self.client, getattr(self, role, None))
                response = self.client.post(revoke_url(link))
                link.refresh_from_db()
                expected_status = {"anonymous": 302, "other_writer": 403}.get(role, 302)
                self.assertEqual(response.status_code, expected_status)
                self.assertEqual(link.is_revoked, role in ("writer", "editor"))

    def test_get_is_not_allowed_on_the_actions(self):
        link = PreviewLink.objects.create(report=self.states["draft"], expires_at=FUTURE)
        self.client.force_login(self.editor)
        for url in (create_url(self.states["draft"]), revoke_url(link)):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(PreviewLink.objects.filter(revoked_at__isnull=False).count(), 0)

    def test_editor_revokes_a_link_from_the_change_page_and_it_stops_working(self):
        report = self.states["scheduled"]
        link = preview_actions.create_link(report, by=self.writer)
        self.assertEqual(self.client.get(link.get_absolute_url()).status_code, 200)
        self.client.force_login(self.editor)
        page = self.client.get(change_url(report))
        self.assertContains(page, revoke_url(link))
        response = self.client.post(revoke_url(link))
        self.assertContains(self.client.get(response["Location"]), "Preview link revoked")
        link.refresh_from_db()
        self.assertEqual((link.revoked_by, link.state), (self.editor, "revoked"))
        self.client.logout()
        self.assertEqual(self.client.get(link.get_absolute_url()).status_code, 404)

    def test_revoking_twice_says_so_and_keeps_the_first_revocation(self):
        link = preview_actions.create_link(self.states["draft"], by=self.editor)
        preview_actions.revoke_link(link, by=self.writer)
        self.client.force_login(self.editor)
        response = self.client.post(revoke_url(link))
        self.assertContains(self.client.get(response["Location"]), "already revoked")
        link.refresh_from_db()
        self.assertEqual(link.revoked_by, self.writer)

    def test_unknown_report_or_link_gives_a_message_not_an_error(self):
        self.client.force_login(self.editor)
        response = self.client.post(reverse("admin:reports_report_preview_link_create", args=[99999]))
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(response["Location"]), "doesn’t exist")
        other = preview_actions.create_link(self.states["review"], by=self.editor)
        wrong_report = reverse("admin:reports_report_preview_link_revoke", args=[self.states["draft"].pk, other.pk])
        response = self.client.post(wrong_report)
        self.assertContains(self.client.get(response["Location"]), "does not exist")
        for path in (f"/admin/reports/report/{'9' * 30}/preview-links/", "/admin/reports/report/²/preview-links/",
                     revoke_url(other).replace(f"/{other.pk}/revoke/", f"/{'9' * 30}/revoke/")):  # fmt: skip
            with self.subTest(path):
                self.assertEqual(self.client.post(path).status_code, 302)
        self.assertFalse(PreviewLink.objects.get(pk=other.pk).is_revoked)

    def test_writer_shares_their_scheduled_report_from_its_read_only_page(self):
        report = self.states["scheduled"]
        self.client.force_login(self.writer)
        page = self.client.get(change_url(report))
        self.assertContains(page, "Create preview link")
        press(self.client, change_url(report), "preview-link-form")
        self.assertEqual(report.preview_links.get().created_by, self.writer)

    def test_change_page_offers_sharing_only_to_those_who_may(self):
        cases = [("writer", "draft", True), ("editor", "published", False), ("other_writer", "draft", False)]
        for role, state, offered in cases:
            with self.subTest(role=role, state=state):
                log_in_as(self.client, getattr(self, role))
                page = self.client.get(change_url(self.states[state]))
                self.assertEqual(page.status_code, 200)
                (self.assertContains if offered else self.assertNotContains)(page, 'id="preview-link-form"')

    def test_change_page_lists_links_with_their_state(self):
        report = self.states["draft"]
        active = preview_actions.create_link(report, by=self.editor)
        revoked = preview_actions.revoke_link(preview_actions.create_link(report, by=self.writer), by=self.editor)
        expired = PreviewLink.objects.create(report=report, expires_at=FUTURE)
        PreviewLink.objects.filter(pk=expired.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=8),
            expires_at=timezone.now() - datetime.timedelta(days=1),
        )
        self.client.force_login(self.writer)
        html = self.client.get(change_url(report)).content.decode()
        rows = re.findall(r'<tr class="preview-link preview-link-(\w+)">', html)
        self.assertEqual(sorted(rows), ["active", "expired", "revoked"])
        self.assertIn(active.token, html)
        self.assertNotIn(revoked.token, html)  # a dead address is not offered for copying
        self.assertNotIn(expired.token, html)


class PreviewPageTests(SitrepTestCase):
    """What someone with the link sees."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        series = make_series()
        cls.previous = make_report(
            "Iraq Situation Report: June 17-23, 2020", series=series, start=(2020, 6, 17), end=(2020, 6, 23)
        )
        cls.report = make_report(
            "Iraq Situation Report: June 24-30, 2020",
            status=Status.DRAFT,
            body="## Rockets\n\nThree rockets hit [the airport](https://example.org).",
            summary="Kata’ib Hezbollah escalated.",
            tags=["Baghdad"],
        )
        cls.link = preview_actions.create_link(cls.report, by=cls.editor)

    def test_anyone_with_the_link_sees_the_report_marked_as_a_preview(self):
        response = self.client.get(self.link.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "reports/report_detail.html")
        self.assertContains(response, "<h1>Iraq Situation Report: June 24-30, 2020</h1>", html=True)
        self.assertContains(response, "<h2>Rockets</h2>", html=True)
        self.assertContains(response, "Kata’ib Hezbollah escalated.")
        self.assertContains(response, 'href="/?tag=baghdad"')
        self.assertContains(response, f'rel="prev" href="{self.previous.get_absolute_url()}"')
        self.assertContains(response, "<strong>Preview</strong>")
        self.assertContains(response, "This preview link works until")

    def test_preview_is_never_cached_nor_indexed(self):
        response = self.client.get(self.link.get_absolute_url())
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertNotContains(response, 'rel="canonical"')

    def test_staff_and_anonymous_readers_get_the_same_page(self):
        anonymous = self.client.get(self.link.get_absolute_url()).content
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(self.link.get_absolute_url()).content, anonymous)

    def test_preview_shows_what_readers_will_see_once_published(self):
        preview = self.client.get(self.link.get_absolute_url()).content.decode()
        workflow.publish(self.report, by=self.editor)
        public = self.client.get(self.report.get_absolute_url()).content.decode()
        for part in (
            r'<section class="key-takeaways".*?</section>',
            r'<div class="body">.*?</div>',
            r'<nav class="series-nav".*?</nav>',
        ):
            with self.subTest(part):
                self.assertEqual(re.search(part, preview, re.S).group(0), re.search(part, public, re.S).group(0))

    def test_once_the_report_is_public_the_link_leads_to_the_public_page(self):
        workflow.publish(self.report, by=self.editor)
        response = self.client.get(self.link.get_absolute_url())
        self.assertRedirects(response, self.report.get_absolute_url())
        self.assertIn("no-store", response["Cache-Control"])

    def test_a_scheduled_report_is_still_previewed_until_its_time(self):
        workflow.publish(self.report, by=self.editor, at=FUTURE)
        response = self.client.get(self.link.get_absolute_url())
        self.assertContains(response, "goes live")

    def test_expired_link_gets_a_clear_410_page(self):
        PreviewLink.objects.filter(pk=self.link.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=7),
            expires_at=timezone.now() - datetime.timedelta(seconds=1),
        )
        response = self.client.get(self.link.get_absolute_url())
        self.assertContains(response, "This preview has expired", status_code=410)
        self.assertNotContains(response, "Rockets", status_code=410)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")

    def test_revoked_unknown_or_tampered_links_get_a_clear_404_page(self):
        revoked = preview_actions.revoke_link(preview_actions.create_link(self.report, by=self.editor), by=self.editor)
        token = self.link.token
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        for label, path in {
            "revoked": revoked.get_absolute_url(),
            "tampered": reverse("reports:preview", args=[tampered]),
            "unknown": reverse("reports:preview", args=["not-a-token"]),
            "very long": reverse("reports:preview", args=["x" * 500]),
            "a NUL byte": "/preview/ab%00cd/",
            "not ASCII": "/preview/%C2%B2/",
        }.items():
            with self.subTest(label):
                response = self.client.get(path)
                self.assertContains(response, "This preview is not available", status_code=404)
                self.assertNotContains(response, "Rockets", status_code=404)
                self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")

    def test_a_deleted_report_takes_its_links_with_it(self):
        url = self.link.get_absolute_url()
        Report.objects.filter(pk=self.report.pk).delete()
        self.assertContains(self.client.get(url), "This preview is not available", status_code=404)
