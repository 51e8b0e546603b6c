"""Authors: who writes the reports, and each author's reports, newest period first."""

from django.http import Http404
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from reports.caching.memo import per_generation
from reports.caching.vocabulary import published_vocabulary
from reports.models import Author
from reports.public.filters import ReportFilter
from reports.public.listing import InPageLanguageMixin, KeptPagesMixin, KnownCountPaginator


class AuthorListView(TemplateView):
    """Every author readers can see a report of, with how many reports each signed: no query."""

    template_name = "reports/author_list.html"
    query_parameters = ()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"authors": published_vocabulary().author_counts()}


class AuthorView(InPageLanguageMixin, KeptPagesMixin, ListView):
    """One author's reports, newest period first, with their bio and their feeds."""

    template_name = "reports/author_detail.html"
    context_object_name = "reports"
    paginate_by = 20
    query_parameters = ("page",)

    @cached_property
    def author(self):
        # Known to readers only through a published report (checked without a query).
        vocabulary = published_vocabulary()
        slug = self.kwargs["slug"]
        if slug not in vocabulary.authors:
            raise Http404("No published report is signed by this author.")
        return vocabulary.author(slug)

    @cached_property
    def profile(self):
        """The bio and link, as plain values: one query per publication generation."""
        return per_generation("author-profile", self.author.slug, self._profile)

    def _profile(self):
        return Author.objects.filter(pk=self.author.pk).values("bio", "link").first() or {"bio": "", "link": ""}

    def get_queryset(self):
        reports = ReportFilter.base_filters["author"].filter(super().get_queryset(), [self.author])
        return reports.order_by("-period_start", "-pk")

    def get_paginator(self, queryset, per_page, **kwargs):
        count = per_generation("author-count", self.author.slug, lambda: queryset.order_by().count())
        return KnownCountPaginator(queryset, per_page, count=count, **kwargs)

    def page_key(self):
        return ("author", self.author.slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"author": self.author, "profile": self.profile}
