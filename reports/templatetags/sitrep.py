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


@register.simple_tag
def typed_fields(fields):
    """The archive form's typed fields (search, week, from, to: form_fields() in
    reports.public.views.archive), each with its label, hint and errors. Built here, as
    tag_links is, because the template's conditions per field cost more than the rest of the form.
    A value the browser's week or date control cannot hold is shown as text, to be corrected."""
    html = []
    for field in fields:
        name, errors = escape(field["name"]), field["errors"]
        kind = "text" if errors else {"week": "week", "q": "search"}.get(field["name"], "date")
        described = [] if field["name"] == "q" else [f"{name}-help"]
        described += [f"{name}-error"] if errors else []
        attrs = ' maxlength="200"' if field["name"] == "q" else ""
        attrs += f' aria-describedby="{" ".join(described)}"' if described else ""
        attrs += ' aria-invalid="true"' if errors else ""
        value, field_id = escape(str(field["value"] or "")), escape(field["id"])
        html.append(f'<div class="field field-{name}{" has-error" if errors else ""}">'
                    f'<label for="{field_id}">{escape(str(field["label"]))}</label>'
                    f'<input type="{kind}" name="{name}" id="{field_id}" value="{value}"{attrs}>')  # fmt: skip
        if field["name"] != "q":
            hint = gettext("ISO week, e.g. 2020-W34") if field["name"] == "week" else gettext("YYYY-MM-DD")
            html.append(f'<small class="hint" id="{name}-help">{escape(hint)}</small>')
        if errors:
            messages = "".join(f"{escape(str(error))} " for error in errors)
            html.append(f'<p class="error" role="alert" id="{name}-error">{messages}</p>')
        html.append("</div>")
    return mark_safe("".join(html))  # each value escaped above
