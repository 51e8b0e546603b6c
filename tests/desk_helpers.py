"""Helpers for the desk's tests: more people in a role, the role matrix with anonymous, and
pressing a form other than the report form (which posts to its own action)."""

import html
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.helpers import form_fields

# Every desk action is tried by each of these; None is an anonymous visitor.
ROLE_MATRIX = ("anonymous", "writer", "editor")


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


def make_staff(username, role, **extra):
    """Another staff user in the Writers or Editors group (make_user names users after their role)."""
    user = get_user_model().objects.create_user(username, password="pw-" + username, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=role.capitalize() + "s"))
    return user


def log_in_as(client, user):
    """Log the test client in as `user`, or out when `user` is None."""
    client.logout()
    if user is not None:
        client.force_login(user)


def form_action(response, form_id):
    """The action of the form with this id on the page (the page's own URL when it has none)."""
    match = re.search(rf'<form\b[^>]*\bid="{re.escape(form_id)}"[^>]*>', response.content.decode())
    assert match, f"no form #{form_id} on the page"
    action = re.search(r'\baction="([^"]*)"', match.group(0))
    return html.unescape(action.group(1)) if action else response.wsgi_request.get_full_path()


def press(client, url, form_id, **changes):
    """GET the page at `url`, change some fields of form #form_id and submit it, as a browser would."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_fields(page, form_id)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(form_action(page, form_id), data)
