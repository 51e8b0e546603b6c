"""Shared test data and a browser-like way of submitting admin forms."""

import datetime
import importlib
import itertools
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django.utils.text import slugify

from reports.models import Report, Series

ROLES = ("writer", "editor")
PAST = timezone.now() - datetime.timedelta(days=1)
_numbers = itertools.count(1)


# The groups exactly as the data migrations define them.
EDITORIAL_GROUPS = importlib.import_module("reports.migrations.0002_editorial_groups").GROUPS
AUTHOR_PERMISSIONS = importlib.import_module("reports.migrations.0014_bylines_from_creators").AUTHOR_PERMISSIONS


def ensure_editorial_groups():
    """Recreate the migration's groups after a live-server test has flushed the database."""
    for name, dotted_names in EDITORIAL_GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            for dotted in dotted_names:
                app_label, codename = dotted.split(".")
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            codenames = AUTHOR_PERMISSIONS[name]
            group.permissions.add(*Permission.objects.filter(content_type__app_label="reports", codename__in=codenames))


def make_user(role, **extra):
    """A staff user in the Writers or Editors group, as the data migration defines them."""
    user = get_user_model().objects.create_user(role, password="pw-" + role, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=role.capitalize() + "s"))
    return user


def make_series(name="Iraq Situation Report", slug="iraq"):
    return Series.objects.get_or_create(slug=slug, defaults={"name": name})[0]


def make_report(
    title="Iraq Situation Report: June 24-30, 2020",
    *,
    series=None,
    start=(2020, 6, 24),
    end=(2020, 6, 30),
    status=Report.Status.PUBLISHED,
    published_at=PAST,
    tags=(),
    **fields,
):
    """A report in a given state, written directly: tests of the workflow itself go through it."""
    published = status == Report.Status.PUBLISHED
    report = Report.objects.create(
        series=series or make_series(),
        title=title,
        slug=fields.pop("slug", None) or f"{slugify(title)}-{next(_numbers)}",
        period_start=datetime.date(*start),
        period_end=datetime.date(*end),
        summary=fields.pop("summary", f"Summary of {title}."),
        status=status,
        published_at=published_at if published else None,
        first_published_at=published_at if published else None,
        **fields,
    )
    if tags:
        report.tags.set(list(tags))
    return report


class _FormReader(HTMLParser):
    """Collects the successful controls of one <form>, the way a browser would submit it."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._selected, self._first = a["name"], False, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a:
                self.data.append((self._select, a.get("value", "")))
                self._selected = True
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, text):
        if self._textarea is not None:
            self._textarea[1] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def form_fields(response, form_id="report_form"):
    """The data a browser would send from the form on this page, as a dict of lists."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return data


def submit(client, url, *, button=None, form_id="report_form", **changes):
    """GET the admin page, change some fields, and press a button (name, value) as a person would."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_fields(page, form_id)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    if button:
        data[button[0]] = [button[1]]
    return client.post(url, data)


def forget_cached_results():
    """Empty the page and result caches, as the first request after an editor's change finds
    them, and read the new publication generation beforehand: each process reads it at most
    once a second whatever the traffic, so it is not one of a page's own queries."""
    from reports.caching import state
    from tests.base import reset_caches

    reset_caches()
    state.current_state()
