"""Optimistic concurrency for everything that changes a report from a form.

A form carries an edit token naming what its user started from: the row's updated_at (which
every save moves, transitions included), the last audit event and the last revision they had
on screen. Before saving, find_conflict() locks the row and compares. If someone saved in the
meantime it tells who did what and when, and how the content changed; the form is then shown
again with its user's own text and a fresh token, so that saving again, after merging, is a
deliberate choice and never a silent overwrite.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.editorial import diffs, revisions
from reports.editorial.audit import changed_fields_display
from reports.models import Report, ReportEvent

Action = ReportEvent.Action
MAX_ID = 2**63

# How an event reads in "editor published it on …".
PHRASES = {
    Action.SUBMIT: _("submitted it for review"),
    Action.PUBLISH: _("published it"),
    Action.SCHEDULE: _("scheduled it"),
    Action.REQUEST_CHANGES: _("requested changes"),
    Action.UNPUBLISH: _("unpublished it"),
    Action.CREATE: _("created it"),
    Action.EDIT: _("edited"),
    Action.CORRECT: _("corrected"),
    Action.RESTORE: _("restored an earlier revision, changing"),
}


def when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass(frozen=True)
class EditToken:
    updated_at: datetime.datetime
    event_id: int
    revision_id: int

    def __str__(self):
        return f"{self.updated_at.isoformat()}|{self.event_id}|{self.revision_id}"


def token_for(report):
    """The token for a form showing `report` as it is stored now."""
    last_event = report.events.order_by("-pk").values_list("pk", flat=True).first()
    return str(EditToken(report.updated_at, last_event or 0, revisions.latest_id(report) or 0))


def parse_token(value):
    """The EditToken in a submitted form, or None if it is missing or malformed."""
    try:
        updated_at, event_id, revision_id = (value or "").split("|")
        token = EditToken(datetime.datetime.fromisoformat(updated_at), int(event_id), int(revision_id))
    except ValueError:
        return None
    # Ids a database can hold; anything else was not written by us.
    return token if 0 <= token.event_id < MAX_ID and 0 <= token.revision_id < MAX_ID else None


@dataclass
class Conflict:
    """What others changed since the submitted token."""

    report: Report
    token: str  # the current one, for the form shown again
    events: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # diffs.FieldChange, their changes to the content
    both_changed: set = field(default_factory=set)  # fields the submitter changed too
    token_known: bool = True

    def event_lines(self):
        lines = []
        for event in self.events:
            fields = changed_fields_display(event) if event.action in ReportEvent.EDIT_ACTIONS else ""
            phrase = f"{PHRASES[event.action]} {fields}".strip()
            line = gettext("%(who)s %(what)s on %(moment)s")
            lines.append(
                line % {"who": event.actor or gettext("Someone"), "what": phrase, "moment": when(event.created_at)}
            )
        return lines

    @property
    def message(self):
        if not self.token_known:
            return gettext(
                "Not saved: this form did not say which version of the report it was based on, so it might "
                "overwrite someone else's work. The report was last changed by %(who)s "
                "on %(moment)s. Your text is still in the form below; check it against "
                "the report as it is now, then save again."
            ) % {"who": self.report.updated_by or gettext("someone"), "moment": when(self.report.updated_at)}
        who = self.events[-1].actor if self.events else self.report.updated_by
        what = (
            get_text_list(self.event_lines(), gettext("and"))
            if self.events
            else gettext("it was changed on %(moment)s") % {"moment": when(self.report.updated_at)}
        )
        return gettext(
            "Not saved: %(who)s changed this report while you were editing it (%(what)s). "
            "Your text is still in the form below and their changes are listed under this message: "
            "merge what you need, then save again."
        ) % {"who": who or gettext("someone"), "what": what}


def find_conflict(report, submitted_token, *, yours=None):
    """Lock the report's row; return a Conflict if it changed since `submitted_token`, else None.

    `yours` is the content the submitter is saving (a dict as from revisions.content_of), to
    point out the fields both of them changed.
    """
    current = Report.objects.select_for_update().get(pk=report.pk)
    token = parse_token(submitted_token)
    if token is not None and token.updated_at == current.updated_at:
        return None
    conflict = Conflict(report=current, token=token_for(current), token_known=token is not None)
    if token is None:
        return conflict
    conflict.events = list(
        current.events.filter(pk__gt=token.event_id).select_related("actor").order_by("created_at", "pk")
    )
    kept = revisions.history(current)
    base = next((r for r in kept if r.id == token.revision_id), None)
    if token.revision_id == 0 and kept and kept[0].message == revisions.UNRECORDED_STATE_MESSAGE:
        base = kept[0]  # the form was opened before the report had a history; this is what it showed
    if base is not None:
        now = revisions.content_of(current)
        conflict.changes = diffs.compare(base.content, now)
        if yours is not None:
            conflict.both_changed = set(diffs.changed_fields(base.content, yours)) & {c.name for c in conflict.changes}
    return conflict
