"""The public filters: one FilterSet, shared by the archive, the feeds, the API and alerts. The
parameter names (q, tag, week, from, to, series, year, author, lang, page) are a public interface."""

import copy
import datetime
import unicodedata

import django_filters
from django import forms
from django.contrib.postgres.fields import DateRangeField
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connections, router
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Exists, Func, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reports.caching.vocabulary import published_vocabulary, shown_name
from reports.models import Report, ReportAuthor, TaggedReport
from reports.public.search import query_words, search_reports
from reports.text.periods import FIRST_YEAR, LAST_YEAR, format_period, invalid, iso_week_label, parse_iso_week

YEAR_RANGE_MESSAGE = format_lazy(_("Enter a year from {first} to {last}."), first=FIRST_YEAR, last=LAST_YEAR)


class PeriodRange(Func):
    """A report's period as a date range, both ends included: the expression that migration
    0015's GiST index (report_period_range_idx) holds, written the very same way."""

    function = "daterange"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = DateRangeField()

    def __init__(self):
        super().__init__("period_start", "period_end")


def overlapping(qs, first=None, last=None):
    """The reports whose period overlaps the days from `first` to `last` (both included; None
    leaves that end open). On PostgreSQL as a range overlap, which the GiST index answers with
    the few matching reports; elsewhere as the same two comparisons of the ends."""
    if connections[qs.db].vendor == "postgresql":
        return qs.alias(period_range=PeriodRange()).filter(period_range__overlap=DateRange(first, last, "[]"))
    if last is not None:
        qs = qs.filter(period_start__lte=last)
    return qs.filter(period_end__gte=first) if first is not None else qs


class OverlapFilter:
    """The reports whose period overlaps the days its `days(value)` gives (first, last; None for an
    open end): what it selects, in SQL here and as a set by reports.public.sets.numbering."""

    def filter(self, qs, value):
        return qs if value in (None, "") else overlapping(qs, *self.days(value))


class PeriodFilter(OverlapFilter, django_filters.DateFilter):
    """`from` (periods ending on or after it) or `to` (starting on or before it)."""

    def days(self, value):
        return (value, None) if self.lookup_expr == "gte" else (None, value)


class IsoWeekField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return parse_iso_week(value) if value else None


class IsoWeekFilter(OverlapFilter, django_filters.Filter):
    field_class = IsoWeekField

    def days(self, value):
        return value  # (Monday, Sunday)


class SearchField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=200, widget=forms.SearchInput, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and any(unicodedata.category(char) == "Cc" for char in value):
            # Invisible, never typed on purpose, and not allowed in the feeds' XML.
            raise invalid(_("The search contains control characters; type it again."))
        if value and not query_words(value):
            raise invalid(_("Search for at least one word or number."))
        return value


class SearchFilter(django_filters.CharFilter):
    """Words in the title, summary or body; results are then ranked by relevance."""

    field_class = SearchField

    def filter(self, qs, value):
        return search_reports(qs, value) if value else qs


class YearFilter(OverlapFilter, django_filters.NumberFilter):
    """Reports whose period overlaps a calendar year, as the week and date filters do."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(
            min_value=FIRST_YEAR,
            max_value=LAST_YEAR,
            error_messages={
                "invalid": _("Enter a year as four digits, e.g. 2020."),
                "min_value": YEAR_RANGE_MESSAGE,
                "max_value": YEAR_RANGE_MESSAGE,
            },
            **kwargs,
        )

    def days(self, value):
        return datetime.date(value, 1, 1), datetime.date(value, 12, 31)


class VocabularyField(forms.Field):
    """Slugs checked against the published vocabulary (reports.caching.memo): no query per request."""

    part = ""  # the vocabulary's "tags" or "series"
    multiple = False

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.MultipleHiddenInput if self.multiple else forms.HiddenInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(v) for v in values if v not in self.empty_values]

    def clean(self, value):
        slugs = self.to_python(value)
        if not slugs:
            return [] if self.multiple else None
        for slug in slugs:
            ProhibitNullCharactersValidator()(slug)
        vocabulary = published_vocabulary()
        known = getattr(vocabulary, self.part)
        for slug in slugs:
            if slug not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
                )
        chosen = [vocabulary.named(self.part, slug) for slug in dict.fromkeys(slugs)]
        return chosen if self.multiple else chosen[-1]


class PublishedTagsField(VocabularyField):
    # Only tags a reader can see: a tag used by drafts alone is unknown to the public.
    part = "tags"
    multiple = True  # repeated tags narrow: a report must carry all of them
    default_error_messages = {"invalid_choice": _("There is no tag “%(value)s”.")}


class PublishedAuthorsField(VocabularyField):
    part = "authors"
    multiple = True  # repeated authors narrow: a report must be signed by all of them
    default_error_messages = {"invalid_choice": _("There is no author “%(value)s”.")}


class SeriesField(VocabularyField):
    part = "series"
    default_error_messages = {"invalid_choice": _("There is no such series.")}

    def to_python(self, value):
        return super().to_python(value)[-1:]  # the last one, as a single-valued parameter is read


class NarrowingFilter(django_filters.Filter):
    """Slugs in the URL, each one more EXISTS on a link table (tags, bylines) that the planner
    probes by (report, value) while it walks reports in the archive's order: repeated, they narrow."""

    link_model = None  # the link table
    report_field = value_field = ""  # its foreign keys to the report and to the value

    def filter(self, qs, values):
        for value in values or ():
            links = self.link_model.objects.filter(**{self.report_field: OuterRef("pk"), self.value_field: value.pk})
            qs = qs.filter(Exists(links))
        return qs


