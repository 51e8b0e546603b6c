"""The editorial desk: what waits for editors, and what came back to writers.

Both lists are read from the workflow's own record (ReportEvent), never from extra columns.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from reports.models import Report, ReportEvent

Action = ReportEvent.Action


def _latest_event(action=None):
    events = ReportEvent.objects.filter(report=OuterRef("pk")).order_by("-created_at", "-pk")
    return events.filter(action=action) if action else events


def review_queue():
    """Reports in review, the longest-waiting first, each with who submitted it and when.

    The time is that of the latest submission; a report in review with no submission on record
    (loaded from elsewhere) has none and comes first, as the one that has waited longest.
    """
    submit = _latest_event(Action.SUBMIT)
    return (
        Report.objects.filter(status=Report.Status.REVIEW)
        .select_related("series", "created_by")
        .annotate(
            submitted_at=Subquery(submit.values("created_at")[:1]),
            submitted_by_id=Subquery(submit.values("actor")[:1]),
        )
        .order_by(F("submitted_at").asc(nulls_first=True), "pk")
    )


def returned_to(user):
    """The user's drafts that an editor sent back with "Request changes", latest first, with the note."""
    latest = _latest_event()
    return (
        Report.objects.filter(created_by=user, status=Report.Status.DRAFT)
        .select_related("series")
        .annotate(
            last_action=Subquery(latest.values("action")[:1]),
            returned_at=Subquery(latest.values("created_at")[:1]),
            returned_by_id=Subquery(latest.values("actor")[:1]),
            change_note=Subquery(latest.values("note")[:1]),
        )
        .filter(last_action=Action.REQUEST_CHANGES)
        .order_by("-returned_at", "-pk")
    )


def scheduled_within(days=7):
    """Scheduled reports going live within `days` from now, the soonest first."""
    soon = timezone.now() + datetime.timedelta(days=days)
    soonest = Report.objects.scheduled().filter(published_at__lte=soon).order_by("published_at", "pk")
    return soonest.select_related("series")


def with_people(reports, **attributes):
    """Evaluate `reports`, setting each attribute to the user whose id the report carries.

    with_people(review_queue(), submitted_by="submitted_by_id"): one query for all the users.
    """
    reports = list(reports)
    ids = {getattr(report, id_name) for report in reports for id_name in attributes.values()} - {None}
    users = get_user_model().objects.in_bulk(ids)
    for report in reports:
        for name, id_name in attributes.items():
            setattr(report, name, users.get(getattr(report, id_name)))
    return reports
