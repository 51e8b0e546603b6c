from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .filters import ReportFilter
from .models import Report

FEED_LENGTH = 50


class ReportFeed(Feed):
    """The archive as RSS, honouring the archive's filters (the same FilterSet)."""

    description_template = "reports/feed_description.html"

    def __call__(self, request, *args, **kwargs):
        filterset = ReportFilter(request.GET, queryset=Report.objects.published().for_listing())
        if not filterset.is_valid():
            errors = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in filterset.errors.items())
            return HttpResponseBadRequest(f"Invalid feed filter. {errors}", content_type="text/plain; charset=utf-8")
        request.report_filterset = filterset
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        return request.report_filterset

    def title(self, filterset):
        labels = [label for _, _, label in filterset.active_filters()]
        return "sitrep: situation reports" + (f" ({'; '.join(labels)})" if labels else "")

    def link(self, filterset):
        query = filterset.data.copy()
        query.pop("page", None)
        return reverse("reports:archive") + (f"?{query.urlencode()}" if query else "")

    def description(self, filterset):
        return "The latest published situation reports" + (" matching these filters." if filterset.data else ".")

    def items(self, filterset):
        return filterset.qs.order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_title(self, report):
        return report.title

    def item_pubdate(self, report):
        return report.first_published_at

    def item_updateddate(self, report):
        return report.last_modified

    def item_categories(self, report):
        return [tag.name for tag in report.tags.all()]

    def item_author_name(self, report):
        return report.series.name


class AtomReportFeed(ReportFeed):
    feed_type = Atom1Feed

    def subtitle(self, filterset):
        return self.description(filterset)
