"""The only place a report's status changes.

Each transition locks the report's row, checks the state it is in *now* (not what a stale
form thought) and the user's permission, stamps dates and writes a ReportEvent. A refused
transition raises TransitionRefused with a sentence for a person and changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from reports.caching import page_cache
from reports.editorial import notifications
from reports.models import Report, ReportEvent

Status = Report.Status
Action = ReportEvent.Action

PUBLISH_PERMISSION = "reports.publish_report"
CHANGE_PERMISSION = "reports.change_report"


class TransitionRefused(Exception):
    """A transition that is not allowed; str() says why, for the person who asked."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    permission: str
    allowed_from: tuple


# The buttons the admin shows, in the order it shows them. Labels are part of the interface.
TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit_for_review", "Submit for review", CHANGE_PERMISSION, (Status.DRAFT,)),
        # From PUBLISHED only while scheduled: publishing again reschedules or publishes now.
        Transition("publish", "Publish", PUBLISH_PERMISSION, (Status.DRAFT, Status.REVIEW, Status.PUBLISHED)),
        Transition("request_changes", "Request changes", PUBLISH_PERMISSION, (Status.REVIEW,)),
        Transition("unpublish", "Unpublish", PUBLISH_PERMISSION, (Status.PUBLISHED,)),
    )
}


