"""The read API: published reports and their tags as JSON, filtered by the archive's own
FilterSet (through django-filter's DRF backend), described by OpenAPI at /api/schema/."""

from functools import partial

from django.core.paginator import Paginator
from django.db.models import Count, Value
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from reports.caching import compiled
from reports.caching.memo import per_generation
from reports.caching.vocabulary import published_vocabulary
from reports.imaging.renditions import MIME
from reports.models import Report, TaggedReport, slug_url
from reports.public.citation import report_authors
from reports.public.editions.translations import report_url_in
from reports.public.filters import ReportFilter
from reports.public.listing import CompiledPages, KnownCountPaginator, PublishedReportsMixin
from reports.public.media.files import file_url
from reports.public.media.pdf_links import pdf_url
from reports.public.sets import results as result_sets
from reports.text.numbers import plain_number
from reports.text.periods import FIRST_YEAR, LAST_YEAR

# The archive's own filter types, described for OpenAPI here rather than in filters.py, as
# exactly as a schema can say what the filters accept; an explicit schema replaces the generated
# description, so it is given again. (`from` and `to` are described as dates already.)
SLUG = r"^[-a-zA-Z0-9_]+$"
for name, schema in {
    "q": {"type": "string", "maxLength": 200, "example": "rocket attack"},
    "week": {"type": "string", "pattern": r"^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$", "example": "2020-W34"},
    # Tag slugs may be Unicode (taggit keeps non-Latin names); a tag is repeated to narrow.
    "tag": {"type": "array", "items": {"type": "string", "maxLength": 100, "example": "iran"}},
    "author": {"type": "array", "items": {"type": "string", "pattern": SLUG, "maxLength": 200, "example": "jane-doe"}},
    "series": {"type": "string", "pattern": SLUG, "maxLength": 200, "example": "iraq-situation-report"},
    "year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR, "example": 2020},
    "lang": {"type": "string", "enum": ["en", "ar"], "example": "ar"},
}.items():
    archive_filter = ReportFilter.base_filters[name]
    extend_schema_field({**schema, "description": archive_filter.extra["help_text"]})(type(archive_filter))


def bad_parameter(*names):
    """A 400: each bad parameter (of `names`) with what is wrong with it."""
    messages = {"type": "array", "items": {"type": "string"}, "minItems": 1}
    return OpenApiResponse(
        {
            "type": "object",
            "properties": dict.fromkeys(names, messages),
            "additionalProperties": False,
            "minProperties": 1,
        },
        description="A bad parameter: its name, with what is wrong, e.g. "
        '`{"week": ["2020 has weeks W01 to W53; “2020-W60” is not one of them."]}`.',
    )


# What the API answers besides 200: a bad parameter (above), and what is not there.
NOT_FOUND = inline_serializer("NotFound", {"detail": serializers.CharField()})
PAGE_NOT_FOUND = OpenApiResponse(
    NOT_FOUND,
    description='A page past the last, e.g. `{"detail": "There is no page 3: That page contains no results"}`.',
)


# Two answers come from before the API's views, as HTML: the site's "Not found" page for an address
# whose slug is not a slug at all (no URL matches it), and the web server's for an address longer
# than it reads (gunicorn takes request lines of up to 4,094 bytes: some 300 non-Latin characters).
NOT_A_SLUG = OpenApiResponse(OpenApiTypes.STR)
TOO_LONG = {
    (414, "text/html"): OpenApiResponse(
        OpenApiTypes.STR, description="URI Too Long: the web server's HTML page, for an address longer than it reads."
    )
}


