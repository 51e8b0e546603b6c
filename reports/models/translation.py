"""A report's translations as queries see them: the other published reports of its translation
group (reports sharing its `translation_key`), and whether its original was corrected after it
was made. Used by ReportQuerySet.with_translations() and Report.translation_list."""

from typing import NamedTuple

from django.db import models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import JSONArray

from reports.models.correction import Correction


class TranslationRef(NamedTuple):
    """One report of a translation group as links to it show it; `is_original` for x-default."""

    language: str
    slug: str
    title: str
    is_original: bool


def translation_annotations(Report, group_array):
    """`translation_data`: the other published reports of the group as JSON rows (language,
    slug, title, 1 for the original); `original_corrected_at`: for a translation, when its
    published original was last corrected after the translation was made (else None); the
    translator's name and slug. `Report` is the model, `group_array` its JSON aggregate
    (reports.models.report passes them: this module does not import it)."""
    others = (
        Report.objects.published()
        .filter(translation_key=OuterRef("translation_key"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("translation_key")
        .annotate(
            rows=group_array(
                JSONArray(
                    "language",
                    "slug",
                    "title",
                    Case(When(source_version_at__isnull=True, then=Value(1)), default=Value(0)),
                )
            )
        )
        .values("rows")
    )
    later_corrections = Correction.objects.filter(
        report__in=Report.objects.published().filter(
            translation_key=OuterRef(OuterRef("translation_key")), source_version_at__isnull=True
        ),
        created_at__gt=OuterRef("source_version_at"),
    ).order_by("-created_at", "-pk")
    return {
        "translation_data": Subquery(others, output_field=models.JSONField()),
        "original_corrected_at": Subquery(later_corrections.values("created_at")[:1]),
        "translator_name": F("translator__name"),
        "translator_slug": F("translator__slug"),
    }


def translation_refs(report):
    """The other published reports of `report`'s translation group, as TranslationRefs in
    language order: from the with_translations() annotation, or one query."""
    if hasattr(report, "translation_data"):
        rows = report.translation_data or []
    else:
        group = type(report).objects.published().filter(translation_key=report.translation_key)
        columns = group.exclude(pk=report.pk).values_list("language", "slug", "title", "source_version_at")
        rows = [(language, slug, title, source is None) for language, slug, title, source in columns]
    return tuple(sorted(TranslationRef(lang, slug, title, bool(original)) for lang, slug, title, original in rows))
