from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def tag_links(tags):
    """A report's tags as links to the archive filtered by each (TagLinks), or nothing.

    Markup built here rather than in an included template, and escaped by the standard
    library (as Django's escape() does, without its lazy-string checks): listings show it
    some sixty times a page."""
    if not tags:
        return ""
    items = "".join(f'<li><a href="{escape(tag.href)}" rel="tag">{escape(tag.name)}</a></li>' for tag in tags)
    label = escape(gettext("Tags"))
    return mark_safe(f'<ul class="tags" aria-label="{label}">{items}</ul>')  # each value escaped above
