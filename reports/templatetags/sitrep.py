from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

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


@register.simple_tag
def facet_values(values):
    """The archive's facet values (FacetValues) as list items, each a link that chooses or
    removes it, with its count: the markup an included template gave until now, built here because
    a page of facets has some 250 of them and an include each cost more than the counting."""
    items, chosen = [], gettext("(chosen; remove)")
    for value in values:
        href, label, count = escape(value.href), escape(value.label), value.count
        if value.selected:
            link = (f'<a class="chosen" href="{href}"><span aria-hidden="true">✓ </span>{label}'
                    f'<span class="visually-hidden"> {escape(chosen)}</span></a>')  # fmt: skip
        else:
            link = f'<a href="{href}">{label}</a>'
        noun = escape(ngettext("report", "reports", count))
        counted = f'<span class="facet-count">{count}<span class="visually-hidden"> {noun}</span></span>'
        items.append(f"<li>{link} {counted}</li>\n")
    return mark_safe("".join(items))  # each value escaped above