class Pagination(PageNumberPagination):
    """`page` as the archive takes it; a page that is not a number is a bad parameter (400),
    a page past the end is not found (404)."""

    page_size = 20
    invalid_page_message = "There is no page {page_number}: {message}"

    def paginate_queryset(self, queryset, request, view=None):
        # The number of results comes from the view when it knows it (counted once per
        # publication generation), so that a page runs no COUNT over the archive.
        count = getattr(view, "result_count", None)
        self.django_paginator_class = partial(KnownCountPaginator, count=count()) if count else Paginator
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        digits = raw.lstrip("0")
        if not (raw.isascii() and raw.isdigit() and digits):
            # DRF's ValidationError formats nothing, so quoting the value here is safe.
            raise ValidationError({self.page_query_param: [f"“{raw}” is not a page number; pages start at 1."]})
        number = plain_number(digits)
        if number is None:  # more digits than any page needs (and than int() reads)
            no_results = Paginator.default_error_messages["no_results"]
            raise NotFound(self.invalid_page_message.format(page_number=f"{digits[:18]}…", message=no_results))
        return number

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number, from 1; a page past the last is a 404.",
                "schema": {"type": "integer", "minimum": 1, "example": 1},
            }
        ]


class TagPagination(Pagination):
    page_size = 100


class AbsoluteUrlField(serializers.Field):
    """The absolute URL of the object's public page."""

    def __init__(self, url_of=lambda obj: obj.get_absolute_url(), **kwargs):
        self.url_of = url_of
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        return self.context["request"].build_absolute_uri(self.url_of(obj))


extend_schema_field({"type": "string", "format": "uri"})(AbsoluteUrlField)


class ArabicNameField(serializers.CharField):
    """The name Arabic pages show a tag or series by, or null when it has none (no query: the
    names come with the publication state, reports.caching.vocabulary)."""

    def __init__(self, kind, slug_of, **kwargs):
        self.kind, self.slug_of = kind, slug_of
        help_text = "Its name on the Arabic site; null when it has none (the site then shows `name`)."
        super().__init__(source="*", read_only=True, allow_null=True, help_text=help_text, **kwargs)

    def to_representation(self, value):
        return published_vocabulary().arabic_names(self.kind).get(self.slug_of(value))


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    name_ar = ArabicNameField("tag", lambda tag: tag.slug)
    slug = serializers.SlugField(allow_unicode=True)  # as taggit makes them
    url = AbsoluteUrlField(lambda tag: slug_url("reports:tag", tag.slug), help_text="The tag's thread.")


class TagCountSerializer(serializers.Serializer):
    name = serializers.CharField(source="tag__name")
    name_ar = ArabicNameField("tag", lambda row: row["tag__slug"])
    slug = serializers.SlugField(source="tag__slug", allow_unicode=True)
    report_count = serializers.IntegerField(help_text="Published reports carrying it.")
    url = AbsoluteUrlField(lambda row: slug_url("reports:tag", row["tag__slug"]), help_text="The tag's thread.")


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    url = AbsoluteUrlField(help_text="The author's page.")


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    name_ar = ArabicNameField("series", lambda series: series.slug)
    slug = serializers.SlugField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period_start", help_text="First day covered.")
    end = serializers.DateField(source="period_end", help_text="Last day covered (included).")
    label = serializers.CharField(source="period_display", help_text="e.g. “July 29 – August 5, 2020”.")


class PdfSerializer(serializers.Serializer):
    url = AbsoluteUrlField(lambda report: pdf_url(report.slug), help_text="The PDF, named after the report.")
    size = serializers.IntegerField(source="pdf.size", help_text="In bytes.")
    page_count = serializers.IntegerField(source="pdf.page_count", help_text="Its number of pages.")


FORMAT_ORDER = tuple(MIME)  # avif, webp, jpg: the smallest files first
RENDITION_TYPES = [MIME[extension] for extension in FORMAT_ORDER]


class RenditionSerializer(serializers.Serializer):
    """One of a figure's resized copies (a dict of Figure.renditions)."""

    url = AbsoluteUrlField(lambda rendition: file_url(rendition["name"]))
    width = serializers.IntegerField(help_text="In pixels; the height keeps the original's proportions.")
    type = serializers.SerializerMethodField(help_text="Its media type: AVIF, WebP or JPEG.")

    @extend_schema_field({"type": "string", "enum": RENDITION_TYPES})
    def get_type(self, rendition):
        return MIME[rendition["ext"]]


