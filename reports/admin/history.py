"""The report's history in the admin: revisions, comparisons, restoring, corrections and
edit conflicts. (The audit trail's own pages are reports.admin.audit.)

ReportAdmin (reports.admin.reports) mixes ReportHistoryAdminMixin and ReportHistoryFormMixin in and
calls editing.record_save() from its save path; everything else about history lives here.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import normalize_newlines
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.admin.mixins import quoting
from reports.editorial import concurrency, diffs, revisions
from reports.editorial.actions import editing
from reports.editorial.audit import changed_fields_display
from reports.editorial.corrections import correction_required
from reports.models import CORRECTION_NOTE_MESSAGE
from reports.text.numbers import plain_number

NOTHING_TO_CORRECT = _(
    "Nothing in the report has changed, so there is nothing to correct: make the correction, or clear the note."
)


def correction_note_field():
    return forms.CharField(
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        label=_("Correction note"),
        help_text=_(
            "Required for any change to this published report. Readers see it on the report's page "
            "with today's date, e.g. “Corrected the date of the Ghaani meeting.”"
        ),
    )


def revision_message_field():
    return forms.CharField(
        required=False,
        max_length=200,
        label=_("Revision message"),
        help_text=_("Optional: what you changed and why, for the report's history."),
    )


class ReportHistoryFormMixin(forms.Form):
    """The change form's part in the history: an edit token, a revision message and, for a
    published report, the correction note. ReportAdminForm calls setup_history_fields() and
    clean_history()."""

    edit_token = forms.CharField(required=False, widget=forms.HiddenInput)
    revision_message = revision_message_field()
    correction_note = correction_note_field()
    conflict = None  # a concurrency.Conflict when the report changed under this form

    def setup_history_fields(self):
        if self.instance.pk is not None:
            self.fields["edit_token"].initial = concurrency.token_for(self.instance)
        if not correction_required(self.instance):
            del self.fields["correction_note"]

    def other_changes(self):
        """Names of what the form changes outside its own fields (the bylines inline)."""
        return []

    def submitted_content(self, cleaned):
        """The content being saved, as reports.editorial.revisions describes it; None if a field is invalid."""
        if any(name not in cleaned for name in revisions.CONTENT_FIELDS):
            return None
        content = {name: cleaned[name] for name in revisions.CONTENT_FIELDS}
        content["series"] = cleaned["series"].pk
        content["tags"] = revisions.tag_names(cleaned["tags"])
        return content

    def clean_history(self, cleaned):
        # Browsers send text areas with CRLF line ends; keep one form so that an untouched
        # field never counts as a change.
        for name in revisions.TEXT_FIELDS:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = normalize_newlines(cleaned[name])
        if self.instance.pk is None:
            return
        yours = self.submitted_content(cleaned)
        self.conflict = concurrency.find_conflict(self.instance, cleaned.get("edit_token"), yours=yours)
        if self.conflict:
            # The form comes back with the user's text and a fresh token: saving it again is
            # now a deliberate choice.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_token")] = self.conflict.token
            self.add_error(None, quoting(self.conflict.message))  # it names people
            return
        if "correction_note" not in self.fields or yours is None:
            return
        # Until _post_clean() the instance still holds what is stored.
        changed = diffs.changed_fields(revisions.content_of(self.instance), yours) + self.other_changes()
        note = cleaned.get("correction_note", "").strip()
        if changed and not note:
            self.add_error("correction_note", CORRECTION_NOTE_MESSAGE)
        elif note and not changed:
            self.add_error("correction_note", NOTHING_TO_CORRECT)


class RestoreForm(forms.Form):
    edit_token = forms.CharField(required=False, widget=forms.HiddenInput)
    revision_message = revision_message_field()
    correction_note = correction_note_field()

    def __init__(self, *args, report, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.report, self.target, self.conflict = report, target, None
        self.fields["edit_token"].initial = concurrency.token_for(report)
        if not correction_required(report):
            del self.fields["correction_note"]

    def clean(self):
        cleaned = super().clean()
        self.conflict = concurrency.find_conflict(self.report, cleaned.get("edit_token"), yours=self.target.content)
        if self.conflict:
            self.data = self.data.copy()
            self.data["edit_token"] = self.conflict.token
            raise quoting(self.conflict.message)
        if "correction_note" in self.fields and not cleaned.get("correction_note", "").strip():
            self.add_error("correction_note", CORRECTION_NOTE_MESSAGE)
        return cleaned


class ReportHistoryAdminMixin:
    """History, compare and restore pages for ReportAdmin, and their links on the change form."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def url(self, name, report):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=[report.pk])

    def compare_url(self, report, older, newer):
        return self.url("compare", report) + f"?from={older.id}&to={newer.id}"

    def restore_url(self, report, revision):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_restore",
            kwargs={"object_id": report.pk, "revision_id": revision.id},
        )

    def published_comparison(self, report, kept=None):
        """(published revision, current revision) while they differ, else None. Without the
        list of revisions `kept`, only those two are loaded."""
        published = revisions.published_revision(report, kept)
        if published is None:
            return None
        current = kept[-1] if kept else revisions.latest(report)
        if not diffs.changed_fields(published.content, current.content):
            return None
        return published, current

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["edit_conflict"] = getattr(context["adminform"].form, "conflict", None)
        if obj is not None and obj.pk is not None:
            comparison = self.published_comparison(obj)
            context["compare_with_published_url"] = self.compare_url(obj, *comparison) if comparison else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_report(self, request, object_id, *, change=False):
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404(gettext("There is no report with the id “%(id)s”.") % {"id": object_id})
        allowed = (
            self.has_change_permission(request, report)
            if change
            else self.has_view_or_change_permission(request, report)
        )
        if not allowed:
            raise PermissionDenied
        return report

    def history_context(self, request, report, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": report,
            "report": report,
            "title": title,
            "subtitle": str(report),
            "change_url": self.url("change", report),
            "history_url": self.url("history", report),
            "may_restore": self.has_change_permission(request, report),
            **extra,
        }

    def events_with_labels(self, report):
        events = list(report.events.select_related("actor"))
        for event in events:
            event.fields_label = changed_fields_display(event)
        return events

    def history_view(self, request, object_id, extra_context=None):
        """Replaces the admin's log-based history: the report's revisions and audit trail."""
        report = self.history_report(request, object_id)
        kept = revisions.history(report)
        rows = []
        for index, revision in enumerate(kept):
            previous = kept[index - 1] if index else None
            changed = diffs.changed_fields(previous.content, revision.content) if previous else []
            rows.append(
                {
                    "revision": revision,
                    "changed": ", ".join(diffs.label(name) for name in changed),
                    "is_current": index == len(kept) - 1,
                    "restore_url": self.restore_url(report, revision),
                }
            )
        rows.reverse()
        comparison = self.published_comparison(report, kept) if kept else None
        context = self.history_context(
            request,
            report,
            gettext("History: %(report)s") % {"report": report},
            rows=rows,
            default_from=kept[-2].id if len(kept) > 1 else None,
            default_to=kept[-1].id if kept else None,
            compare_action=self.url("compare", report),
            compare_with_published_url=self.compare_url(report, *comparison) if comparison else None,
            published=comparison[0] if comparison else None,
            events=self.events_with_labels(report),
            **(extra_context or {}),
        )
        return TemplateResponse(request, "admin/reports/report/history.html", context)

    def compare_view(self, request, object_id):
        report = self.history_report(request, object_id)
        kept = {revision.id: revision for revision in revisions.history(report)}
        chosen, problems = [], []
        sides = (("from", gettext("Choose a revision of this report for the older side of the comparison.")),)
        sides += (("to", gettext("Choose a revision of this report for the newer side of the comparison.")),)
        for name, problem in sides:
            revision = kept.get(plain_number(request.GET.get(name, "")))
            if revision is None:
                problems.append(problem)
            chosen.append(revision)
        title = gettext("Compare revisions: %(report)s") % {"report": report}
        context = self.history_context(request, report, title, problems=problems)
        if problems:
            return TemplateResponse(request, "admin/reports/report/compare.html", context, status=400)
        older, newer = chosen
        published = revisions.published_revision(report, list(kept.values()))
        current = max(kept.values(), key=lambda revision: revision.number)
        context.update(
            older=older,
            newer=newer,
            older_is_published=published is not None and older.id == published.id,
            changes=diffs.compare(older.content, newer.content),
            swap_url=self.compare_url(report, newer, older),
            restorable=[
                (revision, self.restore_url(report, revision))
                for revision in ((older,) if older.id == newer.id else (older, newer))
                if diffs.changed_fields(revision.content, current.content)
            ],
        )
        return TemplateResponse(request, "admin/reports/report/compare.html", context)

    def restore_view(self, request, object_id, revision_id):
        report = self.history_report(request, object_id, change=True)
        target = next((r for r in revisions.history(report) if r.id == revision_id), None)
        if target is None:
            raise Http404(gettext("This report has no such revision."))
        if request.method == "POST":
            with transaction.atomic():
                form = RestoreForm(request.POST, report=report, target=target)
                if form.is_valid():
                    try:
                        editing.restore(
                            report,
                            target,
                            by=request.user,
                            message=form.cleaned_data["revision_message"],
                            correction_note=form.cleaned_data.get("correction_note", ""),
                        )
                    except editing.RestoreRefused as refused:
                        form.add_error(None, str(refused))
                    else:
                        self.message_user(
                            request,
                            gettext("Restored revision %(number)s of “%(report)s”.")
                            % {"number": target.number, "report": report},
                            messages.SUCCESS,
                        )
                        return HttpResponseRedirect(self.url("change", report))
        else:
            form = RestoreForm(report=report, target=target)
        report.refresh_from_db()
        refusal = editing.restore_refusal(report, target, request.user)
        context = self.history_context(
            request,
            report,
            gettext("Restore revision %(number)s: %(report)s") % {"number": target.number, "report": report},
            target=target,
            form=form,
            conflict=form.conflict,
            refusal=refusal,
            changes=diffs.compare(revisions.content_of(report), target.content),
            needs_note=correction_required(report),
        )
        return TemplateResponse(request, "admin/reports/report/restore.html", context)