class TagFilter(NarrowingFilter):
    field_class = PublishedTagsField
    link_model, report_field, value_field = TaggedReport, "content_object", "tag_id"


class AuthorFilter(NarrowingFilter):
    field_class = PublishedAuthorsField
    link_model, report_field, value_field = ReportAuthor, "report", "author_id"


class SeriesFilter(django_filters.Filter):
    field_class = SeriesField

    def filter(self, qs, series):
        return qs.filter(series_id=series.pk) if series else qs


def listing_language(requested=None):
    """The language whose reports a listing shows: the `lang` parameter when given, else the
    language the page is in (English at the unprefixed addresses and the API, Arabic under /ar/)."""
    if requested:
        return requested
    active = (get_language() or "").split("-")[0]
    return active if active in Report.Language.values else Report.Language.ENGLISH


class LanguageFilter(django_filters.ChoiceFilter):
    """`lang`: the reports written in one language (en or ar); without it, the page's language."""

    def filter(self, qs, value):
        return qs.filter(language=listing_language(value))

    def __init__(self, **kwargs):
        invalid = {"invalid_choice": _("There is no language “%(value)s”; use en or ar.")}
        super().__init__(field_name="language", choices=Report.Language.choices, error_messages=invalid, **kwargs)


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            message = _("“From” (%(start)s) must not be after “to” (%(end)s).")
            self.add_error("from", invalid(message, start=start.isoformat(), end=end.isoformat()))
        return cleaned


DATE_INPUT = {
    "input_formats": ["%Y-%m-%d"],
    "error_messages": {"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2020-07-01.")},
}


