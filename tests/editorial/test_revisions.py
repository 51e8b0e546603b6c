"""Revisions: every save keeps one; the history lists them, compares any two and restores one."""

import datetime

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.editorial import revisions
from reports.editorial.actions import workflow
from reports.models import Report, ReportEvent, Series
from tests.base import SitrepTestCase
from tests.helpers import make_report, make_series, make_user, submit
from tests.history_helpers import (
    add_url,
    change_url,
    compare_from_history,
    compare_url,
    edit,
    history_url,
    kept,
    restore,
    restore_url,
    scheduled_report,
)

Status = Report.Status
Action = ReportEvent.Action


class RevisionTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        cls.series = make_series()

    def setUp(self):
        self.client.force_login(self.writer)

    def draft_with_three_revisions(self):
        """A draft written in the admin: created, then edited twice."""
        submit(
            self.client,
            add_url(),
            series=str(self.series.pk),
            title="Iraq Situation Report: August 19-25, 2020",
            slug="iraq-august-19-25-2020",
            period_start="2020-08-19",
            period_end="2020-08-25",
            summary="Ghaani met militia leaders in Baghdad on Tuesday.",
            body="## Militias\n\nKata’ib Hezbollah fired rockets at the Green Zone.",
            tags="Iran, Baghdad",
            revision_message="First draft",
        )
        report = Report.objects.get(slug="iraq-august-19-25-2020")
        edit(
            self.client,
            report,
            summary="Ghaani met militia leaders in Baghdad on Wednesday.",
            tags="Iran, Baghdad, Ghaani",
        )
        edit(self.client, report, period_end="2020-08-26", tags="Baghdad, Ghaani", revision_message="Extend the period")
        return report

    maxDiff = None

    def test_every_save_keeps_a_revision_with_author_time_fields_tags_and_message(self):
        before = timezone.now()
        report = self.draft_with_three_revisions()
        first, second, third = kept(report)
        self.assertEqual([r.number for r in (first, second, third)], [1, 2, 3])
        self.assertEqual((first.user, first.message), (self.writer, "First draft"))
        self.assertGreaterEqual(first.date, before)
        self.assertEqual(first.content["summary"], "Ghaani met militia leaders in Baghdad on Tuesday.")
        self.assertEqual(first.content["tags"], ("Baghdad", "Iran"))
        self.assertEqual(first.content["series"], self.series.pk)
        self.assertEqual(second.content["tags"], ("Baghdad", "Ghaani", "Iran"))
        self.assertEqual(second.message, "")
        self.assertEqual(third.content["period_end"], datetime.date(2020, 8, 26))
        self.assertEqual(third.content["tags"], ("Baghdad", "Ghaani"))
        self.assertEqual(third.message, "Extend the period")
        report.refresh_from_db()
        self.assertEqual(third.content, revisions.content_of(report))  # the newest revision is the report now

    def test_a_save_that_changes_nothing_keeps_no_new_revision(self):
        report = self.draft_with_three_revisions()
        events = report.events.count()
        self.assertEqual(edit(self.client, report).status_code, 302)
        self.assertEqual(len(kept(report)), 3)
        self.assertEqual(report.events.count(), events)

    def test_a_report_saved_outside_the_admin_keeps_its_earlier_state_when_first_edited(self):
        report = make_report(status=Status.DRAFT, summary="Written by the import.", tags=["Iran"])
        self.assertEqual(kept(report), [])
        edit(self.client, report, summary="Edited in the admin.", tags="Iran, Iraq")
        earlier, edited = kept(report)
        self.assertEqual((earlier.user, earlier.message), (None, revisions.UNRECORDED_STATE_MESSAGE))
        self.assertEqual((earlier.content["summary"], earlier.content["tags"]), ("Written by the import.", ("Iran",)))
        self.assertEqual((edited.user, edited.content["tags"]), (self.writer, ("Iran", "Iraq")))

    def test_history_page_lists_revisions_newest_first_with_who_when_and_what(self):
        report = self.draft_with_three_revisions()
        page = self.client.get(history_url(report))
        self.assertEqual(page.status_code, 200)
        text = page.content.decode()
        self.assertLess(text.index("Revision 3 (current)"), text.index("Revision 2"))
        self.assertLess(text.index("Revision 2"), text.index("Revision 1"))
        self.assertContains(page, "First draft")
        self.assertContains(page, "Extend the period")
        self.assertContains(page, "Period end, Tags")  # what revision 3 changed
        self.assertContains(page, 'aria-label="Restore revision 1"')
        self.assertNotContains(page, 'aria-label="Restore revision 3"')  # it is the current one
        self.assertContains(page, "Audit trail")
        # The change form's History link leads here.
        self.assertContains(self.client.get(change_url(report)), history_url(report))

    def test_compare_shows_a_word_level_diff_between_any_two_revisions(self):
        report = self.draft_with_three_revisions()
        first, second, third = kept(report)
        # The defaults are the two newest revisions.
        page = compare_from_history(self.client, report)
        self.assertContains(page, "Changes from revision 2 to revision 3")
        self.assertContains(page, "Aug. 25, 2020</del>")
        self.assertContains(page, "Aug. 26, 2020</ins>")
        self.assertContains(page, "<p>Removed: <del>Iran</del></p>", html=True)
        # Any two, either way round: only the changed word is marked, not the sentence.
        page = compare_from_history(self.client, report, **{"from": first.id, "to": third.id})
        self.assertContains(page, '<del><span class="visually-hidden">removed: </span>Tuesday</del>', html=True)
        self.assertContains(page, '<ins><span class="visually-hidden">added: </span>Wednesday</ins>', html=True)
        self.assertContains(page, "Ghaani met militia leaders in Baghdad on ")
        self.assertContains(page, "<p>Added: <ins>Ghaani</ins></p>", html=True)
        self.assertNotContains(page, "Body")
        backwards = self.client.get(compare_url(report), {"from": third.id, "to": first.id})
        self.assertContains(backwards, '<ins><span class="visually-hidden">added: </span>Tuesday</ins>', html=True)
        same = self.client.get(compare_url(report), {"from": second.id, "to": second.id})
        self.assertContains(same, "These revisions have the same content.")

    def test_long_unchanged_text_is_shortened_around_the_change(self):
        report = make_report(status=Status.DRAFT, body=" ".join(f"word{i}" for i in range(200)))
        edit(self.client, report, body=" ".join(f"word{i}" for i in range(200)).replace("word100", "changed"))
        older, newer = kept(report)
        page = self.client.get(compare_url(report), {"from": older.id, "to": newer.id})
        self.assertContains(page, "changed</ins>")
        self.assertContains(page, "word99")
        self.assertNotContains(page, "word3 ")
        self.assertContains(page, 'class="diff-skip"', count=2)

    def test_compare_with_bad_choices_answers_400_with_the_reason(self):
        report = self.draft_with_three_revisions()
        other = make_report(status=Status.DRAFT, title="Another report")
        edit(self.client, other, summary="Changed")
        foreign = kept(other)[0]
        newest = kept(report)[-1]
        for query in ({}, {"from": "abc", "to": newest.id}, {"from": foreign.id, "to": newest.id}, {"from": "-1"}):
            with self.subTest(query=query):
                page = self.client.get(compare_url(report), query)
                self.assertEqual(page.status_code, 400)
                self.assertContains(page, "Choose a revision of this report", status_code=400)

    def test_compare_with_published_appears_while_what_was_published_differs_from_now(self):
        self.client.force_login(self.editor)
        report = make_report(status=Status.REVIEW, summary="As submitted.")
        edit(self.client, report, button=("_transition", "publish"), summary="As published.")
        self.assertNotContains(self.client.get(change_url(report)), "Compare with published")
        # Unpublished and edited: what readers were given is no longer what the report says.
        edit(self.client, report, button=("_transition", "unpublish"))
        edit(self.client, report, summary="Rewritten while unpublished.")
        page = self.client.get(change_url(report))
        self.assertContains(page, "Compare with published")
        published = revisions.published_revision(report)
        self.assertEqual(published.content["summary"], "As published.")
        comparison = self.client.get(f"{compare_url(report)}?from={published.id}&to={kept(report)[-1].id}")
        self.assertContains(comparison, "(published)")
        self.assertContains(comparison, '<del><span class="visually-hidden">removed: </span>published</del>', html=True)
        self.assertContains(
            comparison, '<ins><span class="visually-hidden">added: </span>while unpublished</ins>', html=True
        )
        self.assertContains(self.client.get(history_url(report)), "Compare with published")
        # Restoring the published revision makes them the same again: the link goes away.
        restore(self.client, report, published)
        self.assertNotContains(self.client.get(change_url(report)), "Compare with published")

    def test_compare_with_published_for_a_scheduled_report_edited_after_scheduling(self):
        self.client.force_login(self.editor)
        report = make_report(status=Status.REVIEW)
        at = timezone.now() + datetime.timedelta(days=1)
        edit(
            self.client,
            report,
            button=("_transition", "publish"),
            publish_at_0=at.strftime("%Y-%m-%d"),
            publish_at_1=at.strftime("%H:%M:%S"),
        )
        self.assertTrue(Report.objects.get(pk=report.pk).is_scheduled)
        self.assertNotContains(self.client.get(change_url(report)), "Compare with published")
        edit(self.client, report, title="Retitled after scheduling")
        self.assertContains(self.client.get(change_url(report)), "Compare with published")

    def test_restore_brings_back_fields_and_tags_as_a_new_revision(self):
        report = self.draft_with_three_revisions()
        first, second, third = kept(report)
        page = self.client.get(restore_url(report, first))
        self.assertContains(page, "What restoring changes")
        self.assertContains(page, '<ins><span class="visually-hidden">added: </span>Tuesday</ins>', html=True)
        response = restore(self.client, report, first, revision_message="Back to the first draft")
        self.assertRedirects(response, change_url(report))
        report.refresh_from_db()
        self.assertEqual(report.summary, "Ghaani met militia leaders in Baghdad on Tuesday.")
        self.assertEqual(report.period_end, datetime.date(2020, 8, 25))
        self.assertEqual(sorted(report.tags.names()), ["Baghdad", "Iran"])
        self.assertEqual(report.status, Status.DRAFT)
        history = kept(report)
        self.assertEqual(len(history), 4)  # nothing was lost
        self.assertEqual([r.content for r in history[:3]], [first.content, second.content, third.content])
        self.assertEqual(history[3].content, first.content)
        self.assertEqual(
            (history[3].user, history[3].message), (self.writer, "Restored revision 1: Back to the first draft")
        )
        event = report.events.first()
        self.assertEqual((event.action, event.actor), (Action.RESTORE, self.writer))
        self.assertEqual(event.changed_fields, ["period_end", "summary", "tags"])
        self.assertIn("Restored revision 1", self.client.get(change_url(report)).content.decode())

    def test_restore_keeps_the_status_and_publication_dates(self):
        self.client.force_login(self.editor)
        report = scheduled_report(summary="Scheduled text.")
        edit(self.client, report, summary="Edited after scheduling.")
        stored = Report.objects.values("status", "published_at", "first_published_at").get(pk=report.pk)
        restore(self.client, report, kept(report)[0])
        self.assertEqual(
            Report.objects.values("status", "published_at", "first_published_at").get(pk=report.pk), stored
        )
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Scheduled text.")

    def test_restoring_the_current_content_is_refused_and_changes_nothing(self):
        report = self.draft_with_three_revisions()
        edit(
            self.client,
            report,
            period_end="2020-08-25",
            tags="Baghdad, Iran",
            summary=kept(report)[0].content["summary"],
        )
        first = kept(report)[0]
        page = self.client.get(restore_url(report, first))
        self.assertContains(page, "is the same as the report now: there is nothing to restore")
        self.assertNotContains(page, 'id="restore_form"')
        forced = self.client.post(
            restore_url(report, first), {"edit_token": page.context["form"]["edit_token"].value()}
        )
        self.assertContains(forced, "nothing to restore")
        self.assertEqual(len(kept(report)), 4)

    def test_restore_that_would_reuse_another_reports_address_is_refused(self):
        report = self.draft_with_three_revisions()
        edit(self.client, report, slug="renamed-report")
        make_report(status=Status.DRAFT, title="Squatter", slug="iraq-august-19-25-2020")
        response = restore(self.client, report, kept(report)[0])
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Another report now has the address “iraq-august-19-25-2020”")
        self.assertEqual(Report.objects.get(pk=report.pk).slug, "renamed-report")

    def test_restore_to_a_deleted_series_is_refused(self):
        gone = Series.objects.create(name="Yemen Situation Report", slug="yemen")
        report = make_report(status=Status.DRAFT, series=gone)
        edit(self.client, report, series=str(self.series.pk))
        gone.delete()
        page = self.client.get(restore_url(report, kept(report)[0]))
        self.assertContains(page, "a deleted series")
        self.assertContains(page, "has been deleted, so it cannot be restored")

    def test_restoring_a_revision_of_another_report_is_not_found(self):
        report = self.draft_with_three_revisions()
        other = make_report(status=Status.DRAFT, title="Other")
        edit(self.client, other, summary="Edited")
        self.assertEqual(self.client.get(restore_url(report, kept(other)[0])).status_code, 404)
        self.assertEqual(self.client.post(restore_url(report, kept(other)[0])).status_code, 404)

    def test_an_unknown_report_is_not_found_on_every_history_page(self):
        for missing in (Report(pk=999_999), Report(pk=10**30)):
            for url in (history_url(missing), compare_url(missing), f"{history_url(missing)}1/restore/"):
                with self.subTest(url):
                    self.assertEqual(self.client.get(url).status_code, 404)
                    self.assertEqual(self.client.post(url).status_code, 404)

    @override_settings(PAGE_CACHE_SECONDS=0)  # the page's own queries, not the cache's
    def test_change_form_and_history_queries_do_not_grow_with_revisions(self):
        self.client.force_login(self.editor)
        report = make_report(status=Status.REVIEW)
        edit(self.client, report, button=("_transition", "publish"))
        edit(self.client, report, summary="Correction 1.", correction_note="Fix 1.")
        self.client.get(change_url(report))  # warm the session and content types
        counts = {}
        for url in (change_url(report), history_url(report)):
            with CaptureQueriesContext(connection) as queries:
                self.assertContains(self.client.get(url), "Compare with published")
            counts[url] = len(queries.captured_queries)
        for number in range(2, 8):
            edit(self.client, report, summary=f"Correction {number}.", correction_note=f"Fix {number}.")
        for url, count in counts.items():
            with self.subTest(url), self.assertNumQueries(count):
                self.client.get(url)

    def test_workflow_transitions_alone_keep_no_revision(self):
        report = self.draft_with_three_revisions()
        workflow.submit_for_review(report, by=self.writer)
        workflow.publish(report, by=self.editor)
        self.assertEqual(len(kept(report)), 3)
