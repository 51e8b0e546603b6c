"""The Tag admin: report counts, near-duplicates flagged, and merging tags for editors.

Replaces taggit's own TagAdmin, whose merge moves only taggit's generic TaggedItem rows and
would leave our reports' tags (TaggedReport) behind.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from reports.admin.desk import as_pk
from reports.admin.mixins import RefusesMalformedSelections, SavesThroughActions
from reports.editorial import authoring, permissions
from reports.editorial.actions import tags as tag_actions
from reports.text import tagmatch

admin.site.unregister(Tag)


def _near_duplicate_map():
    """Each tag name that has near-duplicates -> the other names of its group."""
    return {
        name: [other for other in group if other != name]
        for group in tagmatch.near_duplicate_groups(authoring.tag_vocabulary())
        for name in group
    }


class NearDuplicateFilter(admin.SimpleListFilter):
    title = _("near-duplicates")
    parameter_name = "near_duplicates"

    def lookups(self, request, model_admin):
        return [("yes", gettext("Has near-duplicates"))]

    def queryset(self, request, queryset):
        return queryset.filter(name__in=_near_duplicate_map()) if self.value() == "yes" else queryset


class TagChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        near = _near_duplicate_map()  # one query for the page, not one a row
        for tag in self.result_list:
            tag.near_duplicate_names = near.get(tag.name, [])


class MergeTagsForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"),
        label=_("Merge into"),
        help_text=_("Every report of the other selected tags gets this tag instead; those tags are then deleted."),
    )


class TagForm(forms.ModelForm):
    """The tag's fields, and its name on Arabic pages (kept beside taggit's Tag)."""

    arabic_name = forms.CharField(
        label=_("Arabic name"),
        max_length=100,
        required=False,
        help_text=_("Shown on the Arabic site; empty: its name."),
    )

    class Meta:
        model = Tag
        fields = ("name", "slug")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["arabic_name"] = getattr(getattr(self.instance, "arabic_name", None), "name", "")


@admin.register(Tag)
class TagAdmin(RefusesMalformedSelections, SavesThroughActions, admin.ModelAdmin):
    list_display = ("name", "slug", "report_count", "near_duplicates")
    list_filter = (NearDuplicateFilter,)
    search_fields = ("name",)
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    form = TagForm
    fields = ("name", "arabic_name", "slug", "near_duplicates", "merge_history")
    readonly_fields = ("near_duplicates", "merge_history")
    actions = ["merge_tags"]
    save_action = staticmethod(tag_actions.save_tag)
    delete_action = staticmethod(tag_actions.delete_tags)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_count=Count("reports_taggedreport_items"))

    def get_changelist(self, request, **kwargs):
        return TagChangeList

    def save_model(self, request, obj, form, change):
        tag_actions.save_tag(obj, by=request.user, arabic_name=form.cleaned_data.get("arabic_name"))

    def has_merge_permission(self, request):
        return permissions.may_merge_tags(request.user)

    @admin.display(description=_("reports"), ordering="report_count")
    def report_count(self, tag):
        return tag.report_count

    @admin.display(description=_("near-duplicates"))
    def near_duplicates(self, tag):
        names = getattr(tag, "near_duplicate_names", None)
        if names is None:  # the change form: one tag, one look at the vocabulary
            names = tagmatch.near_duplicates_of(tag.name, authoring.tag_vocabulary()) if tag.pk else []
        return ("⚠ " + ", ".join(names)) if names else "—"

    @admin.display(description=_("merged into this tag"))
    def merge_history(self, tag):
        merges = tag.merges_in.select_related("merged_by") if tag.pk else []
        return format_html_join("", "<p>{}</p>", ((_merge_line(m),) for m in merges)) or "—"

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and request.POST.get("action") == "merge_tags":
            # A forged merge from someone who may not merge is refused outright, not ignored.
            if not self.has_merge_permission(request):
                raise PermissionDenied(gettext("Only editors can merge tags."))
            # Django would fail on a selection that is not tag ids; say so instead.
            selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
            if not all(as_pk(pk) is not None for pk in selected):
                self.message_user(request, gettext("Select the tags to merge from the list."), messages.ERROR)
                return redirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Merge selected tags into…"), permissions=["merge"])
    def merge_tags(self, request, queryset):
        tags = list(queryset.order_by("-report_count", "name"))
        form = MergeTagsForm(request.POST if "apply" in request.POST else None, initial={"target": tags[0].pk})
        if form.is_valid():
            target = form.cleaned_data["target"]
            try:
                records = tag_actions.merge_tags(tags, target, by=request.user)
            except tag_actions.MergeRefused as refused:
                self.message_user(
                    request, gettext("Nothing was merged: %(reason)s") % {"reason": refused}, messages.ERROR
                )
                return None
            self.log_change(request, target, f"Merged {_merged(records, False)} into this tag.")  # a record: English
            names = {"names": _merged(records), "target": target}
            self.message_user(request, gettext("Merged %(names)s into “%(target)s”.") % names, messages.SUCCESS)
            return None  # back to the change list
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge tags"),
            "opts": self.opts,
            "tags": tags,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "near_duplicates": tagmatch.near_duplicate_groups([tag.name for tag in tags]),
        }
        return TemplateResponse(request, "admin/taggit/tag/merge_tags.html", context)


def _merged(records, translated=True):
    """The merged tags and their report counts, for a message (or, in English, for the log)."""
    if not translated:
        return ", ".join(f"“{r.source_name}” ({len(r.report_ids)} report(s))" for r in records)
    return ", ".join(
        ngettext("“%(name)s” (%(count)s report(s))", "“%(name)s” (%(count)s report(s))", len(r.report_ids))
        % {"name": r.source_name, "count": len(r.report_ids)}
        for r in records
    )


def _merge_line(merge):
    count = len(merge.report_ids)
    line = ngettext(
        "“%(name)s” on %(moment)s by %(who)s: %(count)s report(s)",
        "“%(name)s” on %(moment)s by %(who)s: %(count)s report(s)",
        count,
    )
    return line % {
        "name": merge.source_name,
        "moment": f"{timezone.localtime(merge.merged_at):%Y-%m-%d %H:%M}",
        "who": merge.merged_by or gettext("unknown"),
        "count": count,
    }
