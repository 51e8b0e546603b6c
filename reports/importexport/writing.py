"""Writing an import plan: the plan's reports handed to the import action, in one transaction."""

from reports.editorial.actions.importing import ImportUpdate, NewImport, import_reports
from reports.models import Report


def apply_plan(plan, *, by=None, note="", progress=None):
    """Write a plan in one transaction: an error or an interruption leaves the database as
    it was. `by` is the user importing (None from the command line); `progress(done)` is
    called as reports are written."""
    new = [
        NewImport(
            _new_report(item, by),
            item.incoming.state,
            item.tags,
            authors=item.authors,
            created_at=item.incoming.created_at,
            updated_at=item.incoming.updated_at,
        )
        for item in plan.created
    ]
    updates = [
        ImportUpdate(
            update.report,
            {name: text for name, (_, text) in update.changes.items() if name not in ("tags", "authors")},
            update.tags,
            update.authors,
        )
        for update in plan.updated
    ]
    return import_reports(new, updates, by=by, note=note, progress=progress, authors=plan.authors)


def _new_report(new, by):
    incoming = new.incoming
    return Report(
        series=new.series,
        title=new.title,
        slug=new.slug,
        period_start=incoming.period_start,
        period_end=incoming.period_end,
        summary=incoming.summary,
        body=incoming.body,
        created_by=by,
        updated_by=by,
    )
