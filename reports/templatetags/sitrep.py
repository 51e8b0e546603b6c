from django import template

from ..search import highlighted_summary

register = template.Library()


@register.filter
def search_highlight(report, query):
    """The report's summary as safe HTML, with what the search matched marked."""
    return highlighted_summary(report, query)