def refusal(name, report, user):
    """Why `user` may not apply transition `name` to `report` now, or None if they may."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        return f"“{name}” is not a workflow action."
    if not user.has_perm(transition.permission):
        if transition.permission == PUBLISH_PERMISSION:
            return f"Only editors can {transition.label.lower()}."
        return f"You do not have permission to {transition.label.lower()}."
    if report.status not in transition.allowed_from:
        return f"A report that is {report.status_label.lower()} cannot be sent to “{transition.label}”."
    if name == "publish" and report.status == Status.PUBLISHED and not report.is_scheduled:
        return "This report is already published."
    return None


def allowed_transitions(report, user):
    return [t for t in TRANSITIONS.values() if refusal(t.name, report, user) is None]


def _begin(name, report, by):
    """Lock the row, reload the state it is really in, and check the transition."""
    current = Report.objects.select_for_update().get(pk=report.pk)
    for field in ("status", "published_at", "first_published_at"):
        setattr(report, field, getattr(current, field))
    reason = refusal(name, report, by)
    if reason:
        raise TransitionRefused(reason)
    return report.status


def _finish(report, *, by, action, from_status, note="", publish_at=None):
    report.updated_by = by
    report.save(update_fields=["status", "published_at", "first_published_at", "updated_by", "updated_at"])
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=report.status,
        note=note,
        publish_at=publish_at,
        actor=by,
    )


@transaction.atomic
def submit_for_review(report, *, by):
    from_status = _begin("submit_for_review", report, by)
    report.status = Status.REVIEW
    event = _finish(report, by=by, action=Action.SUBMIT, from_status=from_status)

    # Mail the editors once the submission is committed; a failing mail server is logged
    # (robust) and cannot undo it. A named function, because that log names it.
    def mail_the_editors():
        notifications.report_submitted(event)

    transaction.on_commit(mail_the_editors, robust=True)
    return event


@transaction.atomic
def publish(report, *, by, at=None):
    """Publish now, or schedule for `at` (a future moment); the public sees it from then on."""
    now = timezone.now()
    if at is not None and at <= now:
        raise TransitionRefused("Choose a publication time in the future, or leave it empty to publish now.")
    from_status = _begin("publish", report, by)
    goes_live = at or now
    report.status = Status.PUBLISHED
    report.published_at = goes_live
    # first_published_at is the first moment the public could see it; a schedule that was
    # cancelled before its time never counted.
    if report.first_published_at is None or report.first_published_at > now:
        report.first_published_at = goes_live
    action = Action.SCHEDULE if at else Action.PUBLISH
    event = _finish(report, by=by, action=action, from_status=from_status, publish_at=goes_live)
    page_cache.public_changed()
    return event


@transaction.atomic
def request_changes(report, *, by, note):
    if not (note or "").strip():
        raise TransitionRefused("Say what needs to change: the note is required.")
    from_status = _begin("request_changes", report, by)
    report.status = Status.DRAFT
    return _finish(report, by=by, action=Action.REQUEST_CHANGES, from_status=from_status, note=note.strip())


@transaction.atomic
def unpublish(report, *, by, note=""):
    from_status = _begin("unpublish", report, by)
    now = timezone.now()
    report.status = Status.DRAFT
    report.published_at = None
    if report.first_published_at and report.first_published_at > now:
        report.first_published_at = None  # it was only scheduled: it never went out
    event = _finish(report, by=by, action=Action.UNPUBLISH, from_status=from_status, note=(note or "").strip())
    page_cache.public_changed()
    return event


@dataclass(frozen=True)
class ImportedState:
    """The workflow state an imported report arrives in, as its source says.

    A listing says only draft or published (the importer dates it); an export carries the
    status and dates the report had, a scheduled one included.
    """

    status: str = Status.DRAFT
    published_at: datetime.datetime | None = None
    first_published_at: datetime.datetime | None = None


# The permission an import needs to bring reports in a given state, as the buttons would.
IMPORT_PERMISSIONS = {Status.REVIEW: CHANGE_PERMISSION, Status.PUBLISHED: PUBLISH_PERMISSION}
# Rows per INSERT: under the bound-parameter limits of SQLite and PostgreSQL.
IMPORT_BATCH = 500


@transaction.atomic
def create_imported(imports, *, by=None, note=""):
    """Create the reports an import brings, each in the state its source says, in bulk.

    `imports` holds (report, ImportedState) pairs of reports not saved yet: an import never
    moves a report that already has a life in sitrep. `by` is the user importing, who needs
    the permission the matching button needs; None is the command line, whose operator is
    trusted. Each report is stamped with its status and dates, inserted, and gets one IMPORT
    event: two bulk inserts, however many reports. Returns the events.
    """
    imports = list(imports)
    for report, state in imports:
        if report.pk is not None:
            raise TransitionRefused(f"“{report}” already exists: an import cannot change its status.")
        reason = imported_state_refusal(state, by)
        if reason:
            raise TransitionRefused(f"“{report}”: {reason}.")
        report.status = state.status
        report.published_at = state.published_at
        report.first_published_at = state.first_published_at or state.published_at
    reports = Report.objects.bulk_create([report for report, _ in imports], batch_size=IMPORT_BATCH)
    now = timezone.now()
    events = [
        ReportEvent(
            report=report,
            action=Action.IMPORT,
            from_status=Status.DRAFT,
            to_status=report.status,
            note=note,
            publish_at=report.published_at,
            actor=by,
            created_at=now,
        )
        for report in reports
    ]
    return ReportEvent.objects.bulk_create(events, batch_size=IMPORT_BATCH)


def imported_state_refusal(state, by=None):
    """Why a report may not arrive in `state` (imported by `by`), or None if it may.
    Written to follow "line 12: <title>: ", so lower case and without a full stop."""
    if state.status not in Status.values:
        return f"“{state.status}” is not a status ({', '.join(Status.values)})"
    if state.status == Status.PUBLISHED and state.published_at is None:
        return "a published report needs its publication date"
    if state.status != Status.PUBLISHED and state.published_at is not None:
        return "only a published report has a publication date"
    permission = IMPORT_PERMISSIONS.get(state.status)
    if by is not None and permission and not by.has_perm(permission):
        return f"you do not have permission to import reports that are {Status(state.status).label.lower()}"
    return None


def latest_change_request(report):
    """The editor's note the writer should see: the last request for changes, while still a draft."""
    if report.pk is None or report.status != Status.DRAFT:
        return None
    last = report.events.exclude(action__in=ReportEvent.EDIT_ACTIONS).first()  # the writer's edits since keep it
    return last if last and last.action == Action.REQUEST_CHANGES else None
