"""Editorial actions: one transaction, one bump, signals after commit, every change audited."""

import datetime
import logging
import threading
import time
from unittest import mock

from django.db import connection, connections
from django.dispatch import receiver
from django.test import TransactionTestCase, skipUnlessDBFeature
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from reports.editorial import signals
from reports.editorial.actions import editing, workflow
from reports.editorial.actions import tags as tag_actions
from reports.editorial.actions.base import editorial_action
from reports.editorial.actions.importing import ImportUpdate, import_reports
from reports.models import Correction, PublicationState, Report, ReportEvent
from reports.models import publication as publication_module
from tests.base import SitrepTestCase
from tests.helpers import ensure_editorial_groups, make_report, make_series, make_user, submit

Status = Report.Status
PUBLISH, UNPUBLISH = ("_transition", "publish"), ("_transition", "unpublish")


def generation():
    return PublicationState.objects.get(pk=1).generation


class OneBumpPerActionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.series = make_series()

    def change_url(self, report):
        return reverse("admin:reports_report_change", args=[report.pk])

    def bumps(self, do):
        before = generation()
        do()
        return generation() - before

    def test_every_action_readers_can_see_bumps_the_generation_exactly_once(self):
        live = make_report("Live", tags=["Iran"])
        scheduled = make_report("Scheduled", published_at=timezone.now() + datetime.timedelta(days=2))
        review = make_report("In review", status=Status.REVIEW)
        other = make_report("Other live", tags=["Tehran"])
        self.client.force_login(self.editor)
        cases = {
            "publish now (admin)": lambda: submit(self.client, self.change_url(review), button=PUBLISH),
            "publish a scheduled report now (admin)": lambda: submit(
                self.client, self.change_url(scheduled), button=PUBLISH
            ),
            "unpublish (admin)": lambda: submit(self.client, self.change_url(other), button=UNPUBLISH),
            "correct a live report (admin)": lambda: submit(
                self.client, self.change_url(live), summary="New text.", correction_note="Corrected the text."
            ),
            "rename a series (admin)": lambda: submit(
                self.client,
                reverse("admin:reports_series_change", args=[self.series.pk]),
                form_id="series_form",
                name="Iraq Weekly",
            ),
            "merge tags": lambda: tag_actions.merge_tags(
                [Tag.objects.get(name="Iran")], Tag.objects.create(name="Islamic Republic of Iran"), by=self.editor
            ),
        }
        for name, do in cases.items():
            with self.subTest(name):
                self.assertEqual(self.bumps(do), 1)

    def test_actions_readers_cannot_see_do_not_bump(self):
        draft = make_report("Draft", status=Status.DRAFT)
        writer = make_user("writer")
        self.assertEqual(self.bumps(lambda: workflow.submit_for_review(draft, by=writer)), 0)
        self.assertEqual(self.bumps(lambda: workflow.request_changes(draft, by=self.editor, note="More.")), 0)

    def test_a_refused_action_changes_nothing_and_bumps_nothing(self):
        live = make_report("Live")
        before = generation()
        with self.assertRaises(workflow.TransitionRefused):
            workflow.publish(live, by=self.editor)
        self.assertEqual(generation(), before)
        self.assertFalse(ReportEvent.objects.exists())


class SignalsAfterCommitTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_series()

    def test_the_signal_is_sent_once_the_action_has_committed_and_says_what_happened(self):
        report = make_report("In review", status=Status.REVIEW)
        heard = []

        @receiver(signals.report_published, weak=False)
        def listen(sender, **kwargs):
            heard.append(kwargs)

        self.addCleanup(signals.report_published.disconnect, listen)
        with self.captureOnCommitCallbacks() as callbacks:
            event = workflow.publish(report, by=self.editor)
            self.assertEqual(heard, [])  # nothing is said before the commit
        for callback in callbacks:
            callback()
        self.assertEqual(len(heard), 1)
        self.assertEqual((heard[0]["report"].pk, heard[0]["event"], heard[0]["actor"]), (report.pk, event, self.editor))

    def test_public_site_changed_follows_only_changes_readers_can_see(self):
        heard = []

        @receiver(signals.public_site_changed, weak=False)
        def listen(sender, **kwargs):
            heard.append(kwargs["action"])

        self.addCleanup(signals.public_site_changed.disconnect, listen)
        report = make_report("Draft", status=Status.DRAFT)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.submit_for_review(report, by=self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.publish(report, by=self.editor)
        self.assertEqual(heard, ["publish"])

    def test_a_rolled_back_action_sends_nothing(self):
        heard = []

        @receiver(signals.report_unpublished, weak=False)
        def listen(sender, **kwargs):
            heard.append(kwargs)

        self.addCleanup(signals.report_unpublished.disconnect, listen)
        report = make_report("Live")
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            with self.assertRaises(RuntimeError):
                with editorial_action("test", actor=self.editor) as outcome:
                    outcome.announce(signals.report_unpublished, Report, report=report)
                    raise RuntimeError("the disk is full")
        self.assertEqual((heard, callbacks), ([], []))

    def test_a_failing_receiver_is_logged_and_the_others_still_hear(self):
        heard = []

        def broken(sender, **kwargs):
            raise ConnectionRefusedError("mail server down")

        def listening(sender, **kwargs):
            heard.append(kwargs["report"].pk)

        signals.report_submitted.connect(broken, weak=False)
        signals.report_submitted.connect(listening, weak=False)
        self.addCleanup(signals.report_submitted.disconnect, broken)
        self.addCleanup(signals.report_submitted.disconnect, listening)
        report = make_report("Draft", status=Status.DRAFT)
        with self.assertLogs("django.dispatch", logging.ERROR) as logs:
            with self.captureOnCommitCallbacks(execute=True):
                workflow.submit_for_review(report, by=self.editor)
        self.assertIn("broken", logs.output[0])
        self.assertEqual(heard, [report.pk])
        self.assertEqual(Report.objects.get(pk=report.pk).status, Status.REVIEW)  # the change stands


class ImportUpdateAuditTests(SitrepTestCase):
    """An import that updates a report leaves what every other change to it leaves."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        make_series()

    def test_updating_a_live_report_keeps_a_revision_an_audit_event_and_a_public_correction(self):
        live = make_report("Live", summary="Old summary.")
        update = ImportUpdate(live, {"summary": "New summary."})
        import_reports([], [update], by=self.editor, note="Imported from x.json")
        event = ReportEvent.objects.get(report=live)
        self.assertEqual((event.action, event.changed_fields, event.actor), ("correct", ["summary"], self.editor))
        correction = Correction.objects.get(report=live)
        self.assertEqual(correction.note, "Imported from x.json: updated the summary.")
        from reports.editorial import revisions

        kept = revisions.history(live)
        self.assertEqual([r.content["summary"] for r in kept], ["Old summary.", "New summary."])

    def test_updating_a_draft_is_an_edit_without_a_correction(self):
        draft = make_report("Draft", status=Status.DRAFT, summary="Old.")
        import_reports([], [ImportUpdate(draft, {"summary": "New."}, ["Iran"])], note="Imported from x.json")
        event = ReportEvent.objects.get(report=draft)
        self.assertEqual((event.action, event.changed_fields), ("edit", ["summary", "tags"]))
        self.assertFalse(Correction.objects.exists())
        self.assertEqual([t.name for t in Report.objects.get(pk=draft.pk).tags.all()], ["Iran"])


class ConcurrentPublishTests(TransactionTestCase):
    """Two editors publish at once, on two real database connections."""

    @skipUnlessDBFeature("has_select_for_update")
    def test_the_second_publication_sees_the_first_and_both_new_tags_are_known(self):
        ensure_editorial_groups()
        PublicationState.objects.get_or_create(pk=1)
        editor = make_user("editor")
        first = make_report("First", status=Status.REVIEW, tags=["Basra"])
        second = make_report("Second", status=Status.REVIEW, tags=["Mosul"])
        original = publication_module.derive
        inside = threading.Event()

        def slow_derive():
            # The first editor holds the lock while the second one tries to publish.
            result = original()
            if threading.current_thread().name == "first":
                inside.set()
                time.sleep(0.5)
            return result

        errors = []

        def publish(report):
            try:
                workflow.publish(report, by=editor)
            except Exception as error:  # reported below, with the thread's name
                errors.append(error)
            finally:
                connections.close_all()

        with mock.patch.object(publication_module, "derive", slow_derive):
            one = threading.Thread(target=publish, args=(first,), name="first")
            one.start()
            self.assertTrue(inside.wait(5))
            two = threading.Thread(target=publish, args=(second,), name="second")
            two.start()
            one.join(10)
            two.join(10)
        self.assertEqual(errors, [])
        vocabulary = PublicationState.objects.get(pk=1).vocabulary
        self.assertEqual(sorted(slug for _, slug, _, _ in vocabulary["tags"]), ["basra", "mosul"])
        if connection.vendor == "postgresql":
            self.assertEqual(PublicationState.objects.get(pk=1).generation, 3)


class DeletingReportsTests(SitrepTestCase):
    def test_deleting_a_published_report_takes_it_off_the_public_site_in_one_bump(self):
        editor = make_user("editor")
        make_series()
        live = make_report("Live", tags=["Iran"])
        before = generation()
        editing.delete_report(live, by=editor)
        self.assertEqual(generation(), before + 1)
        self.assertEqual(PublicationState.objects.get().vocabulary["tags"], [])
