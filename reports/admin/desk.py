"""The editorial desk in the report admin: review queue, returned drafts, preview links,
period-aware authoring, tag help and the live Markdown preview.

ReportAdmin and its form take these in as mixins; every view here is an admin view (staff
only, CSRF-protected) and checks its own permission.
"""

import functools
import re
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from taggit.utils import parse_tags

from reports.admin.widgets import MarkdownPreviewTextarea, TagAutocompleteInput
from reports.editorial import authoring, desk, permissions
from reports.editorial.actions import previews as preview_actions
from reports.models import PreviewLink, Report, Series
from reports.public.views import previews
from reports.text import tagmatch
from reports.text.markdown import render_markdown
from reports.text.numbers import plain_number

MAX_PREVIEW_CHARACTERS = 200_000
PUBLIC_STYLESHEET = "sitrep.css"
AUTOCOMPLETE_RESULTS = 10
TITLE_HELP = _("Proposed in house style from the series and period when left empty; yours to change.")


class AuthoringFormMixin:
    """The report form's share: a title proposed in house style, live preview and tag widgets."""

    class Media:
        js = ["reports/admin-desk.js", "reports/admin-authoring.js", "reports/admin-status.js"]
        css = {"all": ["reports/admin-desk.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:  # fields are absent when the form is read-only
            self.fields["title"].required = False
            self.fields["title"].help_text = TITLE_HELP
        if "body" in self.fields:
            self.fields["body"].widget = MarkdownPreviewTextarea()
        if "tags" in self.fields:
            self.fields["tags"].widget = TagAutocompleteInput()

    def clean(self):
        cleaned = super().clean()
        if "title" in self.fields and not cleaned.get("title"):
            proposal = authoring.propose(cleaned.get("series"), cleaned.get("period_start"), cleaned.get("period_end"))
            if proposal is None:
                self.add_error("title", gettext("Enter a title, or choose the series and period to have one proposed."))
            else:
                cleaned["title"] = proposal.title
                cleaned["slug"] = cleaned.get("slug") or proposal.slug
        return cleaned


def _on_screen(form, report, name):
    """What a field holds now (as typed, or as initially shown), as Python; None while it is not
    valid. A read-only form has no fields: then it is what the report holds."""
    if name in form.fields:
        try:
            return form.fields[name].to_python(form[name].value())
        except ValidationError:
            return None
    if name == "series":
        return report.series if report.series_id else None
    return getattr(report, name, None)


def _tag_names(raw):
    if raw is None:
        return []
    if isinstance(raw, str):
        try:
            return parse_tags(raw)
        except ValueError:
            return []
    return [getattr(tag, "name", str(tag)) for tag in raw]


def tag_notes(text, typed_tags, names=None):
    """Vocabulary tags found in the text but not yet on the report, and typed tags that nearly
    duplicate existing ones."""
    names = authoring.tag_vocabulary() if names is None else names
    # Tags are case-insensitive (TAGGIT_CASE_INSENSITIVE): "baghdad" typed is the tag "Baghdad".
    by_case = {name.casefold(): name for name in names}
    typed = [by_case.get(name.casefold(), name) for name in typed_tags]
    typed_keys = {tagmatch.tag_key(name) for name in typed}
    suggestions = [name for name in tagmatch.propose_tags(text, names) if tagmatch.tag_key(name) not in typed_keys]
    near = [{"tag": name, "existing": others} for name in typed if (others := tagmatch.near_duplicates_of(name, names))]
    return suggestions, near


def authoring_notes(form, report):
    """Everything the change form says about the report being written, from what is on screen."""
    series, start, end = (_on_screen(form, report, name) for name in ("series", "period_start", "period_end"))
    text = "\n".join(filter(None, (_on_screen(form, report, name) for name in ("summary", "body"))))
    if "tags" in form.fields:
        typed = _tag_names(form["tags"].value())
    else:
        typed = [tag.name for tag in report.tags.all()] if report.pk else []
    suggestions, near = tag_notes(text, typed)
    proposal = authoring.propose(series, start, end)
    title = _on_screen(form, report, "title") or ""
    notes = {
        "proposal": proposal,
        # Said only when the title on screen is not already the house-style one.
        "show_proposal": proposal is not None and proposal.title != title,
        "warnings": authoring.period_warnings(series, start, end, exclude_pk=report.pk),
        "suggestions": suggestions,
        "near_duplicates": near,
    }
    notes["any"] = any(notes[key] for key in ("show_proposal", "warnings", "suggestions", "near_duplicates"))
    return notes


@functools.cache
def public_stylesheet_for_preview():
    css = Path(finders.find(PUBLIC_STYLESHEET)).read_text(encoding="utf-8")
    return re.sub(r"(^|[\s,}])(:root|body)(?=\s*[{,])", r"\1:host", css)


def as_pk(raw):
    """A primary key from a query string, or None: plain ASCII digits only (not "²" or "１")."""
    return plain_number(raw)


def _json_error(message, status=400):
    return JsonResponse({"error": message}, status=status)


def _local_input(moment):
    """A moment as <input type="datetime-local"> shows it, in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class ReportDeskAdminMixin:
    """Mixed into ReportAdmin: the desk's pages, JSON endpoints and change-form additions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("returned/", view(self.returned_view), name="reports_report_returned"),
            path("authoring/proposal/", view(require_GET(self.proposal_view)), name="reports_report_proposal"),
            path(
                "authoring/markdown-preview/",
                view(require_POST(self.markdown_preview_view)),
                name="reports_report_markdown_preview",
            ),
            path(
                "authoring/preview.css",
                view(require_GET(self.preview_stylesheet_view)),
                name="reports_report_preview_stylesheet",
            ),
            path(
                "tags/autocomplete/",
                view(require_GET(self.tag_autocomplete_view)),
                name="reports_report_tag_autocomplete",
            ),
            path(
                "tags/suggestions/",
                view(require_POST(self.tag_suggestions_view)),
                name="reports_report_tag_suggestions",
            ),
            path(
                "<path:object_id>/preview-links/",
                view(require_POST(self.create_preview_link_view)),
                name="reports_report_preview_link_create",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(require_POST(self.revoke_preview_link_view)),
                name="reports_report_preview_link_revoke",
            ),
            *super().get_urls(),
        ]

    # Pages ---------------------------------------------------------------------------------

    def desk_page(self, request, template, title, **context):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context}
        return TemplateResponse(request, template, context)

    def returned_view(self, request):
        if not permissions.is_writer(request.user):
            raise PermissionDenied(gettext("Only writers and editors have reports returned to them."))
        reports = desk.with_people(desk.returned_to(request.user), returned_by="returned_by_id")
        return self.desk_page(
            request, "admin/reports/report/returned.html", gettext("Returned to you"), reports=reports
        )

    # JSON endpoints for the change form's scripts -----------------------------------------

    @staticmethod
    def _require(request, allowed):
        if not allowed(request.user):
            raise PermissionDenied(gettext("You do not have permission to write reports."))

    def proposal_view(self, request):
        """GET series, period_start, period_end (and report, when editing): title, slug, warnings
        and the series' next period."""
        self._require(request, permissions.may_view)
        series = None
        if raw_series := request.GET.get("series", "").strip():
            series_pk = as_pk(raw_series)
            series = Series.objects.filter(pk=series_pk).first() if series_pk is not None else None
            if series is None:
                return _json_error(gettext("There is no series %(series)r.") % {"series": raw_series})
        dates, labels = {}, {"period_start": gettext("Period start"), "period_end": gettext("Period end")}
        for name in ("period_start", "period_end"):
            raw = request.GET.get(name, "").strip()
            try:
                dates[name] = forms.DateField(required=False).clean(raw)
            except ValidationError:
                return _json_error(
                    gettext("%(field)s: “%(value)s” is not a date.") % {"field": labels[name], "value": raw}
                )
        exclude = as_pk(request.GET.get("report", ""))
        start, end = dates["period_start"], dates["period_end"]
        proposal = authoring.propose(series, start, end)
        following = authoring.next_period(series)
        return JsonResponse(
            {
                "proposal": proposal and {"title": proposal.title, "slug": proposal.slug},
                "warnings": authoring.period_warnings(series, start, end, exclude_pk=exclude),
                "next_period": following and {"start": following[0].isoformat(), "end": following[1].isoformat()},
            }
        )

    def _post_text(self, request, *names):
        """The named POST fields, or a JSON error response for a request that is too big."""
        try:
            values = {name: request.POST.get(name, "") for name in names}
        except RequestDataTooBig:
            return None, _json_error(gettext("The text is too long to preview."), 413)
        if sum(len(value) for value in values.values()) > MAX_PREVIEW_CHARACTERS:
            limit = {"limit": f"{MAX_PREVIEW_CHARACTERS:,}"}
            return None, _json_error(gettext("The text is too long to preview (over %(limit)s characters).") % limit)
        return values, None

    def markdown_preview_view(self, request):
        """POST body: the body rendered by the same sanitising code as the public page."""
        self._require(request, permissions.may_write)
        values, error = self._post_text(request, "body")
        return error or JsonResponse({"html": str(render_markdown(values["body"]))})

    def preview_stylesheet_view(self, request):
        """The public stylesheet, for the live preview's shadow root: its page-wide rules (:root,
        body) apply to the preview's root instead. Nothing else is added."""
        self._require(request, permissions.may_view)
        response = HttpResponse(public_stylesheet_for_preview(), content_type="text/css; charset=utf-8")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def tag_autocomplete_view(self, request):
        """GET q: existing tags whose name starts with (then contains) what was typed, ignoring
        case, accents, apostrophes and spacing."""
        self._require(request, permissions.may_view)
        typed = tagmatch.tag_key(request.GET.get("q", "")[:100])
        if not typed:
            return JsonResponse({"results": []})
        keyed = sorted((tagmatch.tag_key(name), name.casefold(), name) for name in authoring.tag_vocabulary())
        starts = [name for key, _, name in keyed if key.startswith(typed)]
        contains = [name for key, _, name in keyed if typed in key and not key.startswith(typed)]
        return JsonResponse({"results": (starts + contains)[:AUTOCOMPLETE_RESULTS]})

    def tag_suggestions_view(self, request):
        """POST summary, body, tags: vocabulary tags found in the text, and near-duplicates typed."""
        self._require(request, permissions.may_write)
        values, error = self._post_text(request, "summary", "body", "tags")
        if error:
            return error
        suggestions, near = tag_notes(f"{values['summary']}\n{values['body']}", _tag_names(values["tags"]))
        return JsonResponse({"suggestions": suggestions, "near_duplicates": near})

    # Preview links -------------------------------------------------------------------------

    def _report_or_redirect(self, request, object_id):
        report = self.get_object(request, object_id)
        if report is None:
            return None, self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return report, None

    def _back_to(self, report):
        return redirect(reverse("admin:reports_report_change", args=[report.pk]) + "#preview-links")

    def create_preview_link_view(self, request, object_id):
        report, missing = self._report_or_redirect(request, object_id)
        if missing:
            return missing
        if not permissions.may_share_preview(request.user, report):
            raise PermissionDenied(gettext("Only editors and the report’s writer can share its preview links."))
        not_created = gettext("No preview link was created: %(reason)s")
        try:
            expires_at = previews.parse_expiry(request.POST.get("expires_at"))
            link = preview_actions.create_link(report, by=request.user, expires_at=expires_at)
        except (ValueError, preview_actions.PreviewRefused) as refused:
            self.message_user(request, not_created % {"reason": refused}, messages.ERROR)
        except ValidationError as invalid:
            self.message_user(request, not_created % {"reason": " ".join(invalid.messages)}, messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Preview link created, valid until %(moment)s: %(address)s")
                % {
                    "moment": f"{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}",
                    "address": request.build_absolute_uri(link.get_absolute_url()),
                },
                messages.SUCCESS,
            )
        return self._back_to(report)

    def revoke_preview_link_view(self, request, object_id, link_id):
        report, missing = self._report_or_redirect(request, object_id)
        if missing:
            return missing
        if not permissions.may_share_preview(request.user, report):
            raise PermissionDenied(gettext("Only editors and the report’s writer can revoke its preview links."))
        link = PreviewLink.objects.filter(report=report, pk=link_id).first()
        if link is None:
            self.message_user(request, gettext("That preview link does not exist."), messages.ERROR)
            return self._back_to(report)
        try:
            preview_actions.revoke_link(link, by=request.user)
        except preview_actions.PreviewRefused as refused:
            self.message_user(request, str(refused), messages.WARNING)
        else:
            self.message_user(
                request, gettext("Preview link revoked: it no longer shows the report."), messages.SUCCESS
            )
        return self._back_to(report)

    # The change form -----------------------------------------------------------------------

    def get_changeform_initial_data(self, request):
        """A new report starts with the period after its series' latest report, titled in house style."""
        initial = super().get_changeform_initial_data(request)
        if "series" not in initial:
            only = list(Series.objects.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                initial["series"] = only[0]
        series_pk = as_pk(initial.get("series", ""))
        series = Series.objects.filter(pk=series_pk).first() if series_pk is not None else None
        following = authoring.next_period(series)
        if following and not ({"period_start", "period_end"} & initial.keys()):
            initial["period_start"], initial["period_end"] = following
            if "title" not in initial:
                initial["title"] = authoring.propose(series, *following).title
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        report = obj or Report()
        form = context["adminform"].form
        context["desk"] = authoring_notes(form, report)
        if report.pk:
            context["preview_links"] = previews.links_for(report)
            context["can_revoke_preview"] = permissions.may_share_preview(request.user, report)
            context["can_share_preview"] = context["can_revoke_preview"] and not report.is_public
            context["preview_expiry_default"] = _local_input(preview_actions.default_expiry())
            context["preview_expiry_max"] = _local_input(timezone.now() + PreviewLink.MAX_LIFETIME)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def warn_after_save(self, request, report):
        """Saving is never blocked; what looks wrong is said afterwards."""
        for warning in authoring.period_warnings(
            report.series, report.period_start, report.period_end, exclude_pk=report.pk
        ):
            self.message_user(request, warning, messages.WARNING)
        names = authoring.tag_vocabulary()
        for tag in report.tags.all():
            if others := tagmatch.near_duplicates_of(tag.name, names):
                self.message_user(
                    request,
                    gettext("The tag “%(tag)s” nearly duplicates %(others)s: an editor can merge them under Tags.")
                    % {"tag": tag.name, "others": ", ".join(f"“{o}”" for o in others)},
                    messages.WARNING,
                )

    def response_add(self, request, obj, post_url_continue=None):
        self.warn_after_save(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self.warn_after_save(request, obj)
        return super().response_change(request, obj)
