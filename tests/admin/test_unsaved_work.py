from django.test import Client
from django.urls import reverse

from reports.models import Report
from tests.base import SitrepTestCase
from tests.helpers import form_fields, make_report, make_series, make_user


class ExpiredSessionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.series = make_series()
        cls.report = make_report(status=Report.Status.DRAFT, summary="Original summary.")

    def expire_session(self):
        self.client.cookies.pop("sessionid")  # what an expired session looks like to the server

    def log_in_again(self, next_url):
        return self.client.post(
            reverse("admin:login") + f"?next={next_url}",
            {"username": "writer", "password": "pw-writer", "next": next_url},
        )

    def test_edits_posted_after_the_session_expired_come_back_after_logging_in(self):
        url = reverse("admin:reports_report_change", args=[self.report.pk])
        self.client.force_login(self.writer)
        data = form_fields(self.client.get(url))
        data["summary"] = ["Two hours of careful work."]
        self.expire_session()

        response = self.client.post(url, data)
        self.assertRedirects(response, reverse("admin:login") + f"?next={url}", fetch_redirect_response=False)
        login_page = self.client.get(response["Location"])
        self.assertContains(login_page, "Your session expired before your changes were saved")
        self.assertEqual(Report.objects.get(pk=self.report.pk).summary, "Original summary.")  # nothing saved yet

        self.assertRedirects(self.log_in_again(url), url, fetch_redirect_response=False)
        restored = self.client.get(url)
        self.assertContains(restored, "Two hours of careful work.")
        self.assertContains(restored, "This is the input you had not saved")
        self.assertEqual(Report.objects.get(pk=self.report.pk).summary, "Original summary.")

        # Saving it is an ordinary save, and the kept input is used only once.
        self.client.post(url, form_fields(restored))
        self.assertEqual(Report.objects.get(pk=self.report.pk).summary, "Two hours of careful work.")
        self.assertNotContains(self.client.get(url), "This is the input you had not saved")

    def test_a_new_report_posted_after_expiry_is_kept_too(self):
        url = reverse("admin:reports_report_add")
        self.client.force_login(self.writer)
        data = form_fields(self.client.get(url))
        data.update(title=["Unsaved new report"], summary=["Fresh takeaways."], series=[str(self.series.pk)])
        self.expire_session()
        self.client.post(url, data)
        self.log_in_again(url)
        self.assertContains(self.client.get(url), "Fresh takeaways.")
        self.assertFalse(Report.objects.filter(title="Unsaved new report").exists())

    def test_a_forged_cross_site_post_keeps_nothing(self):
        url = reverse("admin:reports_report_change", args=[self.report.pk])
        forger = Client(enforce_csrf_checks=True)
        response = forger.post(url, {"summary": "Injected"})
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("unsaved_admin_forms", forger.session.keys())
