"""URLs and small steps shared by the history, corrections, conflict and audit tests."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from reports.editorial import revisions
from tests.helpers import form_fields, make_report, make_user, submit


def staff_by_role():
    """A writer, an editor and a superuser, by role name."""
    return {
        "writer": make_user("writer"),
        "editor": make_user("editor"),
        "superuser": get_user_model().objects.create_superuser("root", password="pw-root"),
    }


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


def history_url(report):
    return reverse("admin:reports_report_history", args=[report.pk])


def compare_url(report):
    return reverse("admin:reports_report_compare", args=[report.pk])


def restore_url(report, revision):
    return reverse("admin:reports_report_restore", kwargs={"object_id": report.pk, "revision_id": revision.id})


def add_url():
    return reverse("admin:reports_report_add")


def live_report(title="Iraq Situation Report: August 19-25, 2020", **fields):
    return make_report(title, **fields)


def scheduled_report(title="Iraq Situation Report: September 2-8, 2020", **fields):
    return make_report(title, published_at=timezone.now() + datetime.timedelta(days=2), **fields)


def edit(client, report, button=None, **changes):
    """Open the report's change form and save it with some fields changed, as a person would."""
    return submit(client, change_url(report), button=button, **changes)


def restore(client, report, revision, **fields):
    """Open the restore page of a revision and confirm it."""
    return submit(client, restore_url(report, revision), form_id="restore_form", **fields)


def compare_from_history(client, report, **choices):
    """Open the history, keep or change the chosen revisions, and press Compare."""
    page = client.get(history_url(report))
    data = form_fields(page, "compare-form")
    data.update({name: [str(value)] for name, value in choices.items()})
    return client.get(compare_url(report), data)


def kept(report):
    return revisions.history(report)
