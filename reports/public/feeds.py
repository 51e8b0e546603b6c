import re
from functools import partial
from html import escape as escape_html
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc2822_date, rfc3339_date
from django.utils.formats import date_format
from django.utils.http import http_date
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext, pgettext
from django.utils.xmlutils import UnserializableContentError

from reports.caching import compiled
from reports.caching.vocabulary import shown_names
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


# What SimplerXMLGenerator refuses in an element's text (XML 1.0 has no control characters).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0B-\x0C\x0E-\x1F]")


def element(name, text=None, attrs=None):
    """The element as Django's SimplerXMLGenerator.addQuickElement(name, text, attrs) writes it
    (attributes sorted, short when empty), as one string: the generator writes each entry's
    dozen elements a piece at a time through half a dozen calls each."""
    start = "<" + name
    if attrs:
        start += "".join(f" {key}={quoteattr(value)}" for key, value in sorted(attrs.items()))
    if not text:
        return start + "/>"
    if CONTROL_CHARACTERS.search(text):
        raise UnserializableContentError("Control characters are not supported in XML 1.0")
    return f"{start}>{escape(text)}</{name}>"


def lead_image(item):
    """Media RSS: the 1200×630 card of the report's lead figure, with its alt text."""
    if not item.get("image"):
        return ""
    path, alt = item["image"]
    attrs = {"url": urljoin(item["link"], path), "medium": "image", "type": "image/jpeg", "width": "1200",
             "height": "630"}  # fmt: skip
    return element("media:content", None, attrs) + element("media:description", alt, {"type": "plain"})


class EntriesWritten:
    """Feeds whose entries are written as strings (`entry(item)`), each one write, rather than
    element by element: the same XML as the generator's (tests/public/test_feed_xml.py)."""

    entry_element = None

    def write_items(self, handler):
        # XMLGenerator's ignorableWhitespace() writes its text as it is (after closing a pending
        # start tag): the one public way to hand it markup already escaped.
        for item in self.items:
            handler.ignorableWhitespace(f"<{self.entry_element}>{self.entry(item)}</{self.entry_element}>")


class ReportRssGenerator(EntriesWritten, Rss201rev2Feed):
    """RSS 2.0 has no element for the period a report covers, nor for its last change:
    Dublin Core's coverage and Atom's updated say them, as feed readers understand."""

    entry_element = "item"

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:media": MEDIA_RSS}

    def entry(self, item):
        """Rss201rev2Feed.add_item_elements' elements for what ReportFeed gives (a permalink as
        the guid, no author e-mail, at most one enclosure), then the period, the last change and
        the lead figure."""
        parts = [element("title", item["title"]), element("link", item["link"])]
        parts.append(element("description", item["description"]))
        if item["author_name"]:
            parts.append(element("dc:creator", item["author_name"], {"xmlns:dc": DUBLIN_CORE}))
        if item["pubdate"] is not None:
            parts.append(element("pubDate", rfc2822_date(item["pubdate"])))
        parts.append(element("guid", item["unique_id"]))
        for enclosure in item["enclosures"]:  # ReportFeed gives one at most, as RSS allows
            attrs = {"url": enclosure.url, "length": enclosure.length, "type": enclosure.mime_type}
            parts.append(element("enclosure", "", attrs))
        parts += [element("category", category) for category in item["categories"]]
        parts.append(element("atom:updated", rfc3339_date(item["updateddate"])))
        parts.append(element("dc:coverage", item["coverage"]))
        parts.append(lead_image(item))
        return "".join(parts)


class ReportAtomGenerator(EntriesWritten, Atom1Feed):
    entry_element = "entry"

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:dc": DUBLIN_CORE, "xmlns:media": MEDIA_RSS}

    def entry(self, item):
        """The entry's page in each language it is published in (reports.public.editions.translations),
        before the entry's own link: feed readers take the last plain alternate as the entry's.
        Then Atom1Feed.add_item_elements' elements for what ReportFeed gives (no author e-mail or
        link, no rights), the period and the lead figure."""
        feed_link = self.feed["link"]
        parts = [
            element("link", "", {"rel": "alternate", "href": urljoin(feed_link, path), "hreflang": language})
            for language, path in item["alternates"]
        ]
        parts.append(element("title", item["title"]))
        parts.append(element("link", "", {"href": item["link"], "rel": "alternate"}))
        if item["pubdate"] is not None:
            parts.append(element("published", rfc3339_date(item["pubdate"])))
        if item["updateddate"] is not None:
            parts.append(element("updated", rfc3339_date(item["updateddate"])))
        if item["author_name"] is not None:
            parts.append(f"<author>{element('name', item['author_name'])}</author>")
        parts.append(element("id", item["unique_id"]))
        parts.append(element("summary", item["description"], {"type": "html"}))
        for enclosure in item["enclosures"]:
            attrs = {"rel": "enclosure", "href": enclosure.url, "length": enclosure.length, "type": enclosure.mime_type}
            parts.append(element("link", "", attrs))
        parts += [element("category", "", {"term": category}) for category in item["categories"]]
        parts.append(element("dc:coverage", item["coverage"]))
        parts.append(lead_image(item))
        return "".join(parts)


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
        tag_names = shown_names("tag")
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
                categories=self.item_categories(report, tag_names),
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
        # Written here rather than by a template or format_html(): a feed writes 50 of them per
        # request. The values are escaped as format_html() escapes them (html.escape).
        corrections = ""
        if notes := correction_notes(report):
            template, day = gettext("<p>Correction, {}: {}</p>"), gettext("F j, Y")
            corrections = "".join(
                template.format(escape_html(date_format(localtime(note.created_at), day)), escape_html(note.note))
                for note in notes
            )
        period, series, summary = map(escape_html, (report.period_display, report.series.name, report.summary))
        return f"<p><strong>{period}</strong> · {series}</p>\n<p>{summary}</p>\n{corrections}"

    def item_pubdate(self, report):
        return report.first_published_at

    def item_updateddate(self, report):
        return report.last_modified

    def item_categories(self, report, tag_names):
        """The tags' names as the page's language shows them (`tag_names`: shown_names("tag"))."""
        return [tag_names.get(tag.slug) or tag.name for tag in report.tag_list]

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
