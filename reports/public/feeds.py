from functools import partial
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import http_date
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, pgettext

from reports.caching import compiled
from reports.caching.vocabulary import shown_name
from reports.models import Report
from reports.models.correction import correction_notes, corrections_json
from reports.public.citation import report_authors
from reports.public.editions.translations import alternates
from reports.public.filters import ReportFilter
from reports.public.media.pdf_links import pdf_url
from reports.public.media.pictures import picture
from reports.public.sets import results as result_sets

FEED_LENGTH = 50
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
MEDIA_RSS = "http://search.yahoo.com/mrss/"  # the lead figure's card (the enclosure is left to files)


def add_lead_image(handler, item):
    """Media RSS: the 1200×630 card of the report's lead figure, with its alt text."""
    if item.get("image"):
        path, alt = item["image"]
        url = urljoin(item["link"], path)
        handler.addQuickElement("media:content", attrs={"url": url, "medium": "image", "type": "image/jpeg",
                                                       "width": "1200", "height": "630"})  # fmt: skip
        handler.addQuickElement("media:description", alt, attrs={"type": "plain"})


class ReportRssGenerator(Rss201rev2Feed):
    """RSS 2.0 has no element for the period a report covers, nor for its last change:
    Dublin Core's coverage and Atom's updated say them, as feed readers understand."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        handler.addQuickElement("dc:coverage", item["coverage"])
        add_lead_image(handler, item)


class ReportAtomGenerator(Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:media": MEDIA_RSS}

    def add_item_elements(self, handler, item):
        # The entry's page in each language it is published in (reports.public.editions.translations),
        # before the entry's own link: feed readers take the last plain alternate as the entry's.
        for language, path in item["alternates"]:
            handler.addQuickElement("link", "", {"rel": "alternate", "href": urljoin(self.feed["link"], path),
                                                 "hreflang": language})  # fmt: skip
        super().add_item_elements(handler, item)
        handler.addQuickElement("dc:coverage", item["coverage"])
        add_lead_image(handler, item)


class ReportFeed(Feed):
    """The archive as RSS, honouring the archive's filters (the same FilterSet), search included."""

    query_parameters = tuple(ReportFilter.base_filters)

    feed_type = ReportRssGenerator
    url_name = "reports:feed-rss"

    def __call__(self, request, *args, **kwargs):
        filterset = ReportFilter(request.GET, request=request, published=self.published_reports)
        if not filterset.is_valid():
            errors = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in filterset.errors.items())
            message = gettext("Invalid feed filter. %(errors)s") % {"errors": errors}
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        feed = self.get_feed(filterset, request)
        # Written to a string, then to the response once: Django's Feed writes each of some
        # 2,000 XML fragments to the response separately, which cost more than the rest.
        response = HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)
        response.headers["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
        return response

    def get_feed(self, filterset, request):
        """The feed, as Feed.get_feed() fills it, from this class's own methods called directly:
        Feed finds each of some fifteen attributes of every entry by introspection, which cost
        about as much as the entries' values themselves."""
        domain, secure = get_current_site(request).domain, request.is_secure()
        feed = self.feed_type(
            title=self.title(filterset),
            subtitle=self.subtitle(filterset),
            link=add_domain(domain, self.link(filterset), secure),
            description=self.description(filterset),
            language=get_language(),
            feed_url=add_domain(domain, self.feed_url(filterset), secure),
        )
        for report in self.items(filterset):
            link = add_domain(domain, report.get_absolute_url(), secure)
            feed.add_item(
                title=self.item_title(report),
                link=link,
                description=self.item_description(report),
                unique_id=link,
                enclosures=self.item_enclosures(report),
                pubdate=self.item_pubdate(report),
                updateddate=self.item_updateddate(report),
                author_name=self.item_author_name(report),
                categories=self.item_categories(report),
                **self.item_extra_kwargs(report),
            )
        return feed

    def title(self, filterset):
        labels = [label for _, _, label in filterset.active_filters()]
        title = gettext("%(site)s: situation reports") % {"site": settings.SITE_NAME}
        separator = pgettext("list separator", "; ")
        return title + (f" ({separator.join(labels)})" if labels else "")

    def link(self, filterset):
        query = filterset.data.copy()
        query.pop("page", None)
        return reverse("reports:archive") + (f"?{query.urlencode()}" if query else "")

    def feed_url(self, filterset):
        # The feed's own address ("self") keeps its filters, so a subscription can be copied.
        query = filterset.data.urlencode()
        return reverse(self.url_name) + (f"?{query}" if query else "")

    def subtitle(self, filterset):  # Atom's (AtomReportFeed); RSS has the description
        return None

    def description(self, filterset):
        if filterset.data:
            return gettext("The latest published situation reports matching these filters.")
        return gettext("The latest published situation reports.")

    def items(self, filterset):
        # Newest first even when searching: a feed reader shows what is new, not what ranks best.
        # (The correction notes are in each entry's description.)
        # Compiled once per process and shape of filters (reports.caching.compiled).
        if result_sets.applies(filterset):
            # Filters that are sets, or words (reports.public.sets.results): the entries' ids from
            # them, padded with 0 (no report's id) so that every feed by ids is one compiled shape.
            ids = result_sets.of(filterset).newest_published(FEED_LENGTH)
            padded = tuple(ids) + (0,) * (FEED_LENGTH - len(ids))
            reports = (
                compiled.run(("feed by ids", FEED_LENGTH), partial(self.entries, filterset), ids=padded) if ids else []
            )
        else:
            values = filterset.query_values()
            reports = compiled.run(("feed", FEED_LENGTH), partial(self.entries, filterset), **values)
        for report in reports:  # an enclosure's address is absolute, and Feed does not make it so
            report.pdf_address = filterset.request.build_absolute_uri(pdf_url(report.slug)) if report.pdf else None
        return reports

    @staticmethod
    def published_reports():
        return Report.objects.published().for_listing()

    @staticmethod
    def entries(filterset, ids=None, **values):
        """The entries: of the filters' `values`, or the published reports among `ids`."""
        reports = filterset.published().filter(pk__in=ids) if ids is not None else filterset.filtered(values)
        reports = reports.defer("body", "body_rendering", "pdf_text")  # entries carry summaries
        reports = reports.with_pdf().with_translations().annotate(correction_data=corrections_json())
        return reports.order_by("-published_at", "-pk")[:FEED_LENGTH]

    def item_enclosures(self, report):
        """The report's PDF (RSS <enclosure>, Atom rel="enclosure")."""
        if report.pdf_address is None:
            return []
        return [Enclosure(report.pdf_address, str(report.pdf.size), "application/pdf")]

    def item_title(self, report):
        return report.title

    def item_description(self, report):
        # Built here rather than by a template: a feed renders 50 of them per request.
        corrections = format_html_join(
            "",
            gettext("<p>Correction, {}: {}</p>"),
            ((date_format(localtime(c.created_at), gettext("F j, Y")), c.note) for c in correction_notes(report)),
        )
        return format_html(
            "<p><strong>{}</strong> · {}</p>\n<p>{}</p>\n{}",
            report.period_display,
            report.series.name,
            report.summary,
            corrections,
        )

    def item_pubdate(self, report):
        return report.first_published_at

    def item_updateddate(self, report):
        return report.last_modified

    def item_categories(self, report):
        return [shown_name("tag", tag.slug, tag.name) for tag in report.tag_list]

    def item_author_name(self, report):
        return " and ".join(author.name for author in report_authors(report))

    def item_extra_kwargs(self, report):
        versions = alternates(report) if report.translation_list else []
        figures = report.figure_list
        lead = picture(1, figures[0]) if figures else None
        return {
            "coverage": f"{report.period_start.isoformat()}/{report.period_end.isoformat()}",
            "alternates": [(version.language, version.url) for version in versions],
            "image": (lead.card_url, lead.alt_text) if lead and lead.card_url else None,
        }


class AtomReportFeed(ReportFeed):
    feed_type = ReportAtomGenerator
    url_name = "reports:feed-atom"

    def subtitle(self, filterset):
        return self.description(filterset)
