"""The read API: published reports and their tags as JSON, filtered by the archive's own
FilterSet (through django-filter's DRF backend), described by OpenAPI at /api/schema/."""

from functools import partial

from django.core.paginator import Paginator
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from reports.caching.vocabulary import published_vocabulary
from reports.models import TaggedReport
from reports.public.citation import report_authors
from reports.public.filters import ReportFilter
from reports.public.listing import KnownCountPaginator, PublishedReportsMixin
from reports.text.numbers import plain_number

# The archive's own filter types, described for OpenAPI here rather than in filters.py; an
# explicit schema replaces the generated description, so it is given again.
for name, schema in {
    "week": {"type": "string", "pattern": r"^\d{4}-W\d{2}$", "example": "2020-W34"},
    "tag": {"type": "string", "example": "iran"},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2999, "example": 2020},
}.items():
    archive_filter = ReportFilter.base_filters[name]
    extend_schema_field({**schema, "description": archive_filter.extra["help_text"]})(type(archive_filter))


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


class TagSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()
    url = AbsoluteUrlField(lambda tag: reverse("reports:tag", args=[tag.slug]), help_text="The tag's thread.")


class TagCountSerializer(serializers.Serializer):
    name = serializers.CharField(source="tag__name")
    slug = serializers.SlugField(source="tag__slug")
    report_count = serializers.IntegerField(help_text="Published reports carrying it.")
    url = AbsoluteUrlField(lambda row: reverse("reports:tag", args=[row["tag__slug"]]), help_text="The tag's thread.")


class SeriesSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="period_start", help_text="First day covered.")
    end = serializers.DateField(source="period_end", help_text="Last day covered (included).")
    label = serializers.CharField(source="period_display", help_text="e.g. “July 29 – August 5, 2020”.")


class ReportSerializer(serializers.Serializer):
    """What a reader sees of a report; nothing about its workflow or who edited it."""

    slug = serializers.SlugField()
    title = serializers.CharField()
    url = AbsoluteUrlField(help_text="The report's page.")
    api_url = AbsoluteUrlField(lambda report: reverse("reports:api-report", args=[report.slug]))
    series = SeriesSerializer()
    period = PeriodSerializer(source="*")
    summary = serializers.CharField(help_text="The key takeaways, plain text.")
    body = serializers.CharField(help_text="Markdown, as written.")
    body_html = serializers.CharField(help_text="The body as the page shows it: sanitised HTML.")
    tags = TagSerializer(many=True, source="tag_list")
    authors = serializers.SerializerMethodField(help_text="The writer, or the series when the report is unsigned.")
    published_at = serializers.DateTimeField(source="first_published_at", help_text="First published.")
    updated_at = serializers.DateTimeField(source="last_modified", help_text="Last changed for readers.")

    def get_authors(self, report) -> list[str]:
        return [author.name for author in report_authors(report)]


class ReportFilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the filter set it validated on the view, so that the
    paginator's count (kept per generation) does not build and validate it a second time."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class PublishedReportsAPIMixin(PublishedReportsMixin):
    serializer_class = ReportSerializer  # over for_listing(): series, author, tags, last correction


@extend_schema(
    summary="Published reports",
    description="Newest period first, or most relevant first with `q`. Takes the archive's parameters; "
    "a bad value is a 400 whose JSON names the parameter.",
    responses={
        200: ReportSerializer(many=True),
        400: OpenApiResponse(
            {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            description="A bad parameter: its name, with what is wrong, e.g. "
            '`{"week": ["2020 has weeks W01 to W53; “2020-W60” is not one of them."]}`.',
        ),
    },
)
class ReportListAPIView(PublishedReportsAPIMixin, generics.ListAPIView):
    filter_backends = [ReportFilterBackend]
    filterset_class = ReportFilter
    pagination_class = Pagination

    def result_count(self):
        return self.filterset.count()


@extend_schema(summary="One published report", description="By its slug; a report not published is a 404.")
class ReportDetailAPIView(PublishedReportsAPIMixin, generics.RetrieveAPIView):
    lookup_field = "slug"


@extend_schema(summary="Tags", description="The tags of published reports, most used first.")
class TagListAPIView(PublishedReportsMixin, generics.ListAPIView):
    serializer_class = TagCountSerializer
    pagination_class = TagPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema needs only the serializer
            return TaggedReport.objects.none()
        return published_vocabulary().tag_counts()