class CardSerializer(serializers.Serializer):
    """The 1200×630 JPEG that link previews show (OpenGraph, Twitter, the feeds)."""

    url = AbsoluteUrlField(lambda rendition: file_url(rendition["name"]))
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class FigureSerializer(serializers.Serializer):
    """One of a report's figures (a FigureData, from the listing's own query): its original and
    the renditions made of it, which are empty until a background task has made them."""

    url = AbsoluteUrlField(lambda figure: file_url(figure.image), help_text="The original image.")
    width = serializers.IntegerField(help_text="The original's width in pixels.")
    height = serializers.IntegerField(help_text="The original's height in pixels.")
    alt_text = serializers.CharField(help_text="What the image shows, for people who cannot see it.")
    caption = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True)
    long_description = serializers.CharField(allow_blank=True, help_text="For a map or chart: what it shows in words.")
    renditions = serializers.SerializerMethodField(help_text="Smaller copies, narrowest first; AVIF, WebP, then JPEG.")
    card = serializers.SerializerMethodField(help_text="The 1200×630 card; null until it has been made.")

    @extend_schema_field(RenditionSerializer(many=True))
    def get_renditions(self, figure):
        widths = [r for r in figure.renditions if r.get("kind") == "w" and r.get("ext") in MIME]
        widths.sort(key=lambda r: (r["width"], FORMAT_ORDER.index(r["ext"])))
        return RenditionSerializer(widths, many=True, context=self.context).data

    @extend_schema_field(CardSerializer(allow_null=True))
    def get_card(self, figure):
        card = next((r for r in figure.renditions if r.get("kind") == "card"), None)
        return CardSerializer(card, context=self.context).data if card else None


class TranslationSerializer(serializers.Serializer):
    """One other published language version of a report (a TranslationRef)."""

    language = serializers.ChoiceField(choices=Report.Language.choices, help_text="Its language: en or ar.")
    url = AbsoluteUrlField(lambda ref: report_url_in(ref.language, ref.slug), help_text="Its page.")
    api_url = AbsoluteUrlField(lambda ref: slug_url("reports:api-report", ref.slug), help_text="It in this API.")


