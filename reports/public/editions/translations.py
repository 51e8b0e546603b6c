"""Reports in other languages: the one place that builds an address in a language, and the
alternates a report, its feed entry, the sitemap and the API give for its translations.

Addresses in a language come from `reverse()` under `translation.override(language)`: with
i18n_patterns (English unprefixed, Arabic under /ar/) they carry the language's prefix; without
them they are the same address.
"""

from typing import NamedTuple

from django.urls import reverse
from django.utils import translation

from reports.models import Report

LANGUAGE_NAMES = {"en": "English", "ar": "العربية"}  # each language in its own name, as "Also in" prints it


class Alternate(NamedTuple):
    """One language version of a report: its `hreflang`, its address (absolute when built with a
    request) and its title."""

    language: str
    url: str
    title: str
    name: str  # the language, in that language


def report_url_in(language, slug):
    """The address of the report `slug` on the site in `language`."""
    with translation.override(language):
        return reverse("reports:detail", kwargs={"slug": slug})


def api_url_in(slug):
    return reverse("reports:api-report", kwargs={"slug": slug})


def translations_of(report):
    """The other published language versions of a ReportPage, or of a Report fetched with
    with_translations()."""
    return report.translation_list if isinstance(report, Report) else report.translations


def alternates(report, absolute=lambda url: url):
    """Every published language version of `report` (a ReportPage or an annotated Report),
    itself included, in language order: each lists the same group, so each links back."""
    others = ((t.language, t.slug, t.title) for t in translations_of(report))
    versions = [(report.language, report.slug, report.title), *others]
    return [
        Alternate(language, absolute(report_url_in(language, slug)), title, LANGUAGE_NAMES.get(language, language))
        for language, slug, title in sorted(versions)
    ]


def x_default(report, absolute=lambda url: url):
    """The original's address (`hreflang="x-default"`): the report itself, unless it is a
    translation whose original is published."""
    if report.source_version_at is None:
        return absolute(report_url_in(report.language, report.slug))
    original = next((t for t in report.translations if t.is_original), None)
    if original is None:
        return None
    return absolute(report_url_in(original.language, original.slug))
