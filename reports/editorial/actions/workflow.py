"""The workflow: the only place a report's status changes.

Each transition locks the report's row, checks the state it is in *now* (not what a stale
form thought) and the user's permission (reports.editorial.permissions), stamps dates,
writes a ReportEvent and, after commit, announces it. A refused transition raises
TransitionRefused with a sentence for a person and changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from reports.editorial import permissions, signals, versions
from reports.editorial.actions.base import ActionRefused, editorial_action, lock
from reports.models import Report, ReportEvent

Status = Report.Status
Action = ReportEvent.Action


class TransitionRefused(ActionRefused):
    """A transition that is not allowed; str() says why, for the person who asked."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    allowed_from: tuple
    editors_only: bool


# The buttons the admin shows, in the order it shows them. Labels are part of the interface.
TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit_for_review", _("Submit for review"), (Status.DRAFT,), editors_only=False),
        # From PUBLISHED only while scheduled: publishing again reschedules or publishes now.
        Transition("publish", _("Publish"), (Status.DRAFT, Status.REVIEW, Status.PUBLISHED), editors_only=True),
        Transition("request_changes", _("Request changes"), (Status.REVIEW,), editors_only=True),
        Transition("unpublish", _("Unpublish"), (Status.PUBLISHED,), editors_only=True),
    )
}
NOTE_REQUIRED = _("Say what needs to change: the note is required.")
FUTURE_REQUIRED = _("Choose a time in the future, or leave it empty to publish now.")


def refusal(name, report, user):
    """Why `user` may not apply transition `name` to `report` now, or None if they may."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        return gettext("“%(name)s” is not a workflow action.") % {"name": name}
    action = {"action": transition.label.lower()}
    if transition.editors_only and not permissions.is_editor(user):
        return gettext("Only editors can %(action)s.") % action
    if not transition.editors_only and not permissions.is_writer(user):
        return gettext("You do not have permission to %(action)s.") % action
    if report.status not in transition.allowed_from:
        # The status is said in the words the admin's status filter translates.
        status = {"status": pgettext("status", report.status_label).lower(), "action": transition.label}
        return gettext("A report that is %(status)s cannot be sent to “%(action)s”.") % status
    if name == "publish" and report.status == Status.PUBLISHED and not report.is_scheduled:
        return gettext("This report is already published.")
    return None


def check(name, report, user, *, note="", at=None):
    """Raise TransitionRefused (with the field it is about, if any) unless `user` may apply
    transition `name` to `report` now with this note and publication time."""
    reason = refusal(name, report, user)
    if reason:
        raise TransitionRefused(reason)
    if name == "request_changes" and not (note or "").strip():
        raise TransitionRefused(NOTE_REQUIRED, field="workflow_note")
    if name == "publish" and at is not None and at <= timezone.now():
        raise TransitionRefused(FUTURE_REQUIRED, field="publish_at")


def allowed_transitions(report, user):
    return [t for t in TRANSITIONS.values() if refusal(t.name, report, user) is None]


def _begin(name, report, by, **details):
    """Lock the row, reload the state it is really in, and check the transition."""
    current = lock(report)
    for field in ("status", "published_at", "first_published_at"):
        setattr(report, field, getattr(current, field))
    check(name, report, by, **details)
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


def submit_for_review(report, *, by):
    with editorial_action("submit_for_review", actor=by) as outcome:
        from_status = _begin("submit_for_review", report, by)
        report.status = Status.REVIEW
        event = _finish(report, by=by, action=Action.SUBMIT, from_status=from_status)
        outcome.announce(signals.report_submitted, Report, report=report, event=event)
    return event


def publish(report, *, by, at=None):
    """Publish now, or schedule for `at` (a future moment); the public sees it from then on."""
    with editorial_action("publish", actor=by) as outcome:
        from_status = _begin("publish", report, by, at=at)
        now = timezone.now()
        goes_live = at or now
        report.status = Status.PUBLISHED
        report.published_at = goes_live
        # first_published_at is the first moment the public could see it; a schedule that was
        # cancelled before its time never counted.
        if report.first_published_at is None or report.first_published_at > now:
            report.first_published_at = goes_live
        action = Action.SCHEDULE if at else Action.PUBLISH
        event = _finish(report, by=by, action=action, from_status=from_status, publish_at=goes_live)
        versions.record(report, went_out=goes_live)  # the next citable state (pending while scheduled)
        signal = signals.report_scheduled if at else signals.report_published
        outcome.announce(signal, Report, report=report, event=event)
        outcome.public_changed()  # a scheduled report changes the schedule readers' keys follow
    return event


def request_changes(report, *, by, note):
    with editorial_action("request_changes", actor=by) as outcome:
        from_status = _begin("request_changes", report, by, note=note)
        report.status = Status.DRAFT
        event = _finish(report, by=by, action=Action.REQUEST_CHANGES, from_status=from_status, note=note.strip())
        outcome.announce(signals.report_changes_requested, Report, report=report, event=event)
    return event


def unpublish(report, *, by, note=""):
    with editorial_action("unpublish", actor=by) as outcome:
        from_status = _begin("unpublish", report, by)
        now = timezone.now()
        report.status = Status.DRAFT
        report.published_at = None
        if report.first_published_at and report.first_published_at > now:
            report.first_published_at = None  # it was only scheduled: it never went out
        note = (note or "").strip()
        event = _finish(report, by=by, action=Action.UNPUBLISH, from_status=from_status, note=note)
        versions.withdraw_pending(report)  # a schedule cancelled: its state never went out
        outcome.announce(signals.report_unpublished, Report, report=report, event=event)
        outcome.public_changed()
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


def imported_state_refusal(state, by=None):
    """Why a report may not arrive in `state` (imported by `by`), or None if it may.
    Written to follow "line 12: <title>: ", so lower case and without a full stop."""
    if state.status not in Status.values:
        return f"“{state.status}” is not a status ({', '.join(Status.values)})"
    if state.status == Status.PUBLISHED and state.published_at is None:
        return "a published report needs its publication date"
    if state.status != Status.PUBLISHED and state.published_at is not None:
        return "only a published report has a publication date"
    if not permissions.may_import(by, state.status):
        return f"you do not have permission to import reports that are {Status(state.status).label.lower()}"
    return None


def stamp_imported(report, state, *, by=None):
    """Give a new, unsaved report the status and dates its import brings (see ImportedState)."""
    if report.pk is not None:
        raise TransitionRefused(f"“{report}” already exists: an import cannot change its status.")
    reason = imported_state_refusal(state, by)
    if reason:
        raise TransitionRefused(f"“{report}”: {reason}.")
    report.status = state.status
    report.published_at = state.published_at
    report.first_published_at = state.first_published_at or state.published_at


def latest_change_request(report):
    """The editor's note the writer should see: the last request for changes, while still a draft."""
    if report.pk is None or report.status != Status.DRAFT:
        return None
    last = report.events.exclude(action__in=ReportEvent.EDIT_ACTIONS).first()  # the writer's edits since keep it
    return last if last and last.action == Action.REQUEST_CHANGES else None
