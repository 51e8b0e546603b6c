"""What a change to a report's content leaves behind: a revision, an audit event and, while
the public can see the report, a correction.

The admin's save path calls record_save() once it has saved the fields and tags. restore() is
the whole of restoring an earlier revision, itself recorded as a new revision. Neither touches
the status: that is reports.editorial.actions.workflow's alone.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from reports.caching import page_cache
from reports.editorial import audit, diffs, revisions
from reports.editorial.actions.workflow import CHANGE_PERMISSION, PUBLISH_PERMISSION
from reports.editorial.corrections import correction_required, record_correction
from reports.models import CORRECTION_NOTE_MESSAGE, Report, ReportEvent, Series

Action = ReportEvent.Action


class RestoreRefused(Exception):
    """A restore that is not allowed; str() says why, for the person who asked."""


@transaction.atomic
def record_save(report, *, by, created, message="", correction_note=""):
    """Record a save the admin has just made; returns the audit event, or None if the content
    did not change (then there is nothing new to keep)."""
    content = revisions.content_of(report)
    if created:
        changed = [name for name in revisions.CONTENT_FIELDS if content[name] not in (None, "", ())]
    else:
        previous = revisions.latest(report)
        changed = diffs.changed_fields(previous.content, content) if previous else list(revisions.CONTENT_FIELDS)
        if not changed:
            return None
    message, note = message.strip(), correction_note.strip()
    revisions.record(report, by=by, message=message or (f"Correction: {note}" if note else ""))
    action = Action.CREATE if created else Action.CORRECT if note else Action.EDIT
    event = audit.record_edit(report, by=by, action=action, changed_fields=changed, note=note or message)
    if note:
        record_correction(report, by=by, note=note)
    return event


def may_change(report, user):
    """Writers change drafts and reports in review; published and scheduled ones are the editors'."""
    if not user.has_perm(CHANGE_PERMISSION):
        return False
    return report.status != Report.Status.PUBLISHED or user.has_perm(PUBLISH_PERMISSION)


def restore_refusal(report, target, user):
    """Why `user` may not restore revision `target` of `report` now, or None if they may (a
    correction note aside: restore() asks for one while the report is public)."""
    if not may_change(report, user):
        return "Only editors can change a published or scheduled report."
    content = target.content
    if not diffs.changed_fields(revisions.content_of(report), content):
        return f"Revision {target.number} is the same as the report now: there is nothing to restore."
    if not Series.objects.filter(pk=content["series"]).exists():
        return f"The series of revision {target.number} has been deleted, so it cannot be restored."
    if Report.objects.filter(slug=content["slug"]).exclude(pk=report.pk).exists():
        return (
            f"Another report now has the address “{content['slug']}” that revision {target.number} used, "
            "so it cannot be restored as it is. Change that report's slug first, or copy what you need "
            "from the revision by hand."
        )
    return None


@transaction.atomic
def restore(report, target, *, by, message="", correction_note=""):
    """Make revision `target` (a revisions.ReportRevision) the report's content again, as a new
    revision. Raises RestoreRefused, changing nothing, when that is not allowed."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    reason = restore_refusal(report, target, by)
    if reason is None and correction_required(report) and not correction_note.strip():
        reason = CORRECTION_NOTE_MESSAGE
    if reason:
        raise RestoreRefused(reason)
    revisions.keep_stored_state(report)
    before = revisions.content_of(report)
    for name in revisions.CONTENT_FIELDS:
        if name == "series":
            report.series_id = target.content["series"]
        elif name != "tags":
            setattr(report, name, target.content[name])
    try:
        report.full_clean(exclude=["tags"])
    except ValidationError as invalid:
        raise RestoreRefused(" ".join(invalid.messages)) from None
    report.updated_by = by
    report.save()
    report.tags.set(list(target.content["tags"]))
    message, note = message.strip(), correction_note.strip()
    changed = diffs.changed_fields(before, revisions.content_of(report))
    summary = f"Restored revision {target.number}" + (f": {message}" if message else "")
    revisions.record(report, by=by, message=summary)
    event = audit.record_edit(report, by=by, action=Action.RESTORE, changed_fields=changed, note=note or summary)
    if note and correction_required(report):
        record_correction(report, by=by, note=note)
    if report.status == Report.Status.PUBLISHED:
        page_cache.public_changed()  # readers see the restored text at once
    return event
