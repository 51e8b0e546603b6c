"""Admin widgets for writing: a Markdown body with a live preview, and tags that autocomplete.

Both work as plain form fields without JavaScript: the preview then shows the text as it was
when the page was rendered, and tags are typed separated by commas.
"""

from django.contrib.admin.widgets import AdminSplitDateTime, AdminTextareaWidget
from django.forms import Media
from django.forms.renderers import get_default_renderer
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from taggit.forms import TagWidget

from reports.text.markdown import render_markdown


class MarkdownPreviewTextarea(AdminTextareaWidget):
    """The body textarea, with the rendered text beside it (updated as one types, by admin-markdown-preview.js)."""

    @property
    def media(self):
        return Media(js=["reports/admin-desk.js", "reports/admin-markdown-preview.js"])

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-preview-url": reverse("admin:reports_report_markdown_preview")}
        textarea = super().render(name, value, attrs, renderer)
        field_id = attrs.get("id", name)
        # The preview is a shadow root holding the public stylesheet only (declarative, so it
        # works without JavaScript): the admin's CSS cannot reach it, and the public CSS stays out.
        return format_html(
            '<div class="markdown-editor">{}'
            '<section class="markdown-preview" id="{}_preview" aria-labelledby="{}_preview_heading">'
            '<h3 id="{}_preview_heading">{} <span class="markdown-preview-state">{}</span></h3>'
            '<div class="markdown-preview-body" aria-live="polite"><template shadowrootmode="open">'
            '<link rel="stylesheet" href="{}"><div class="body">{}</div></template></div></section></div>',
            textarea,
            field_id,
            field_id,
            field_id,
            gettext("Preview"),
            gettext("as readers will see it"),
            reverse("admin:reports_report_preview_stylesheet"),
            render_markdown(value),
        )


class TagAutocompleteInput(TagWidget):
    """Comma-separated tags; the last one being typed is completed from the existing tags."""

    @property
    def media(self):
        return Media(js=["reports/admin-desk.js", "reports/admin-tags.js"])

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "class": "vTextField", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        listbox = f"{attrs.get('id', name)}_listbox"
        attrs |= {
            "data-autocomplete-url": reverse("admin:reports_report_tag_autocomplete"),
            "role": "combobox",
            "aria-autocomplete": "list",
            "aria-expanded": "false",
            "aria-controls": listbox,
        }
        return format_html(
            '<div class="tag-input">{}<ul class="tag-autocomplete" id="{}" role="listbox" hidden></ul></div>',
            super().render(name, value, attrs, renderer),
            listbox,
        )


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with a real label, the time's naming its zone."""

    def render(self, name, value, attrs=None, renderer=None):
        renderer = renderer or get_default_renderer()
        subwidgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        labels = (gettext("Date"), gettext("Time (%(zone)s)") % {"zone": timezone.get_current_timezone_name()})
        parts = [
            format_html(
                '<span class="split-part"><label for="{}">{}</label> {}</span>',
                sub["attrs"].get("id", sub["name"]),
                label,
                mark_safe(renderer.render(sub["template_name"], {"widget": sub})),
            )
            for label, sub in zip(labels, subwidgets, strict=True)
        ]
        return format_html('<p class="datetime split-datetime">{}</p>', mark_safe("".join(parts)))
