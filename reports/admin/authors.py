"""Authors in the admin: the Author list (searched by the report form's autocomplete) and the
bylines inline on a report's change form."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.admin.mixins import PartOfTheReport, RefusesMalformedSelections, SavesThroughActions
from reports.editorial.actions import tags as vocabulary_actions
from reports.models import Author, ReportAuthor


@admin.register(Author)
class AuthorAdmin(RefusesMalformedSelections, SavesThroughActions, admin.ModelAdmin):
    list_display = ("name", "slug", "link")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    save_action = staticmethod(vocabulary_actions.save_author)
    delete_action = staticmethod(vocabulary_actions.delete_authors)


class ReportAuthorInline(PartOfTheReport, admin.TabularInline):
    """The bylines, in order: choose an author (or add one with +) and their place."""

    model = ReportAuthor
    fields = ("author", "position")
    autocomplete_fields = ("author",)
    extra = 1
    verbose_name = _("author")
    verbose_name_plural = _("authors (bylines, in order)")

    class Media:
        js = ["reports/admin-bylines.js"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        fields = formset.form.base_fields
        fields["position"].help_text = gettext("Lower numbers are named first.")
        # A table's column header is not a label: each control is named for screen readers.
        fields["position"].widget.attrs["aria-label"] = gettext("Position in the byline")
        author = fields["author"].widget
        author.widget.attrs["aria-label"] = gettext("Author")
        # Choosing or adding an author, yes; deleting one from a report's form, no (and never
        # a Delete link that could not succeed on an author who signs reports).
        author.can_delete_related = author.can_change_related = False
        return formset


def bylines_from(formset):
    """The authors a bylines formset holds, in the order its positions give (ties: as listed)."""
    rows = [
        (form.cleaned_data.get("position") or 0, index, form.cleaned_data["author"])
        for index, form in enumerate(formset.forms)
        if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
    ]
    return [author for _, _, author in sorted(rows, key=lambda row: row[:2])]


def posted_author_ids(data, prefix="bylines"):
    """The author ids a posted bylines inline names, in order; None when it was not posted.
    Read from the raw data, for the report form, which is cleaned before its inlines."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        return None
    rows = []
    for index in range(min(total, 1000)):
        author, position = data.get(f"{prefix}-{index}-author", ""), data.get(f"{prefix}-{index}-position", "")
        if not author or data.get(f"{prefix}-{index}-DELETE"):
            continue
        rows.append((int(position) if position.isascii() and position.isdigit() else 0, index, author))
    return [author for _, _, author in sorted(rows)]
