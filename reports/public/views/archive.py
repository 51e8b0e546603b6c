"""The archive: the published reports, filtered, searched and faceted."""

import datetime

from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django_filters.views import FilterView

from reports.caching.memo import per_generation
from reports.public.facets import ArchiveFacets, panel_html, query_string
from reports.public.filters import ReportFilter
from reports.public.listing import (
    FilteredLater,
    KeptPagesMixin,
    KnownCountPaginator,
    RankedResults,
)
from reports.text.periods import iso_week_label

FACET_NAMES = ("tag", "author", "series", "year")
# Chosen by a link rather than typed into the form (the facets; the language, from the switcher or
# a link with ?lang=), and kept as hidden inputs when the form is sent.
LINKED_NAMES = (*FACET_NAMES, "lang")


class ArchiveView(KeptPagesMixin, FilterView):
    # What the page cache keys on (reports.caching.page_cache): the filters and the page.
    query_parameters = (*tuple(ReportFilter.base_filters), "page")
    filterset_class = ReportFilter
    template_name = "reports/archive.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so that "no filters" is simply a valid, empty set of filters.
        # Its base is made only if asked for (ReportFilter.queryset), which most requests never do.
        return {"data": self.request.GET, "request": self.request, "published": self.get_queryset}

    @cached_property
    def facets(self):
        if not self.filterset.is_valid():
            return None
        first = self.request.GET.get(self.page_kwarg, "1") == "1"
        return ArchiveFacets(self.filterset, self.object_list if first else None)

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.facets is None:
            return super().get_paginator(queryset, per_page, **kwargs)
        if self.filterset.form.cleaned_data.get("q"):
            queryset = RankedResults(self.filterset, self.facets.total)
        return KnownCountPaginator(queryset, per_page, count=self.facets.total, **kwargs)

    def get(self, request, *args, **kwargs):
        # The filter form sends its empty fields too; bookmarks and feed links should not carry them.
        if any(value == "" for _, values in request.GET.lists() for value in values):
            clean = request.GET.copy()
            for name, values in request.GET.lists():
                clean.setlist(name, [value for value in values if value != ""])
            return redirect(f"{request.path}?{clean.urlencode()}" if clean else request.path)
        self.filterset = self.get_filterset(self.get_filterset_class())
        valid = self.filterset.is_valid()
        self.object_list = FilteredLater(self.filterset, self.paginate_by) if valid else self.filterset.queryset.none()
        response = self.render_to_response(self.get_context_data(filter=self.filterset, object_list=self.object_list))
        if not valid:
            response.status_code = 400  # the page still renders, with the reason at the filter
        return response

    def page_key(self):
        return ("archive", self.filterset.cache_key()) if self.facets is not None else None

    def search_query(self):
        return self.filterset.form.cleaned_data.get("q") if self.facets is not None else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The query but its page, as [(name, [values])] in QueryDict's order: each link below
        # changes it as a list rather than copying the QueryDict (a deep copy) for each one.
        query = [(name, values) for name, values in self.request.GET.lists() if name != self.page_kwarg]
        context["filter_query"] = query_string(query)
        # Tags, series and years are chosen from the facets; the form keeps them as they are.
        context["linked_errors"], context["typed_fields"] = form_fields(self.filterset.form)
        chosen = dict(query)
        context["chosen_facets"] = [(name, value) for name in LINKED_NAMES for value in chosen.get(name, ())]
        context["active_filters"] = [
            (label, _without(query, name, value)) for name, value, label in self.filterset.active_filters()
        ]
        context["facets"] = self.facets
        context["search_query"] = self.search_query()
        if self.facets is not None:
            # ~300 links: built once per generation and query, whatever the page number.
            html = per_generation("facets-html", context["filter_query"], lambda: str(panel_html(self.facets.groups)))
            context["facets_html"] = mark_safe(html)  # built by facets.panel_html, escaped there
            week = self.filterset.form.cleaned_data.get("week")
            if week:
                context["week_links"] = _neighbouring_weeks(query, week[0])
        return context


def form_fields(form):
    """(the errors of the linked fields, the typed fields as plain values): what the page's form
    shows of each field, read once here rather than by the template's lookups on bound fields."""
    linked, typed = [], []
    for bound in form:
        errors = list(bound.errors)
        if bound.name not in LINKED_NAMES:
            typed.append({"name": bound.name, "id": bound.id_for_label, "label": bound.label,
                          "value": bound.value(), "errors": errors})  # fmt: skip
        elif errors:
            linked.append((bound.name, errors))
    return linked, typed


def _neighbouring_weeks(query, monday):
    """(rel, label, query string) for the weeks before and after the filtered one; none past
    the calendar's ends (year 1 or 9999)."""
    links = []
    for rel, label, days in (("prev", gettext("Previous week"), -7), ("next", gettext("Next week"), 7)):
        try:
            day = monday + datetime.timedelta(days=days)
        except OverflowError:
            continue
        week = iso_week_label(day)
        week_query = [(name, [week] if name == "week" else values) for name, values in query]
        links.append((rel, f"{label}: {week}", query_string(week_query)))
    return links


def _without(query, name, value):
    """The query string with one value of one parameter removed."""
    return query_string([(key, [v for v in values if key != name or v != value]) for key, values in query])
