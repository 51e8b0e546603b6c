"""Changing a report's content: saving what an editor typed, and restoring a revision.

Each leaves a revision, an audit event and, while the public can see the report, a public
correction. Neither touches the status: that is reports.editorial.actions.workflow's alone.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from reports.editorial import audit, diffs, permissions, revisions, signals, versions
from reports.editorial.actions import figures as figure_actions
from reports.editorial.actions import pdfs
from reports.editorial.actions.base import ActionRefused, editorial_action, lock
from reports.editorial.corrections import correction_required, record_correction
from reports.models import CORRECTION_NOTE_MESSAGE, Report, ReportAuthor, ReportEvent, Series

Action = ReportEvent.Action
CONTENT_COLUMNS = ["series", "title", "slug", "period_start", "period_end", "summary", "body", "translator"]


class RestoreRefused(ActionRefused):
    """A restore that is not allowed; str() says why, for the person who asked."""


def save_report(report, *, by, tags, authors=None, figures=None, message="", correction_note="", pdf=None):
    """Save `report` with the content a form has put on it (not saved yet) and these tags.

    A new report is created by `by`; an existing one is changed only in its content (its
    status and dates are the workflow's, as they are stored now). `authors`, when given, are
    its bylines in order; `figures`, when given, its figures (figure_actions.FigureRow, in
    the order the form lists them). `pdf`, when given, is a pdfs.PdfChange: a new PDF, or the
    removal of the current one (a live report's needs `correction_note`). Returns the audit
    event, or None when the content did not change (then there is nothing new to keep).
    """
    created = report.pk is None
    with editorial_action("create" if created else "edit", actor=by) as outcome:
        if created:
            if not permissions.may_add(by):
                raise ActionRefused(gettext("You do not have permission to write reports."))
            report.created_by = by
        else:
            stored = lock(report)
            if not permissions.may_change(by, stored):
                raise ActionRefused(gettext("Only editors can change a published or scheduled report."))
            revisions.keep_stored_state(stored)  # what this save replaces stays in the history
            if pdf is not None:
                pdfs.check_note(stored, correction_note)
        report.updated_by = by
        if created:
            report.save()
        else:
            report.save(update_fields=[*CONTENT_COLUMNS, "updated_by", "updated_at"])
            report.refresh_from_db(fields=["status", "published_at", "first_published_at"])
        report.tags.set(list(tags))
        bylines_changed = authors is not None and set_bylines(report, authors)
        pdf_changed = pdf is not None and pdfs.apply_change(report, pdf, outcome=outcome)
        live = correction_required(report)
        figures_changed = figures is not None and figure_actions.apply(report, figures, live=live, outcome=outcome)
        if figures_changed and live and not correction_note.strip():
            raise ActionRefused(CORRECTION_NOTE_MESSAGE, field="correction_note")
        also_changed = (["authors"] if bylines_changed else []) + (["figures"] if figures_changed else [])
        also_changed = [*(also_changed if not created else []), *(["pdf"] if pdf_changed else [])]
        event, correction = _record(
            report,
            by=by,
            created=created,
            message=message,
            correction_note=correction_note,
            also_changed=also_changed,
        )
        if event is not None:
            signal = (
                signals.report_created
                if created
                else signals.report_corrected
                if event.action == Action.CORRECT
                else signals.report_edited
            )
            extra = {"correction": correction} if signal is signals.report_corrected else {}
            outcome.announce(signal, Report, report=report, event=event, **extra)
            if report.status == Report.Status.PUBLISHED:  # live or scheduled: the vocabulary has its tags
                versions.record(report)  # readers see a new state (or the scheduled one changed)
                outcome.public_changed()
    return event


def set_bylines(report, authors):
    """Make `authors` the report's bylines, in this order; whether they changed."""
    authors = list(dict.fromkeys(authors))
    current = list(report.bylines.order_by("position", "pk").values_list("author_id", flat=True))
    if current == [author.pk for author in authors]:
        return False
    report.bylines.all().delete()
    ReportAuthor.objects.bulk_create(
        [ReportAuthor(report=report, author=author, position=position) for position, author in enumerate(authors)]
    )
    return True


def _record(report, *, by, created, message, correction_note, also_changed=()):
    content = revisions.content_of(report)
    if created:
        changed = [name for name in revisions.CONTENT_FIELDS if content[name] not in (None, "", ())]
        changed += [name for name in also_changed if name == "pdf"]
    else:
        previous = revisions.latest(report)
        changed = diffs.changed_fields(previous.content, content) if previous else list(revisions.CONTENT_FIELDS)
        changed += list(also_changed)  # the bylines, which revisions do not keep
        if not changed:
            return None, None
    message, note = message.strip(), correction_note.strip()
    revisions.record(report, by=by, message=message or (f"Correction: {note}" if note else ""))
    action = Action.CREATE if created else Action.CORRECT if note else Action.EDIT
    event = audit.record_edit(report, by=by, action=action, changed_fields=changed, note=note or message)
    correction = record_correction(report, by=by, note=note) if note else None
    return event, correction


def restore_refusal(report, target, user):
    """Why `user` may not restore revision `target` of `report` now, or None if they may (a
    correction note aside: restore() asks for one while the report is public)."""
    if not permissions.may_change(user, report):
        return gettext("Only editors can change a published or scheduled report.")
    content, number = target.content, {"number": target.number}
    if not diffs.changed_fields(revisions.content_of(report), content):
        return gettext("Revision %(number)s is the same as the report now: there is nothing to restore.") % number
    if not Series.objects.filter(pk=content["series"]).exists():
        return gettext("The series of revision %(number)s has been deleted, so it cannot be restored.") % number
    if Report.objects.filter(slug=content["slug"]).exclude(pk=report.pk).exists():
        return gettext(
            "Another report now has the address “%(slug)s” that revision %(number)s used, "
            "so it cannot be restored as it is. Change that report's slug first, or copy what you need "
            "from the revision by hand."
        ) % {"slug": content["slug"], **number}
    return None


def restore(report, target, *, by, message="", correction_note=""):
    """Make revision `target` (a revisions.ReportRevision) the report's content again, as a new
    revision. Raises RestoreRefused, changing nothing, when that is not allowed."""
    with editorial_action("restore", actor=by) as outcome:
        report = lock(report)
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
        report.save(update_fields=[*CONTENT_COLUMNS, "updated_by", "updated_at"])
        report.tags.set(list(target.content["tags"]))
        message, note = message.strip(), correction_note.strip()
        changed = diffs.changed_fields(before, revisions.content_of(report))
        summary = f"Restored revision {target.number}" + (f": {message}" if message else "")
        revisions.record(report, by=by, message=summary)
        event = audit.record_edit(report, by=by, action=Action.RESTORE, changed_fields=changed, note=note or summary)
        correction = record_correction(report, by=by, note=note) if note and correction_required(report) else None
        outcome.announce(signals.report_restored, Report, report=report, event=event, correction=correction)
        if report.status == Report.Status.PUBLISHED:
            versions.record(report)
            outcome.public_changed()  # readers see the restored text at once
    return event


def delete_report(report, *, by):
    """Delete a report (the admin has checked what the deletion takes with it)."""
    with editorial_action("delete", actor=by) as outcome:
        report = lock(report)
        if not permissions.may_delete(by):
            raise ActionRefused(gettext("You do not have permission to delete reports."))
        was_public = report.status == Report.Status.PUBLISHED
        report_id, title, files = report.pk, report.title, stored_files(report)
        versions.bury(report)  # cited addresses of its versions answer 410 Gone
        report.delete()
        outcome.announce(
            signals.report_deleted, Report, report_id=report_id, title=title, was_public=was_public, files=files
        )
        if was_public:
            outcome.public_changed()


def stored_files(report):
    """The storage names of every file of the report: its figures' originals and renditions,
    retired ones included, and its PDFs and their thumbnails, replaced ones included."""
    names = [name for figure in report.figures.all() for name in figure_actions.stored_names(figure)]
    names += [field.name for pdf in report.pdfs.all() for field in (pdf.file, pdf.thumbnail) if field]
    return names
