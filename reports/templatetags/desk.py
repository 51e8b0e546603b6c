"""{% desk_links %}: links to the review queue and to returned reports, for the admin's pages.

{% desk_links counts=True %} also says how many each holds (two COUNT queries).
"""

from django import template

from reports.editorial import desk, permissions

register = template.Library()


@register.inclusion_tag("admin/reports/report/_desk_links.html", takes_context=True)
def desk_links(context, counts=False):
    user = context["request"].user
    editor, writer = permissions.is_editor(user), permissions.is_writer(user)
    return {
        "show_queue": editor,
        "show_returned": writer,
        "queue_count": desk.review_queue().count() if editor and counts else None,
        "returned_count": desk.returned_to(user).count() if writer and counts else None,
    }
