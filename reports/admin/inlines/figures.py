"""The figures inline on a report's change form: add, reorder, replace and remove figures.

The inline only collects what the editor asks for (figure_rows); ReportAdmin.save_related
hands it to editing.save_report, which saves it as part of the one editorial action. An
upload is checked by decoding it, at its field, before anything is saved.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reports.admin.mixins import PartOfTheReport
from reports.editorial.actions.figures import TEXT_FIELDS, FigureRow
from reports.imaging.checks import ImageRefused, check_image
from reports.models import Figure

PREFIX = "figures"


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ["image", "alt_text", "caption", "credit", "long_description", "position"]
        widgets = {
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/avif"}),
            "long_description": forms.Textarea(attrs={"rows": 3, "cols": 40}),
        }

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and image is not getattr(self.instance, "image", None) and hasattr(image, "read"):
            if "image" in self.changed_data:
                try:
                    check_image(image)
                except ImageRefused as refused:
                    raise forms.ValidationError(str(refused)) from None
        return image


class FigureInline(PartOfTheReport, admin.StackedInline):
    """The report's figures, in order; the first is its lead image (the map)."""

    model = Figure
    form = FigureForm
    extra = 1
    verbose_name = _("figure")
    verbose_name_plural = _("figures (the first is the lead image; place figure N in the body with ![](figure:N))")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(retired_at__isnull=True)


def figure_rows(formset):
    """What a figures formset asks for, as rows for the editorial action."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        stored = form.instance if form.instance.pk else None
        upload = form.files.get(form.add_prefix("image")) if "image" in form.changed_data else None
        if stored is None and upload is None:
            continue
        texts = {name: data.get(name, "") or "" for name in TEXT_FIELDS}
        rows.append(
            FigureRow(stored, upload, **texts, position=data.get("position") or 0, delete=bool(data.get("DELETE")))
        )
    return rows


def posted_figure_changes(data, files, report):
    """Whether a posted figures inline changes the report's figures (for the correction note,
    asked for before the inlines are cleaned). Read from the raw data."""
    try:
        total = min(int(data.get(f"{PREFIX}-TOTAL_FORMS", "")), 1000)
    except ValueError:
        return False
    stored = {str(figure.pk): figure for figure in report.figures.current()}
    for index in range(total):
        field = f"{PREFIX}-{index}-"
        figure = stored.get(data.get(field + "id", ""))
        if files.get(field + "image") is not None:
            return True
        if figure is None:
            continue
        if data.get(field + "DELETE"):
            return True
        if str(figure.position) != data.get(field + "position", str(figure.position)):
            return True
        if any((data.get(field + name, "") or "").strip() != getattr(figure, name) for name in TEXT_FIELDS):
            return True
    return False
