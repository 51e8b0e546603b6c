"""Tags: the list of tags, and a tag's thread."""

import datetime

from django.db.models import Count, Max, Min
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.utils.functional import cached_property
from django.views.generic import ListView

from reports.caching.memo import per_generation
from reports.caching.vocabulary import published_vocabulary, shown_name
from reports.models import TaggedReport
from reports.public.charts import month_chart
from reports.public.filters import ReportFilter
from reports.public.listing import (
    InPageLanguageMixin,
    KeptPagesMixin,
    KnownCountPaginator,
    PublishedReportsMixin,
)
from reports.text.periods import format_period, iso_week_label


class TagListView(PublishedReportsMixin, ListView):
    query_parameters = ()
    template_name = "reports/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        return _shown(published_vocabulary().tag_counts())


class TagThreadView(InPageLanguageMixin, KeptPagesMixin, ListView):
    """One tag's reports in period order, as a thread, with when and how often it appears
    and the tags most often found with it."""

    query_parameters = ("page",)

    template_name = "reports/tag_thread.html"
    context_object_name = "reports"
    paginate_by = 50
    co_tags_shown = 10

    @cached_property
    def thread(self):
        """The tag's months and the tags most often found with it: two queries, once per
        publication generation."""
        return per_generation("tag-thread", self.tag.slug, self._thread)

    def _thread(self):
        tagged = TaggedReport.objects.filter(
            tag=self.tag, content_object__in=self.published_reports().order_by().values("pk")
        ).order_by()
        months = tagged.values(
            year=ExtractYear("content_object__period_start"), month=ExtractMonth("content_object__period_start")
        ).annotate(
            reports=Count("pk"),
            first_day=Min("content_object__period_start"),
            last_day=Max("content_object__period_end"),
        )
        co_tags = self.tagged_reports(self.tag).tag_counts().exclude(tag=self.tag)[: self.co_tags_shown]
        return list(months), _shown(co_tags)

    def tagged_reports(self, tag):
        return ReportFilter.base_filters["tag"].filter(super().get_queryset(), [tag])

    @cached_property
    def tag(self):
        # A tag only drafts use is unknown to the public (checked without a query).
        vocabulary = published_vocabulary()
        if self.kwargs["slug"] not in vocabulary.tags:
            raise Http404("No published report has this tag.")
        tag = vocabulary.tag(self.kwargs["slug"])
        tag.name = shown_name("tag", tag.slug, tag.name)  # only shown: the tag is found by its id
        return tag

    @cached_property
    def months(self):
        """Reports by the month their period starts, with the first and last day the tag covers."""
        return self.thread[0]

    def get_queryset(self):
        return self.tagged_reports(self.tag).order_by("period_start", "pk")

    def get_paginator(self, queryset, per_page, **kwargs):
        return KnownCountPaginator(queryset, per_page, count=sum(m["reports"] for m in self.months), **kwargs)

    def page_key(self):
        return ("tag", self.tag.slug)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tag"] = self.tag
        if not self.months:  # the tag is on reports in another language only
            return context
        first_day = min(m["first_day"] for m in self.months)
        last_day = max(m["last_day"] for m in self.months)
        context.update(
            tag=self.tag,
            first_week=_week_of(first_day),
            last_week=_week_of(last_day),
            chart=month_chart({(m["year"], m["month"]): m["reports"] for m in self.months}),
            co_tags=self.thread[1],
        )
        return context


def _shown(tag_counts):
    """Rows of tag_counts() with each tag's name as the page's language shows it."""
    return [row | {"tag__name": shown_name("tag", row["tag__slug"], row["tag__name"])} for row in tag_counts]


def _week_of(day):
    """(the ISO week's label, its Monday-to-Sunday period in words) of a day."""
    monday = day - datetime.timedelta(days=day.weekday())
    return iso_week_label(day), format_period(monday, monday + datetime.timedelta(days=6))
