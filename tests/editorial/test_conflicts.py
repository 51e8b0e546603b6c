"""Edit conflicts: two people on one report; the second save never silently overwrites the first."""

from django.test import Client
from django.utils import formats, timezone

from reports.editorial import concurrency
from reports.models import Report, ReportEvent
from tests.base import SitrepTestCase
from tests.helpers import form_fields, make_report, make_series, make_user
from tests.history_helpers import change_url, edit, kept, restore_url

Status = Report.Status


def open_form(client, report, form_id="report_form", url=None):
    """What a browser tab holds after opening the page: the fields it will send back."""
    page = client.get(url or change_url(report))
    assert page.status_code == 200, page.status_code
    return form_fields(page, form_id)


def save(client, report, form, url=None, **changes):
    for name, value in changes.items():
        form[name] = [value]
    return client.post(url or change_url(report), form)


class EditConflictTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer", first_name="Wanda")
        cls.editor = make_user("editor")
        make_series()

    def setUp(self):
        self.writers_tab, self.editors_tab = Client(), Client()
        self.writers_tab.force_login(self.writer)
        self.editors_tab.force_login(self.editor)

    def test_the_second_of_two_interleaved_edits_is_refused_with_who_when_and_what(self):
        report = make_report(status=Status.DRAFT, summary="Rockets hit the Green Zone.", body="Two rockets.")
        # Both open the report; the writer saves first.
        writers_form = open_form(self.writers_tab, report)
        editors_form = open_form(self.editors_tab, report)
        self.assertEqual(
            save(self.writers_tab, report, writers_form, summary="Three rockets hit the Green Zone.").status_code, 302
        )
        # The editor saves a different field on the stale form: refused, and told why.
        response = save(self.editors_tab, report, editors_form, body="Two rockets, one intercepted.")
        self.assertEqual(response.status_code, 200)
        saved_at = formats.date_format(timezone.localtime(report.events.get().created_at), "DATETIME_FORMAT")
        self.assertContains(response, "Not saved: writer changed this report while you were editing it")
        self.assertContains(response, f"writer edited Summary on {saved_at}")
        # What the writer changed, word by word.
        self.assertContains(response, "Changed while you were editing")
        self.assertContains(response, '<ins><span class="visually-hidden">added: </span>Three rockets</ins>', html=True)
        # The editor's own text is still in the form, and nothing of it was saved.
        self.assertContains(response, "Two rockets, one intercepted.")
        report.refresh_from_db()
        self.assertEqual((report.summary, report.body), ("Three rockets hit the Green Zone.", "Two rockets."))
        self.assertEqual(len(kept(report)), 2)  # the state before and the writer's edit

        # The editor merges (takes the writer's summary) and saves again, deliberately: it works.
        merged = form_fields(response)
        self.assertEqual(merged["body"], ["Two rockets, one intercepted."])
        self.assertEqual(
            save(self.editors_tab, report, merged, summary="Three rockets hit the Green Zone.").status_code, 302
        )
        report.refresh_from_db()
        self.assertEqual(
            (report.summary, report.body), ("Three rockets hit the Green Zone.", "Two rockets, one intercepted.")
        )
        self.assertEqual([e.actor for e in report.events.order_by("pk")], [self.writer, self.editor])

    def test_a_field_both_changed_is_pointed_out(self):
        report = make_report(status=Status.DRAFT, summary="Original.")
        writers_form = open_form(self.writers_tab, report)
        editors_form = open_form(self.editors_tab, report)
        save(self.writers_tab, report, writers_form, summary="The writer's summary.")
        response = save(self.editors_tab, report, editors_form, summary="The editor’s summary.")
        self.assertContains(response, "you changed this too")
        self.assertContains(response, "The editor’s summary.")
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "The writer's summary.")

    def test_a_workflow_button_pressed_on_a_stale_form_does_nothing(self):
        report = make_report(status=Status.REVIEW, summary="Under review.")
        editors_form = open_form(self.editors_tab, report)
        writers_form = open_form(self.writers_tab, report)
        save(self.writers_tab, report, writers_form, summary="Changed by the writer during review.")
        # The editor publishes what they saw, which is no longer what the report says.
        editors_form["_transition"] = ["publish"]
        response = save(self.editors_tab, report, editors_form)
        self.assertContains(response, "Not saved: writer changed this report")
        report.refresh_from_db()
        self.assertEqual((report.status, report.summary), (Status.REVIEW, "Changed by the writer during review."))
        self.assertFalse(report.events.filter(action=ReportEvent.Action.PUBLISH).exists())
        # Having seen the change, they publish from the refreshed form.
        again = form_fields(response)
        again["_transition"] = ["publish"]
        again["summary"] = ["Changed by the writer during review."]
        self.assertEqual(save(self.editors_tab, report, again).status_code, 302)
        self.assertTrue(Report.objects.get(pk=report.pk).is_public)

    def test_a_transition_by_someone_else_is_a_conflict_too(self):
        report = make_report(status=Status.REVIEW)
        writers_form = open_form(self.writers_tab, report)
        workflow_editor = Client()
        workflow_editor.force_login(self.editor)
        save(
            workflow_editor,
            report,
            open_form(workflow_editor, report),
            _transition="request_changes",
            workflow_note="Shorter.",
        )
        response = save(self.writers_tab, report, writers_form, summary="Writer's edit.")
        self.assertContains(response, "editor requested changes on")
        self.assertContains(response, "only its status or dates changed")

    def test_the_same_person_in_two_tabs_is_warned_as_well(self):
        report = make_report(status=Status.DRAFT)
        first_tab, second_tab = open_form(self.writers_tab, report), open_form(self.writers_tab, report)
        save(self.writers_tab, report, first_tab, summary="From the first tab.")
        response = save(self.writers_tab, report, second_tab, body="From the second tab.")
        self.assertContains(response, "Not saved: writer changed this report")
        self.assertContains(response, "From the second tab.")

    def test_a_form_without_a_valid_token_is_refused_and_kept(self):
        report = make_report(status=Status.DRAFT, summary="Stored.")
        huge = "9" * 30
        for token in ("", "garbage", "2020-01-01T00:00:00+00:00|x|1", f"2020-01-01T00:00:00+00:00|{huge}|1", None):
            with self.subTest(token=token):
                form = open_form(self.writers_tab, report)
                if token is None:
                    del form["edit_token"]
                else:
                    form["edit_token"] = [token]
                response = save(self.writers_tab, report, form, summary="Typed without a token.")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "this form did not say which version of the report it was based on")
                self.assertContains(response, "Typed without a token.")
                self.assertEqual(Report.objects.get(pk=report.pk).summary, "Stored.")
                # The form comes back with a token; saving it again works.
                self.assertTrue(form_fields(response)["edit_token"][0])
        response = save(self.writers_tab, report, form_fields(response))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Typed without a token.")

    def test_restoring_from_a_stale_confirmation_page_is_refused(self):
        report = make_report(status=Status.DRAFT, summary="First.")
        edit(self.writers_tab, report, summary="Second.")
        first = kept(report)[0]
        confirmation = open_form(self.editors_tab, report, "restore_form", url=restore_url(report, first))
        edit(self.writers_tab, report, summary="Third.")
        response = save(self.editors_tab, report, confirmation, url=restore_url(report, first))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Not saved: writer changed this report")
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Third.")
        # The page now shows what restoring would change from the current text, with a fresh token.
        self.assertContains(response, '<del><span class="visually-hidden">removed: </span>Third</del>', html=True)
        self.assertEqual(
            save(
                self.editors_tab, report, form_fields(response, "restore_form"), url=restore_url(report, first)
            ).status_code,
            302,
        )
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "First.")

    def test_the_token_names_the_row_the_last_event_and_the_last_revision(self):
        report = make_report(status=Status.DRAFT)
        edit(self.writers_tab, report, summary="Edited.")
        report.refresh_from_db()
        token = concurrency.parse_token(concurrency.token_for(report))
        self.assertEqual(token.updated_at, report.updated_at)
        self.assertEqual(token.event_id, report.events.get().pk)
        self.assertEqual(token.revision_id, kept(report)[-1].id)
        self.assertIsNone(concurrency.parse_token("not|a|token"))
