from django import template
from django.utils.html import format_html, format_html_join

from ..search import highlighted_summary

register = template.Library()


@register.filter
def search_highlight(report, query):
    """The report's summary as safe HTML, with what the search matched marked."""
    return highlighted_summary(report, query)


@register.simple_tag
def tag_links(tags):
    """A report's tags as links to the archive filtered by each (TagLinks), or nothing.

    Markup built here rather than in an included template: listings show it some sixty
    times a page."""
    if not tags:
        return ""
    items = format_html_join("", '<li><a href="{}" rel="tag">{}</a></li>', ((tag.href, tag.name) for tag in tags))
    return format_html('<ul class="tags" aria-label="Tags">{}</ul>', items)
