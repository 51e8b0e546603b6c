"""The admin's own Python strings follow the editor's language: an editor who asks for Arabic (the
language cookie or Accept-Language) gets the report list's columns, filters and actions, the change
form's fields and buttons, and the workflow's refusals in Arabic; one who does not, in English.

The Arabic is the catalogue's (locale/ar/LC_MESSAGES/django.po, compiled)."""

from django.conf import settings
from django.urls import reverse

from reports.models import Report
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_user

CHANGE_LIST = reverse("admin:reports_report_changelist")
QUEUE = reverse("admin:reports_report_review_queue")


class AdminInArabicTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.draft = make_report("Iraq Situation Report: July 1-7, 2020", status=Report.Status.DRAFT)
        cls.in_review = make_report("Iraq Situation Report: July 8-14, 2020", status=Report.Status.REVIEW)

    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)

    def in_arabic(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    def test_the_report_list_speaks_arabic_to_an_editor_who_asks_for_it(self):
        self.in_arabic()
        response = self.client.get(CHANGE_LIST)
        self.assertEqual(response.status_code, 200)
        for arabic in ("العنوان", "الفترة", "آخر تحديث", "الوسوم", "مسودة", "قيد المراجعة", "مجدول"):
            self.assertContains(response, arabic)
        self.assertContains(response, "تصدير التقارير المحددة بصيغة CSV")
        self.assertNotContains(response, "Export selected reports as CSV")

    def test_the_change_form_s_fields_buttons_and_status_are_in_arabic(self):
        response = self.client.get(
            reverse("admin:reports_report_change", args=[self.in_review.pk]), HTTP_ACCEPT_LANGUAGE="ar"
        )
        self.assertEqual(response.status_code, 200)
        for arabic in ("قيد المراجعة", "موعد النشر", "ملاحظة إلى الكاتب", "رسالة المراجعة", "نشر", "طلب تعديلات"):
            self.assertContains(response, arabic)
        self.assertContains(response, "اتركه فارغًا للنشر الآن. تحديد تاريخ ووقت في المستقبل يجدول التقرير.")
        self.assertNotContains(response, "Required when you request changes; the writer sees it on the report.")

    def test_a_refusal_from_the_review_queue_is_said_in_arabic(self):
        self.in_arabic()
        response = self.client.post(
            reverse("admin:reports_report_review_queue_act", args=[self.in_review.pk]),
            {"_transition": "request_changes", "workflow_note": "", "seen": self.in_review.updated_at.isoformat()},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "اذكر ما يجب تغييره: الملاحظة مطلوبة.", status_code=400)
        self.assertContains(response, "قائمة المراجعة", status_code=400)

    def test_an_editor_who_asks_for_nothing_gets_the_english(self):
        response = self.client.get(CHANGE_LIST)
        self.assertContains(response, "Export selected reports as CSV")
        self.assertNotContains(response, "تصدير التقارير المحددة بصيغة CSV")
