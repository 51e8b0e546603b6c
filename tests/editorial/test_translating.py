"""The Translate action: a linked draft in the other language, audited, signalled and refused
when it is not allowed (issue 17)."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.editorial import signals
from reports.editorial.actions import translating
from reports.editorial.actions.base import ActionRefused
from reports.editorial.revisions import history
from reports.models import Author, Report, ReportEvent
from tests.base import SitrepTestCase
from tests.helpers import ROLES, make_report, make_user


class TranslateActionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.original = make_report("Iraq Situation Report: June 24-30, 2020", slug="iraq-june", tags=["Iran", "Basra"])

    def test_translation_is_a_linked_arabic_draft_with_series_period_and_tags_copied(self):
        heard = []
        signals.report_translated.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="heard")
        self.addCleanup(signals.report_translated.disconnect, dispatch_uid="heard")
        with self.captureOnCommitCallbacks(execute=True):
            translation = translating.translate(self.original, by=self.writer)
        translation.refresh_from_db()
        self.assertEqual(translation.language, "ar")
        self.assertEqual(translation.status, Report.Status.DRAFT)
        self.assertEqual(translation.translation_key, self.original.translation_key)
        self.assertEqual(translation.slug, "iraq-june-ar")
        self.assertEqual(translation.series_id, self.original.series_id)
        self.assertEqual((translation.period_start, translation.period_end),
                         (self.original.period_start, self.original.period_end))  # fmt: skip
        self.assertEqual(sorted(t.name for t in translation.tags.all()), ["Basra", "Iran"])
        self.assertIsNotNone(translation.source_version_at)
        self.assertTrue(translation.is_translation)
        self.assertFalse(self.original.is_translation)
        event = translation.events.get()
        self.assertEqual(event.action, ReportEvent.Action.CREATE)
        self.assertIn("Translation into Arabic", event.note)
        self.assertEqual(event.actor, self.writer)
        self.assertEqual(len(history(translation)), 1)
        self.assertEqual(len(heard), 1)
        self.assertEqual(heard[0]["original"].pk, self.original.pk)
        self.assertEqual(heard[0]["report"].pk, translation.pk)

    def test_a_second_translation_into_the_same_language_is_refused(self):
        translating.translate(self.original, by=self.writer)
        with self.assertRaisesMessage(ActionRefused, "already has a translation in Arabic"):
            translating.translate(self.original, by=self.writer)
        self.assertEqual(Report.objects.filter(translation_key=self.original.translation_key).count(), 2)

    def test_a_translation_into_its_own_language_is_refused(self):
        with self.assertRaisesMessage(ActionRefused, "another language"):
            translating.translate(self.original, by=self.writer, language="en")

    def test_someone_who_may_not_write_reports_may_not_translate(self):
        reader = get_user_model().objects.create_user("reader", password="pw-reader", is_staff=True)
        with self.assertRaises(ActionRefused):
            translating.translate(self.original, by=reader)
        self.assertFalse(Report.objects.filter(language="ar").exists())

    def test_the_database_keeps_one_report_per_language_in_a_group(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_report("Copy", slug="copy", translation_key=self.original.translation_key)

    def test_the_figures_hook_runs_inside_the_action(self):
        copied = []
        translating.COPIERS.append(lambda original, translation: copied.append((original.pk, translation.language)))
        self.addCleanup(translating.COPIERS.pop)
        translating.translate(self.original, by=self.writer)
        self.assertEqual(copied, [(self.original.pk, "ar")])


class TranslateAdminActionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_user(role) for role in ROLES}
        cls.translator = Author.objects.create(name="Layla Hassan", slug="layla-hassan")

    def test_the_translate_action_opens_the_new_draft_for_each_role(self):
        for role, user in self.users.items():
            with self.subTest(role=role):
                original = make_report(f"Report for {role}", slug=f"report-{role}")
                self.client.force_login(user)
                response = self.client.post(
                    reverse("admin:reports_report_changelist"),
                    {"action": "translate", "_selected_action": [original.pk]},
                )
                translation = Report.objects.get(translation_key=original.translation_key, language="ar")
                change_url = reverse("admin:reports_report_change", args=[translation.pk])
                self.assertRedirects(response, change_url, fetch_redirect_response=False)
                page = self.client.get(response.url)
                self.assertContains(page, "A draft translation into Arabic was created")
                self.assertContains(page, "Translator")

    def test_translating_twice_says_why_and_creates_nothing(self):
        original = make_report("Twice", slug="twice")
        self.client.force_login(self.users["editor"])
        data = {"action": "translate", "_selected_action": [original.pk]}
        self.client.post(reverse("admin:reports_report_changelist"), data)
        response = self.client.post(reverse("admin:reports_report_changelist"), data, follow=True)
        self.assertContains(response, "already has a translation in Arabic")
        self.assertEqual(Report.objects.filter(translation_key=original.translation_key).count(), 2)
