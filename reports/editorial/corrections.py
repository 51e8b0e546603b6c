"""Corrections: a change to a report while the public can see it carries a public note.

Writers cannot change a published report at all (ReportAdmin.has_change_permission); an
editor's change to a live one is saved at once, like any edit, and the note is shown on the
report's page with its date. A scheduled report is not live yet, so its edits need no note.
"""

from reports.models import Correction


def correction_required(report):
    """Whether a change to `report` as it is now needs a public correction note."""
    return report.pk is not None and report.is_public


def record_correction(report, *, by, note):
    correction = Correction(report=report, editor=by, note=note.strip())
    correction.full_clean(exclude=[] if by else ["editor"])  # None: the command line
    correction.save()
    return correction
