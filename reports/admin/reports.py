from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.admin import transitions, unsaved
from reports.admin.audit import ReportEventAdmin, ReportEventInline
from reports.admin.authors import ReportAuthorInline, bylines_from, posted_author_ids
from reports.admin.coverage import coverage_view
from reports.admin.desk import AuthoringFormMixin, ReportDeskAdminMixin
from reports.admin.history import ReportHistoryAdminMixin, ReportHistoryFormMixin
from reports.admin.inlines.figures import FigureInline, figure_rows, posted_figure_changes
from reports.admin.inlines.pdf import CurrentPdfMixin, PdfFormMixin
from reports.admin.listing import ReportListMixin
from reports.admin.mixins import RefusesMalformedSelections, SavesThroughActions, quoting
from reports.admin.queue import ReviewQueueMixin, TranslationDeskMixin
from reports.admin.tags import TagAdmin  # noqa: F401  (registers the Tag admin: counts, near-duplicates, merging)
from reports.admin.widgets import LabelledSplitDateTime
from reports.editorial import permissions
from reports.editorial.actions import editing, translating, workflow
from reports.editorial.actions import tags as tag_actions
from reports.importexport import exporting
from reports.models import Figure, Report, ReportAuthor, ReportEvent, Series

# The name of the submit buttons that ask for a transition; their value is the transition's name.
TRANSITION_FIELD = "_transition"
ZONE_HELP = lazy(lambda: gettext("Times are in %(zone)s, the site’s time zone.") % {"zone": settings.TIME_ZONE}, str)()


