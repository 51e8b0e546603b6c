"""The editorial desk: what waits for editors, and what came back to writers.

Both lists are read from the workflow's own record (ReportEvent), never from extra columns.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone

from reports.models import Correction, Report, ReportEvent

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


def translations_to_update():
    """Translations whose original was corrected after they were made, the longest outdated
    first, each with its original (`original_pk`, `original_title`), the first such correction
    (`corrected_at`, `correction_note`) and how many there are (`corrections_since`)."""
    originals = Report.objects.filter(translation_key=OuterRef("translation_key"), source_version_at__isnull=True)
    later = Correction.objects.filter(
        report__translation_key=OuterRef("translation_key"),
        report__source_version_at__isnull=True,
        created_at__gt=OuterRef("source_version_at"),
    ).order_by("created_at", "pk")
    count = later.order_by().values("report__translation_key").annotate(n=Count("pk")).values("n")
    return (
        Report.objects.filter(source_version_at__isnull=False)
        .defer("pdf_text")
        .select_related("series")
        .annotate(
            original_pk=Subquery(originals.values("pk")[:1]),
            original_title=Subquery(originals.values("title")[:1]),
            corrected_at=Subquery(later.values("created_at")[:1]),
            correction_note=Subquery(later.values("note")[:1]),
            corrections_since=Subquery(count),
        )
        .filter(corrected_at__isnull=False)
        .order_by("corrected_at", "pk")
    )


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
