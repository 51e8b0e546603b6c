"""Helpers for the desk's tests: more people in a role, and the role matrix with anonymous."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

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
