import datetime
from unittest import mock

from axes.models import AccessAttempt
from django.db import OperationalError
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user

PUBLIC_PAGES = ["/", "/tags/", "/feeds/atom/", "/sitemap.xml", "/robots.txt", "/reports/nope/"]


class SecurityHeaderTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.report = make_report(tags=["Iran"])
        cls.editor = make_user("editor")

    def test_every_page_sends_a_policy_that_allows_no_inline_script(self):
        self.client.force_login(self.editor)
        pages = [*PUBLIC_PAGES, self.report.get_absolute_url(), "/admin/", "/admin/reports/report/add/"]
        for path in pages:
            with self.subTest(path):
                response = self.client.get(path)
                policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
                self.assertEqual(policy["script-src"], "'self'")
                self.assertEqual(policy["default-src"], "'self'")
                self.assertEqual(policy["frame-ancestors"], "'none'")
                self.assertNotIn("unsafe", response["Content-Security-Policy"])
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertIn("camera=()", response["Permissions-Policy"])


class DatabaseOutageTests(SitrepTestCase):
    def test_public_pages_answer_503_with_a_short_page_when_the_database_is_gone(self):
        outage = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
        # Every query fails, as they do when the server is gone (a query compiled earlier in the
        # process, reports.caching.compiled, builds no queryset that a mock of published() could stop).
        with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=outage):
            for path in ("/", "/tags/", "/feeds/rss/", "/reports/any-report/"):
                with self.subTest(path), self.assertLogs("sitrep.middleware", "ERROR"):
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 503)
                    self.assertEqual(response["Retry-After"], "30")
                    self.assertContains(response, "Temporarily unavailable", status_code=503)
                    self.assertNotContains(response, "Traceback", status_code=503)
                    self.assertNotContains(response, "5432", status_code=503)
        self.assertEqual(self.client.get("/").status_code, 200)  # and it recovers by itself

    def test_other_errors_are_not_mistaken_for_an_outage(self):
        with mock.patch("reports.models.ReportQuerySet.published", side_effect=ValueError("bug")):
            with self.assertRaises(ValueError):
                self.client.get("/")


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=datetime.timedelta(minutes=15))
class LoginThrottlingTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def attempt(self, password, address="203.0.113.7"):
        return self.client.post(
            reverse("admin:login"),
            {"username": "editor", "password": password, "next": "/admin/"},
            REMOTE_ADDR=address,
        )

    def test_too_many_failures_from_one_address_are_refused_for_a_while(self):
        for _ in range(2):
            self.assertContains(self.attempt("wrong"), "Please enter the correct username and password")
        locked = self.attempt("wrong")
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "Too many failed log-ins", status_code=429)
        # Even the right password is refused from that address until the cool-off ends...
        self.assertEqual(self.attempt("pw-editor").status_code, 429)
        # ...while another address is not affected.
        self.assertRedirects(self.attempt("pw-editor", address="198.51.100.9"), "/admin/")
        # Sixteen minutes later the address may try again.
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=16))
        self.assertRedirects(self.attempt("pw-editor"), "/admin/")

    def test_a_successful_login_resets_the_count(self):
        self.attempt("wrong")
        self.attempt("wrong")
        self.assertRedirects(self.attempt("pw-editor"), "/admin/")
        self.client.logout()
        self.assertFalse(AccessAttempt.objects.filter(ip_address="203.0.113.7").exists())
        self.assertContains(self.attempt("wrong"), "Please enter the correct username and password")
