"""The audit trail's edits. Transitions are written by reports.editorial.actions.workflow; the content changes
are written here, called explicitly from the admin's save path and from reports.editorial.actions.editing."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from reports.models import Report, ReportEvent

# What an edit may change besides the report's own fields.
OTHER_LABELS = {"pdf": _("PDF")}


def field_label(name):
    """A report field's name as the admin labels it: "period_end" is "Period end"."""
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    return str(capfirst(Report._meta.get_field(name).verbose_name))


def record_edit(report, *, by, action, changed_fields, note=""):
    """One ReportEvent for a change of content: who, when, which fields, and the note."""
    if action not in ReportEvent.EDIT_ACTIONS:
        raise ValueError(f"{action!r} is not an edit.")
    return ReportEvent.objects.create(
        report=report,
        action=action,
        from_status=report.status,
        to_status=report.status,
        changed_fields=list(changed_fields),
        note=note,
        actor=by,
    )


def changed_fields_display(event):
    """The fields an edit changed, as the admin labels them: "Summary, Tags"."""
    return ", ".join(field_label(name) for name in event.changed_fields)