class ReportSerializer(serializers.Serializer):
    """What a reader sees of a report; nothing about its workflow or who edited it."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    url = AbsoluteUrlField(help_text="The report's page.")
    api_url = AbsoluteUrlField(lambda report: slug_url("reports:api-report", report.slug))
    series = SeriesSerializer()
    period = PeriodSerializer(source="*")
    summary = serializers.CharField(help_text="The key takeaways, plain text.")
    body = serializers.CharField(help_text="Markdown, as written.")
    body_html = serializers.CharField(help_text="The body as the page shows it: sanitised HTML.")
    tags = TagSerializer(many=True, source="tag_list")
    authors = serializers.SerializerMethodField(help_text="The bylines' names; the series when unsigned.")
    bylines = AuthorSerializer(many=True, source="author_list", help_text="The authors who signed it, in order.")
    published_at = serializers.DateTimeField(source="first_published_at", help_text="First published.")
    updated_at = serializers.DateTimeField(source="last_modified", help_text="Last changed for readers.")
    pdf = serializers.SerializerMethodField(help_text="The report as a PDF; null when it has none.")
    figures = FigureSerializer(many=True, source="figure_list", help_text="Its images, the lead one first.")
    language = serializers.ChoiceField(choices=Report.Language.choices, help_text="Written in: en or ar.")
    translations = TranslationSerializer(
        many=True,
        source="translation_list",
        help_text="The report in its other languages: the original and its published translations.",
    )

    def get_authors(self, report) -> list[str]:
        return [author.name for author in report_authors(report)]

    @extend_schema_field(PdfSerializer(allow_null=True))
    def get_pdf(self, report):
        return PdfSerializer(report, context=self.context).data if report.pdf else None


class ReportFilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the filter set it validated on the view, so that the
    paginator's count (kept per generation) does not build and validate it a second time."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "published": view.listed_reports}

    def filter_queryset(self, request, queryset, view):
        # What django-filter's backend does, but its `filterset.qs`: the pages are compiled.
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        view.pages = CompiledPages(filterset, Pagination.page_size)
        return view.pages


class PublishedReportsAPIMixin(PublishedReportsMixin):
    serializer_class = ReportSerializer  # over for_listing(): series, author, tags, last correction

    def get_queryset(self):
        # The PDF and the language versions in the same query.
        return super().get_queryset().with_pdf().with_translations().defer("pdf_text")


@extend_schema(
    summary="Published reports",
    description="Newest period first, or most relevant first with `q`. Takes the archive's parameters; "
    "a bad value is a 400 whose JSON names the parameter.",
    responses={
        200: ReportSerializer(many=True),
        400: bad_parameter(*ReportFilter.base_filters, "page"),
        404: PAGE_NOT_FOUND,
        **TOO_LONG,
    },
)
class ReportListAPIView(PublishedReportsAPIMixin, generics.ListAPIView):
    query_parameters = (*tuple(ReportFilter.base_filters), "page", "format")
    filter_backends = [ReportFilterBackend]
    filterset_class = ReportFilter
    pagination_class = Pagination

    def get_queryset(self):
        # DRF asks for it on every request, but the pages are compiled once from listed_reports()
        # (ReportFilterBackend, reports.caching.compiled): the count needs only the published rows.
        return Report.objects.published()

    def listed_reports(self):
        return super().get_queryset()

    def result_count(self):
        """How many published reports the filters select, counted once per generation."""
        return per_generation("count", self.filterset.cache_key(), self._count)

    def _count(self):
        if result_sets.answers(self.filterset):  # filters that are all sets: counted from them
            return result_sets.of(self.filterset).total
        if self.request.query_params.get("page", "1") == "1":
            # The first page and one row more: when that is all there is, it is the count.
            first = self.pages.first_rows()
            if len(first) <= Pagination.page_size:
                return len(first)

        # COUNT as one row of values (a constant grouping is no grouping), so that it compiles.
        def counting(**values):
            reports = self.filterset.filtered(values).order_by()
            return reports.values(one=Value(1)).annotate(n=Count("pk")).values_list("n")

        return compiled.run("count", counting, **self.filterset.query_values())[0][0]


@extend_schema(
    summary="One published report",
    description="By its slug; a report not published is a 404.",
    parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=SLUG, description="The report's slug.")],
    responses={
        200: ReportSerializer,
        404: OpenApiResponse(
            NOT_FOUND,
            description='No published report has that slug: `{"detail": "No Report matches the given query."}`; '
            "or, as HTML, the site's “Not found” page when the slug is not a slug at all.",
        ),
        (404, "text/html"): NOT_A_SLUG,
        **TOO_LONG,
    },
)
class ReportDetailAPIView(PublishedReportsAPIMixin, generics.RetrieveAPIView):
    query_parameters = ("format",)
    lookup_field = "slug"


@extend_schema(
    summary="Tags",
    description="The tags of published reports, most used first.",
    responses={200: TagCountSerializer(many=True), 400: bad_parameter("page"), 404: PAGE_NOT_FOUND, **TOO_LONG},
)
class TagListAPIView(PublishedReportsMixin, generics.ListAPIView):
    query_parameters = ("page", "format")
    serializer_class = TagCountSerializer
    pagination_class = TagPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema needs only the serializer
            return TaggedReport.objects.none()
        return published_vocabulary().tag_counts()
