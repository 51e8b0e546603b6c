"""The change form's workflow buttons: what each one asks of the workflow, and the status bar.

The buttons are the workflow's own transitions (reports.editorial.actions.workflow), plus three
names that make scheduling safe to use. Each maps onto a transition; none has rules of its own
beyond the one question a form must ask before acting: which publication time was meant.

- "reschedule": publish at the time in "Publish at" (required), for a scheduled report;
- "publish_now": publish at once; for a scheduled report this asks for confirmation first,
  answered by "publish_now_confirmed";
- "unschedule": unpublish a report that is scheduled, not live.

The plain "publish" takes the "Publish at" field as it stands: on a scheduled report the field
shows the go-live time, so pressing it keeps the schedule; emptied, it asks for confirmation.
"""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from reports.editorial.actions import workflow
from reports.models import ReportEvent

Action = ReportEvent.Action
ZONED = "j F Y, H:i T"  # 9 December 2026, 09:00 UTC
NEEDS_TIME = _("Choose the date and time it should go live.")
NOT_SCHEDULED = _("This report is not scheduled: there is no schedule to remove.")


class NeedsConfirmation(workflow.TransitionRefused):
    """Publishing a scheduled report at once: asked again before anything is saved."""


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    primary: bool = False


def zoned(moment):
    """A moment in the site's time zone, with the zone: "9 December 2026, 09:00 UTC"."""
    return formats.date_format(timezone.localtime(moment), ZONED)


def resolve(name, report, publish_at):
    """(transition, publication time) for the button `name`; raises TransitionRefused (or
    NeedsConfirmation) when the button cannot mean anything safe for this report now."""
    scheduled = report.is_scheduled
    if name == "reschedule":
        if publish_at is None:
            raise workflow.TransitionRefused(NEEDS_TIME, field="publish_at")
        return "publish", publish_at
    if name == "publish_now_confirmed":
        return "publish", None
    if name == "publish_now" or (name == "publish" and publish_at is None):
        if scheduled:
            raise NeedsConfirmation(
                gettext(
                    "This report is scheduled for %(moment)s. Publishing it now makes it "
                    "public at once, before its embargo ends. Press “Yes, publish now” to do so, or "
                    "“Keep the schedule and save” to keep its time."
                )
                % {"moment": zoned(report.published_at)},
                field="publish_at",
            )
        return "publish", None
    if name == "unschedule":
        if not scheduled:
            raise workflow.TransitionRefused(NOT_SCHEDULED)
        return "unpublish", None
    return name, publish_at


def check(name, report, user, *, note="", publish_at=None):
    transition, at = resolve(name, report, publish_at)
    workflow.check(transition, report, user, note=note, at=at)


def apply(name, report, user, *, note="", publish_at=None):
    """Apply the button `name` through the workflow; returns its ReportEvent."""
    transition, at = resolve(name, report, publish_at)
    if transition == "submit_for_review":
        return workflow.submit_for_review(report, by=user)
    if transition == "publish":
        return workflow.publish(report, by=user, at=at)
    if transition == "request_changes":
        return workflow.request_changes(report, by=user, note=note)
    if transition == "unpublish":
        return workflow.unpublish(report, by=user, note=note)
    workflow.check(transition, report, user)  # refuses an unknown name with its own sentence
    raise workflow.TransitionRefused(gettext("“%(name)s” is not a workflow action.") % {"name": name})


def buttons(report, user):
    """The workflow buttons `user` may press on `report`, the primary one marked."""
    allowed = [t.name for t in workflow.allowed_transitions(report, user)]
    result = []
    if report.is_scheduled:
        if "publish" in allowed:
            result += [
                Button("reschedule", gettext("Reschedule"), primary=True),
                Button("publish_now", gettext("Publish now")),
            ]
        if "unpublish" in allowed:
            result.append(Button("unschedule", gettext("Unschedule")))
        return result
    labels = {t.name: t.label for t in workflow.TRANSITIONS.values()}
    primary = "publish" if "publish" in allowed else "submit_for_review"
    ordered = sorted(allowed, key=lambda name: name != primary)
    return [Button(name, labels[name], primary=name == primary) for name in ordered]


def _latest(report, action):
    return report.events.filter(action=action).order_by("-created_at", "-pk").first()


def status_summary(report):
    """The status as editors speak of it: (key, label, detail, moment or None).

    `moment` is the time the detail names, for the browser to show in the reader's own zone.
    """
    if report.pk is None:
        return "draft", pgettext("status", "Draft"), gettext("not saved yet"), None
    if report.is_scheduled:
        return (
            "scheduled",
            pgettext("status", "Scheduled"),
            _at(gettext("for %(moment)s"), report.published_at),
            report.published_at,
        )
    if report.is_public:
        corrected = report.corrections.order_by("-created_at").values_list("created_at", flat=True).first()
        detail = _at(gettext("since %(moment)s"), report.published_at)
        if corrected:
            detail = gettext("%(since)s, corrected %(moment)s") % {"since": detail, "moment": zoned(corrected)}
        return "live", pgettext("status", "Live"), detail, report.published_at
    if report.status == report.Status.REVIEW:
        submitted = _latest(report, Action.SUBMIT)
        if submitted is None:
            return "review", pgettext("status", "In review"), "", None
        by = submitted.actor.get_full_name() or submitted.actor.get_username() if submitted.actor else None
        detail = gettext("since %(moment)s, submitted by %(who)s") % {
            "moment": zoned(submitted.created_at),
            "who": by or gettext("someone"),
        }
        return "review", pgettext("status", "In review"), detail, submitted.created_at
    saved = _at(gettext("last saved %(moment)s"), report.updated_at)
    return "draft", pgettext("status", "Draft"), saved, report.updated_at


def _at(sentence, moment):
    return sentence % {"moment": zoned(moment)}