class ReportAdminForm(ReportHistoryFormMixin, AuthoringFormMixin, PdfFormMixin, forms.ModelForm):
    publish_at = forms.SplitDateTimeField(
        required=False,
        widget=LabelledSplitDateTime,
        label=_("Publish at"),
        help_text=format_lazy(
            "{} {}", _("Leave empty to publish now. A future date and time schedules the report."), ZONE_HELP
        ),
    )
    workflow_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        label=_("Note to the writer"),
        help_text=_("Required when you request changes; the writer sees it on the report."),
    )
    user = None  # set on the per-request form class by ReportAdmin.get_form
    needs_confirmation = False  # set by clean() when "Publish now" would break a schedule

    class Meta:
        model = Report
        fields = ["series", "title", "slug", "period_start", "period_end", "summary", "body", "tags", "translator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:  # absent when the form is read-only
            self.fields["slug"].required = False  # proposed from the title when left empty
            self.fields["slug"].help_text = slug_help(self.instance)
        if "tags" in self.fields:
            self.fields["tags"].help_text = gettext(
                "Actors, places and themes. Type a name and press Enter or a comma to add it "
                "(without JavaScript: names separated by commas)."
            )
        if self.instance.pk and self.instance.is_scheduled:
            # The go-live time stays on screen: an empty field would mean "now".
            self.fields["publish_at"].initial = timezone.localtime(self.instance.published_at).replace(second=0)
            self.fields["publish_at"].help_text = gettext(
                "When the report goes live. Saving keeps this time; change it and press Reschedule to move it. "
                "%(zone_help)s"
            ) % {"zone_help": ZONE_HELP}
        self.setup_history_fields()  # edit token, revision message, correction note

    def other_changes(self):
        changes = ["pdf"] if self.pdf_change() is not None else []
        if self.instance.pk is None:
            return changes
        posted = posted_author_ids(self.data)
        if posted is not None:
            bylines = self.instance.bylines.order_by("position", "pk")
            stored = [str(pk) for pk in bylines.values_list("author_id", flat=True)]
            if list(dict.fromkeys(posted)) != stored:
                changes.append("authors")
        if posted_figure_changes(self.data, self.files, self.instance):
            changes.append("figures")
        return changes

    def clean_slug(self):
        return self.cleaned_data["slug"] or slugify(self.cleaned_data.get("title", ""))[:255]

    def requested_transition(self):
        return self.data.get(TRANSITION_FIELD) or None

    def clean(self):
        # A refused transition fails validation, so nothing is saved and the admin shows the
        # form again with everything the user typed, plus the reason: the workflow's own check.
        cleaned = super().clean()
        self.clean_history(cleaned)  # edit conflicts and correction notes
        name = self.requested_transition()
        if name is None:
            return cleaned
        try:
            transitions.check(
                name, self.instance, self.user,
                note=cleaned.get("workflow_note", ""), publish_at=cleaned.get("publish_at"),
            )  # fmt: skip
        except transitions.NeedsConfirmation as question:
            self.needs_confirmation = True
            self.add_error(question.field, str(question))
        except workflow.TransitionRefused as refused:
            self.add_error(refused.field, quoting(str(refused)))  # it may quote the action posted
        return cleaned


def slug_help(report):
    address = report.get_absolute_url() if report.pk and report.slug else "/reports/your-slug/"
    return gettext("The report’s address: %(address)s Proposed from the title.") % {"address": address}


def _bound_to(data):
    def __init__(self, *args, **kwargs):
        kwargs["data"] = data
        super(type(self), self).__init__(*args, **kwargs)

    return __init__


@admin.register(Report)
class ReportAdmin(
    RefusesMalformedSelections,
    ReportListMixin,
    ReviewQueueMixin,
    ReportHistoryAdminMixin,
    ReportDeskAdminMixin,
    TranslationDeskMixin,
    CurrentPdfMixin,
    admin.ModelAdmin,
):
    form = ReportAdminForm
    change_form_template = "admin/reports/report/change_form.html"
    change_list_template = "admin/reports/report/change_list.html"
    list_select_related = ("series",)
    show_full_result_count = False  # one COUNT(*) over the whole table is enough
    search_fields = ("title", "summary", "body")
    date_hierarchy = "period_start"
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ReportAuthorInline, FigureInline, ReportEventInline]
    actions = ["export_csv", "translate"]
    autocomplete_fields = ("translator",)
    fieldsets = [
        (None, {"fields": ["series", "title", "slug", ("period_start", "period_end"), "summary", "body", "tags"]}),
        (_("PDF"), {"fields": ["current_pdf", "pdf", "remove_pdf"]}),
        (_("Translation"), {"fields": ["language_display", "translator"], "classes": ["collapse"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status_column",
                    "published_at_display",
                    "first_published_at_display",
                    ("created_at", "created_by"),
                    ("updated_at", "updated_by"),
                ]
            },
        ),
    ]
    readonly_fields = (
        "current_pdf",
        "language_display",
        "status_column",
        "published_at_display",
        "first_published_at_display",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_urls(self):
        view = self.admin_site.admin_view(partial(coverage_view, self))
        return [path("coverage/", view, name="reports_report_coverage"), *super().get_urls()]

    def has_change_permission(self, request, obj=None):
        # Writers may edit drafts and reports in review; a published or scheduled report is
        # the editors' to change.
        if obj is not None:
            return permissions.may_change(request.user, obj)
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET":
            request.unsaved_input = unsaved.take(request)
            if request.unsaved_input is not None:
                kept = gettext("This is the input you had not saved when your session expired. Review it and save.")
                self.message_user(request, kept, messages.WARNING)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        kept = getattr(request, "unsaved_input", None)
        if kept is not None:
            # Shown bound to the kept input (with any errors it has); saved only by a real POST.
            form = type(form.__name__, (form,), {"__init__": _bound_to(kept)})
        return form

    @admin.action(description=_("Export selected reports as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        """The reports ticked, or all that the filters show with "Select all", as export_reports
        writes them (reports.importexport.exporting: formula-like cells are guarded for spreadsheets)."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="reports-{timezone.localdate():%Y-%m-%d}.csv"'
        response.write("\ufeff")  # the byte-order mark makes Excel read the file as UTF-8
        exporting.write_csv(exporting.report_rows(queryset), response)
        return response

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "translator" and formfield is not None:
            # Choosing the translator, not deleting or editing an author from the report's form.
            formfield.widget.can_delete_related = formfield.widget.can_change_related = False
        if db_field.name in ("title", "summary", "body"):
            # Written in the report's language, whatever the editor's: each box follows its text.
            formfield.widget.attrs["dir"] = "auto"
        return formfield

    @admin.action(description=_("Translate"), permissions=["add"])
    def translate(self, request, queryset):
        """A linked draft in the other language for the one report ticked (tags and period
        copied), through the translate action; then its change page, to translate the text."""
        reports = list(queryset.defer("pdf_text")[:2])
        if len(reports) != 1:
            self.message_user(request, gettext("Tick one report to translate."), messages.WARNING)
            return None
        try:
            translation = translating.translate(reports[0], by=request.user)
        except translating.ActionRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return None
        self.message_user(
            request,
            gettext(
                "A draft translation into %(language)s was created from “%(original)s”: "
                "translate its title, summary and text, then submit it."
            )
            % {"language": translation.get_language_display(), "original": reports[0]},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:reports_report_change", args=[translation.pk]))

    @admin.display(description=_("language"))
    def language_display(self, report):
        return report.get_language_display()

    @admin.display(description=_("published at"))
    def published_at_display(self, report):
        if report.published_at is None:
            return gettext("Not published")
        if report.is_scheduled:
            return gettext("Not yet: scheduled for %(moment)s") % {"moment": transitions.zoned(report.published_at)}
        return transitions.zoned(report.published_at)

    @admin.display(description=_("first published at"))
    def first_published_at_display(self, report):
        first = report.first_published_at
        if first is None or first > timezone.now():
            return gettext("Not yet")
        return transitions.zoned(first)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # a new report has no publication yet, nor a PDF to remove
            return [fieldsets[0], (_("PDF"), {"fields": ["pdf"]})]
        return fieldsets

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []  # nor a history

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        report = obj or Report()
        context["workflow_actions"] = workflow.allowed_transitions(report, request.user)
        context["workflow_actions_names"] = {t.name for t in context["workflow_actions"]}
        context["workflow_buttons"] = transitions.buttons(report, request.user)
        context["save_is_primary"] = not any(button.primary for button in context["workflow_buttons"])
        context["status"] = transitions.status_summary(report)
        context["change_request"] = workflow.latest_change_request(report)
        context["needs_confirmation"] = context["adminform"].form.needs_confirmation
        context["report"] = report
        # Delete is offered only where it can succeed (the delete page still explains why not).
        context["show_delete"] = report.pk is not None and permissions.may_delete_report(request.user, report)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        posted = kwargs.get("data")
        parts = {ReportAuthorInline: ReportAuthor, FigureInline: Figure}
        if type(inline) in parts and posted is not None and f"{prefix}-TOTAL_FORMS" not in posted:
            # A form posted without the bylines or the figures (a script, or a page from before
            # them): they are left as they are, not read as "none".
            data = posted.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
            kwargs["data"] = data
            kwargs["queryset"] = parts[type(inline)].objects.none()
            request.absent_parts = {*getattr(request, "absent_parts", ()), parts[type(inline)]}
        return kwargs

    def save_model(self, request, obj, form, change):
        """Saved in save_related, with its tags and bylines, as one editorial action."""

    def save_related(self, request, form, formsets, change):
        # The fields, tags and bylines, a revision, an audit event (and the correction, for a
        # live report): one editorial action. form.save_m2m() and the bylines formset's save()
        # are not called; the workflow inline is read-only.
        absent = getattr(request, "absent_parts", set())
        bylines = next((fs for fs in formsets if fs.model is ReportAuthor and ReportAuthor not in absent), None)
        figures = next((fs for fs in formsets if fs.model is Figure and Figure not in absent), None)
        editing.save_report(
            form.instance,
            by=request.user,
            tags=form.cleaned_data.get("tags", []),
            authors=bylines_from(bylines) if bylines is not None else None,
            figures=figure_rows(figures) if figures is not None else None,
            message=form.cleaned_data.get("revision_message", ""),
            correction_note=form.cleaned_data.get("correction_note", ""),
            pdf=form.pdf_change(),
        )
        for formset in formsets:
            if formset.model in (ReportAuthor, Figure):
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change=change)
        # The edits are saved first, so a transition applies to what the user saw on screen.
        self.apply_requested_transition(request, form)

    def delete_model(self, request, obj):
        editing.delete_report(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for report in queryset:
            editing.delete_report(report, by=request.user)

    def apply_requested_transition(self, request, form):
        name = form.requested_transition()
        if name is None:
            return
        report = form.instance
        try:
            event = transitions.apply(
                name, report, request.user,
                note=form.cleaned_data.get("workflow_note", ""), publish_at=form.cleaned_data.get("publish_at"),
            )  # fmt: skip
        except workflow.TransitionRefused as refused:
            self.message_user(
                request, gettext("Your edits were saved, but: %(reason)s") % {"reason": refused}, messages.ERROR
            )
            return
        done = {"action": event.get_action_display(), "report": report}
        if event.action == ReportEvent.Action.SCHEDULE:
            done |= {"moment": formats.date_format(timezone.localtime(report.published_at), "DATETIME_FORMAT")}
            message = gettext("%(action)s for %(moment)s (%(zone)s): “%(report)s”.") % {
                **done,
                "zone": settings.TIME_ZONE,
            }
        else:
            message = gettext("%(action)s: “%(report)s”.") % done
        self.message_user(request, message, messages.SUCCESS)


@admin.register(Series)
class SeriesAdmin(RefusesMalformedSelections, SavesThroughActions, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    save_action = staticmethod(tag_actions.save_series)
    delete_action = staticmethod(tag_actions.delete_series)


admin.site.register(ReportEvent, ReportEventAdmin)
