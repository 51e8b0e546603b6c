"""Tags: merging, and the admin's tag help (the matcher itself: tests/text/test_tagmatch.py)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from taggit.models import Tag

from reports.editorial.actions import tags as tag_actions
from reports.models import Report, TaggedReport, TagMerge
from tests.base import SitrepTestCase
from tests.desk_helpers import ROLE_MATRIX, change_url, log_in_as, press
from tests.helpers import make_report, make_series, make_user, submit

Status = Report.Status
TAGS_URL = reverse("admin:taggit_tag_changelist")
AUTOCOMPLETE_URL = reverse("admin:reports_report_tag_autocomplete")
SUGGESTIONS_URL = reverse("admin:reports_report_tag_suggestions")


class MergeTagsTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.writer = make_user("writer")
        make_series()
        cls.one = make_report("One", tags=["Kata’ib Hezbollah"])
        cls.two = make_report("Two", tags=["Kata'ib Hezbollah", "Baghdad"])
        cls.both = make_report("Both", tags=["Kata’ib Hezbollah", "Kata'ib Hezbollah"])
        cls.draft = make_report("Draft", status=Status.DRAFT, tags=["kataib hezbollah (KH)", "Iran"])
        cls.target = Tag.objects.get(name="Kata’ib Hezbollah")

    def tags_of(self, report):
        return sorted(report.tags.names())

    def test_every_report_moves_to_the_target_and_nothing_is_lost(self):
        sources = list(Tag.objects.filter(name__in=["Kata'ib Hezbollah", "kataib hezbollah (KH)"]))
        records = tag_actions.merge_tags(sources, self.target, by=self.editor)
        self.assertEqual(self.tags_of(self.one), ["Kata’ib Hezbollah"])
        self.assertEqual(self.tags_of(self.two), ["Baghdad", "Kata’ib Hezbollah"])
        self.assertEqual(self.tags_of(self.both), ["Kata’ib Hezbollah"])  # one link, not two
        self.assertEqual(self.tags_of(self.draft), ["Iran", "Kata’ib Hezbollah"])
        self.assertFalse(Tag.objects.filter(pk__in=[s.pk for s in sources]).exists())
        self.assertEqual(TaggedReport.objects.filter(tag=self.target).count(), 4)
        straight = next(r for r in records if r.source_name == "Kata'ib Hezbollah")
        self.assertEqual(straight.report_ids, sorted([self.two.pk, self.both.pk]))
        self.assertEqual(straight.already_tagged_ids, [self.both.pk])
        self.assertEqual(
            (straight.target, straight.target_name, straight.merged_by), (self.target, self.target.name, self.editor)
        )
        self.assertEqual(TagMerge.objects.count(), 2)

    def test_the_target_among_the_sources_is_left_alone(self):
        source = Tag.objects.get(name="Kata'ib Hezbollah")
        records = tag_actions.merge_tags([self.target, source], self.target, by=self.editor)
        self.assertEqual([r.source_name for r in records], ["Kata'ib Hezbollah"])
        self.assertTrue(Tag.objects.filter(pk=self.target.pk).exists())

    def test_merging_a_tag_into_itself_is_refused(self):
        with self.assertRaisesMessage(tag_actions.MergeRefused, "other than the target"):
            tag_actions.merge_tags([self.target], self.target, by=self.editor)
        self.assertFalse(TagMerge.objects.exists())

    def test_only_editors_merge(self):
        source = Tag.objects.get(name="Kata'ib Hezbollah")
        with self.assertRaises(PermissionDenied):
            tag_actions.merge_tags([source], self.target, by=self.writer)
        self.assertTrue(Tag.objects.filter(pk=source.pk).exists())
        self.assertEqual(self.tags_of(self.two), ["Baghdad", "Kata'ib Hezbollah"])


class TagAdminTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")
        cls.writer = make_user("writer")
        make_series()
        cls.one = make_report("One", tags=["Kata’ib Hezbollah", "Iran"])
        cls.two = make_report("Two", tags=["Kata'ib Hezbollah", "Iran"])
        cls.three = make_report("Three", tags=["Kata'ib Hezbollah"])
        cls.curly = Tag.objects.get(name="Kata’ib Hezbollah")
        cls.straight = Tag.objects.get(name="Kata'ib Hezbollah")

    def test_tag_list_shows_report_counts_and_flags_near_duplicates(self):
        self.client.force_login(self.writer)
        response = self.client.get(TAGS_URL)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("⚠ Kata&#x27;ib Hezbollah", html)
        self.assertIn("⚠ Kata’ib Hezbollah", html)
        rows = {tag.name: tag for tag in response.context["cl"].result_list}
        self.assertEqual((rows["Iran"].report_count, rows["Kata'ib Hezbollah"].report_count), (2, 2))
        flagged = self.client.get(TAGS_URL + "?near_duplicates=yes").context["cl"].result_list
        self.assertEqual(sorted(tag.name for tag in flagged), ["Kata'ib Hezbollah", "Kata’ib Hezbollah"])

    def test_tag_list_queries_do_not_grow_with_the_page(self):
        self.client.force_login(self.editor)
        self.client.get(TAGS_URL)
        with self.assertNumQueries(8) as first:
            self.client.get(TAGS_URL)
        make_report("Four", tags=[f"Tag {i}" for i in range(10)])
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(TAGS_URL)

    def test_editor_merges_near_duplicates_through_the_admin(self):
        self.client.force_login(self.editor)
        confirm = press(
            self.client, TAGS_URL, "changelist-form",
            action="merge_tags", _selected_action=[str(self.curly.pk), str(self.straight.pk)], index="0",
        )  # fmt: skip
        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "Merge tags")
        self.assertContains(confirm, "Near-duplicates among them")
        page_url = confirm.wsgi_request.get_full_path()
        data = {
            "action": "merge_tags",
            "_selected_action": [str(self.curly.pk), str(self.straight.pk)],
            "target": str(self.curly.pk),
            "apply": "Merge tags",
            "csrfmiddlewaretoken": "",
        }
        done = self.client.post(page_url, data)
        self.assertRedirects(done, TAGS_URL, fetch_redirect_response=False)
        messages = [str(m) for m in self.client.get(TAGS_URL).context["messages"]]
        self.assertIn("Merged “Kata'ib Hezbollah” (2 report(s)) into “Kata’ib Hezbollah”.", messages)
        for report in (self.one, self.two, self.three):
            self.assertIn("Kata’ib Hezbollah", report.tags.names())
        self.assertFalse(Tag.objects.filter(pk=self.straight.pk).exists())
        history = self.client.get(reverse("admin:taggit_tag_change", args=[self.curly.pk]))
        self.assertContains(history, "“Kata&#x27;ib Hezbollah” on")
        self.assertContains(history, "by editor: 2 report(s)")

    def test_the_merge_page_proposes_the_most_used_tag_and_refuses_a_missing_target(self):
        self.client.force_login(self.editor)
        selected = [str(self.curly.pk), str(self.straight.pk)]
        confirm = self.client.post(TAGS_URL, {"action": "merge_tags", "_selected_action": selected, "index": "0"})
        self.assertEqual(confirm.context["form"]["target"].value(), self.straight.pk)  # 2 reports against 1
        refused = self.client.post(
            TAGS_URL, {"action": "merge_tags", "_selected_action": selected, "target": "99999", "apply": "1"}
        )
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "Select a valid choice")
        self.assertEqual(Tag.objects.filter(pk__in=selected).count(), 2)

    def test_merging_a_single_tag_into_itself_is_refused_with_a_message(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            TAGS_URL,
            {
                "action": "merge_tags",
                "_selected_action": [str(self.curly.pk)],
                "target": str(self.curly.pk),
                "apply": "1",
            },
        )
        self.assertRedirects(response, TAGS_URL, fetch_redirect_response=False)
        self.assertIn("Nothing was merged", " ".join(str(m) for m in self.client.get(TAGS_URL).context["messages"]))

    def test_a_forged_selection_gets_a_message_not_an_error(self):
        self.client.force_login(self.editor)
        for selected in (["abc"], ["9" * 30], ["²"], [str(self.curly.pk), "1; DROP TABLE"]):
            with self.subTest(selected=selected):
                response = self.client.post(
                    TAGS_URL, {"action": "merge_tags", "_selected_action": selected, "target": str(self.curly.pk),
                               "apply": "1"}
                )  # fmt: skip
                self.assertEqual(response.status_code, 302)
                self.assertIn("Select the tags to merge", str(list(self.client.get(TAGS_URL).context["messages"])))
        self.assertEqual(Tag.objects.count(), 3)
        self.assertFalse(TagMerge.objects.exists())

    def test_merge_role_matrix_as_direct_posts(self):
        for role in ROLE_MATRIX:
            with self.subTest(role=role):
                source = Tag.objects.create(name=f"kataib hezbollah {role}")
                make_report(f"Tagged for {role}", tags=[source.name])
                log_in_as(self.client, getattr(self, role, None))
                response = self.client.post(
                    TAGS_URL,
                    {"action": "merge_tags", "_selected_action": [str(source.pk)], "target": str(self.curly.pk),
                     "apply": "1"},
                )  # fmt: skip
                merged = not Tag.objects.filter(pk=source.pk).exists()
                self.assertEqual(response.status_code, {"anonymous": 302, "writer": 403, "editor": 302}[role])
                self.assertEqual(merged, role == "editor")
                if role == "anonymous":
                    self.assertIn(reverse("admin:login"), response["Location"])

    def test_writers_are_not_offered_the_merge(self):
        self.client.force_login(self.writer)
        self.assertNotContains(self.client.get(TAGS_URL), "Merge selected tags")
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(TAGS_URL), "Merge selected tags into…")


class TagHelpEndpointTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        cls.editor = make_user("editor")
        make_series()
        make_report(tags=["Kata’ib Hezbollah", "Kataib Hezbollah Brigades", "Hezbollah", "Baghdad", "Iran"])

    def test_autocomplete_matches_the_start_first_then_anywhere_ignoring_case_and_apostrophes(self):
        self.client.force_login(self.writer)
        self.assertEqual(
            self.client.get(AUTOCOMPLETE_URL, {"q": "kata'ib"}).json()["results"],
            ["Kata’ib Hezbollah", "Kataib Hezbollah Brigades"],
        )
        self.assertEqual(
            self.client.get(AUTOCOMPLETE_URL, {"q": "hezb"}).json()["results"],
            ["Hezbollah", "Kata’ib Hezbollah", "Kataib Hezbollah Brigades"],
        )
        self.assertEqual(self.client.get(AUTOCOMPLETE_URL, {"q": " "}).json(), {"results": []})
        self.assertEqual(self.client.get(AUTOCOMPLETE_URL).json(), {"results": []})

    def test_autocomplete_returns_ten_at_most(self):
        make_report("Many", tags=[f"Ba {i}" for i in range(15)])
        self.client.force_login(self.writer)
        self.assertEqual(len(self.client.get(AUTOCOMPLETE_URL, {"q": "ba"}).json()["results"]), 10)

    def test_suggestions_from_the_text_leave_out_tags_already_typed_and_flag_near_duplicates(self):
        self.client.force_login(self.writer)
        data = self.client.post(
            SUGGESTIONS_URL,
            {
                "summary": "Kata'ib Hezbollah fired on Baghdad.",
                "body": "Iran denied any role.",
                "tags": "kataib hezbollah, Basra, iran",
            },
        ).json()
        self.assertEqual(data["suggestions"], ["Baghdad"])  # "iran" is the tag Iran: not flagged either
        self.assertEqual(data["near_duplicates"], [{"tag": "kataib hezbollah", "existing": ["Kata’ib Hezbollah"]}])

    def test_suggestions_handle_bad_input(self):
        self.client.force_login(self.writer)
        self.assertEqual(self.client.post(SUGGESTIONS_URL, {}).json(), {"suggestions": [], "near_duplicates": []})
        unbalanced = self.client.post(SUGGESTIONS_URL, {"tags": '"Baghdad, Iran', "summary": "Iran"})
        self.assertEqual(unbalanced.status_code, 200)
        too_long = self.client.post(SUGGESTIONS_URL, {"body": "Iran " * 50_000})
        self.assertEqual(too_long.status_code, 400)
        self.assertIn("too long", too_long.json()["error"])
        self.assertEqual(self.client.get(SUGGESTIONS_URL).status_code, 405)

    def test_role_matrix(self):
        for role in ROLE_MATRIX:
            with self.subTest(role=role):
                log_in_as(self.client, getattr(self, role, None))
                expected = 302 if role == "anonymous" else 200
                self.assertEqual(self.client.get(AUTOCOMPLETE_URL, {"q": "ir"}).status_code, expected)
                self.assertEqual(self.client.post(SUGGESTIONS_URL, {"summary": "Iran"}).status_code, expected)


class TagsInTheReportFormTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = make_user("writer")
        make_series()
        make_report("Earlier", tags=["Kata’ib Hezbollah", "Baghdad", "Green Zone"])
        cls.draft = make_report(
            "Draft",
            status=Status.DRAFT,
            summary="Kata'ib Hezbollah shelled the Green Zone.",
            tags=["Green Zone"],
            created_by=cls.writer,
        )

    def setUp(self):
        self.client.force_login(self.writer)

    def test_the_change_form_suggests_vocabulary_tags_found_in_the_text(self):
        page = self.client.get(change_url(self.draft))
        self.assertEqual(page.context["desk"]["suggestions"], ["Kata’ib Hezbollah"])
        self.assertContains(page, 'data-tag="Kata’ib Hezbollah"')
        self.assertContains(page, f'data-autocomplete-url="{AUTOCOMPLETE_URL}"')

    def test_saving_a_near_duplicate_tag_is_allowed_and_flagged(self):
        response = submit(self.client, change_url(self.draft), tags="Green Zone, kataib hezbollah")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(sorted(self.draft.tags.names()), ["Green Zone", "kataib hezbollah"])
        messages = [str(m) for m in self.client.get(response["Location"]).context["messages"]]
        self.assertIn(
            "The tag “kataib hezbollah” nearly duplicates “Kata’ib Hezbollah”: an editor can merge them under Tags.",
            messages,
        )
        page = self.client.get(change_url(self.draft))
        self.assertContains(page, "The tag “kataib hezbollah” nearly duplicates “Kata’ib Hezbollah”")

    def test_tags_differing_only_in_case_reuse_the_existing_tag_without_a_flag(self):
        response = submit(self.client, change_url(self.draft), tags="green zone, BAGHDAD")
        self.assertEqual(sorted(self.draft.tags.names()), ["Baghdad", "Green Zone"])
        messages = [str(m) for m in self.client.get(response["Location"]).context["messages"]]
        self.assertFalse(any("nearly duplicates" in m for m in messages))