class Shared(dict):
    """A FilterSet's filters or a form's fields, which each request copies: each one copied on
    its own, not deeply. None is changed once made, and these widgets are never rendered (the
    pages write their own inputs), so a deep copy (40% of the cost of the filters) copies nothing
    that needs it."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(value) for name, value in self.items()}


class ReportFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"), help_text="Words in the title, summary or text.")
    tag = TagFilter(
        label=_("Tags"),
        help_text="A tag's slug; repeat it to get the reports that carry all the given tags.",
    )
    week = IsoWeekFilter(label=_("Week"), help_text="Periods overlapping that ISO week, e.g. 2020-W34.")
    # `from` is a Python keyword, so it is declared through the class namespace.
    locals()["from"] = PeriodFilter(
        field_name="period_end",
        lookup_expr="gte",
        label=_("From"),
        help_text="Periods ending on or after it.",
        **DATE_INPUT,
    )
    to = PeriodFilter(
        field_name="period_start",
        lookup_expr="lte",
        label=_("To"),
        help_text="Periods starting on or before it.",
        **DATE_INPUT,
    )
    series = SeriesFilter(label=_("Series"), help_text="A series' slug.")
    year = YearFilter(label=_("Year"), help_text="Periods overlapping that calendar year.")
    author = AuthorFilter(
        label=_("Authors"),
        help_text="An author's slug; repeat it to get the reports that all the given authors signed.",
    )
    lang = LanguageFilter(
        label=_("Language"),
        help_text="The reports written in this language: en or ar. Without it, the page's language "
        "(English on the unprefixed site, feeds and API; Arabic under /ar/).",
    )

    # Each parameter as the active filters name it.
    FILTER_NAMES = {"q": _("Search"), "week": _("Week"), "from": _("From"), "to": _("To"), "tag": _("Tag"),
                    "series": _("Series"), "year": _("Year"), "author": _("Author"), "lang": _("Language")}  # fmt: skip
    # Parameters that may be repeated, each value narrowing the results.
    REPEATABLE = ("tag", "author")

    class Meta:
        model = Report
        fields = []
        form = ReportFilterForm

    def get_form_class(self):
        # The same form for every request: built once per class, where django-filter builds a
        # new form class each time (each form copies its fields anyway).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
            cls._form_class.base_fields = Shared(cls._form_class.base_fields)
        return cls._form_class

    def __init__(self, data=None, queryset=None, *, published=None, **kwargs):
        # `published` makes the base again for each compiled query (reports.caching.compiled), so
        # that its moment is a stand-in; without it, filtered() starts from `queryset`, as qs does.
        super().__init__(data, Report.objects.none() if queryset is None else queryset, **kwargs)
        self._queryset, self._published = queryset, published
        self.published = published or (lambda: self.queryset.all())

    @property
    def queryset(self):  # what qs filters, made when first asked for: most requests never do
        if self._queryset is None:
            self._queryset = self._published() if self._published else Report.objects.published()
        return self._queryset

    @queryset.setter
    def queryset(self, value):  # django-filter's __init__ sets it
        self._queryset = value

    db = property(lambda self: router.db_for_read(Report) if self._queryset is None else self._queryset.db)

    def query_values(self):
        """The valid filters' non-empty values, the listing language made explicit: for filtered()."""
        cleaned = self.form.cleaned_data
        values = {name: value for name, value in cleaned.items() if value not in (None, "", [], ())}
        values["lang"] = listing_language(cleaned.get("lang"))
        return values

    def filtered(self, values, without=()):
        """The published reports filtered by `values` (query_values() or stand-ins), but `without`."""
        reports = self.published()
        for name, value in values.items():
            if name not in without:
                reports = self.filters[name].filter(reports, value)
        return reports

    def cache_key(self):
        """What the valid filters select, in a canonical form: the key of results memoized per
        publication generation (reports.caching.memo). Parameter order and repeats do not matter."""
        if not self.is_valid():
            raise ValueError("Only valid filters have results to remember.")
        cleaned = self.form.cleaned_data
        week = cleaned.get("week")
        return (
            cleaned.get("q") or "",
            tuple(sorted(tag.slug for tag in cleaned.get("tag") or ())),
            week[0].isoformat() if week else "",
            *(cleaned[name].isoformat() if cleaned.get(name) else "" for name in ("from", "to")),
            cleaned["series"].slug if cleaned.get("series") else "",
            cleaned.get("year") or "",
            tuple(sorted(author.slug for author in cleaned.get("author") or ())),
            listing_language(cleaned.get("lang")),
        )

    def active_filters(self):
        """(parameter, raw value, label for people) for each filter in use, in URL order: valid
        ones labelled from their cleaned values (a value that cleans to nothing is no filter),
        invalid ones (shown so they can be removed) as they were typed."""
        if not self.is_bound:
            return []
        names = self.FILTER_NAMES
        # Only what the form applies: every tag, but the last value of a repeated single filter.
        applied = [
            (name, value)
            for name in dict.fromkeys(self.data)
            if name in names
            for value in (self.data.getlist(name) if name in self.REPEATABLE else [self.data.get(name)])
            if value
        ]
        if not self.is_valid():
            return [(name, value, f"{names[name]}: {value}") for name, value in applied]
        labels = self._cleaned_labels()
        return [(name, value, labels[name, value]) for name, value in applied if (name, value) in labels]

    def _cleaned_labels(self):
        """{(parameter, raw value): label} for every valid filter in use."""
        cleaned, names, raw = self.form.cleaned_data, self.FILTER_NAMES, self.data
        values = {("q", raw.get("q")): f"“{cleaned.get('q')}”" if cleaned.get("q") else None}
        values |= {("tag", t.slug): shown_name("tag", t.slug, t.name) for t in cleaned.get("tag") or ()}
        values |= {("author", a.slug): a.name for a in cleaned.get("author") or ()}
        if cleaned.get("week"):
            monday, sunday = cleaned["week"]
            values["week", raw["week"]] = f"{iso_week_label(monday)} ({format_period(monday, sunday)})"
        values |= {(name, raw.get(name)): cleaned[name].isoformat() for name in ("from", "to") if cleaned.get(name)}
        if series := cleaned.get("series"):
            values["series", series.slug] = shown_name("series", series.slug, series.name)
        if cleaned.get("year") is not None:
            values["year", raw["year"]] = cleaned["year"]
        if cleaned.get("lang"):
            values["lang", cleaned["lang"]] = Report.Language(cleaned["lang"]).label
        return {key: f"{names[key[0]]}: {value}" for key, value in values.items() if value is not None}


ReportFilter.base_filters = Shared(ReportFilter.base_filters)
