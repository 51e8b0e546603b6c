"""Importing reports: the one action that creates reports in bulk and updates them from a source.

import_reports() is one editorial action, one transaction and, when readers can see any of
it, one bump, however many reports it brings. New reports arrive in the state their source
says (workflow.stamp_imported), with one IMPORT event each, in bulk. An update of a report that
exists is an edit like any other: what it replaces is kept as a revision, the new text gets a
revision and an audit event, and a report readers can see gets a public correction note.
"""

from dataclasses import dataclass, field

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_text_list, slugify
from taggit.models import Tag

from reports.editorial import audit, revisions, signals, versions
from reports.editorial.actions.base import editorial_action, lock
from reports.editorial.actions.editing import set_bylines
from reports.editorial.actions.workflow import ImportedState, stamp_imported
from reports.editorial.corrections import correction_required, record_correction
from reports.models import Author, Report, ReportAuthor, ReportEvent, TaggedReport

Action = ReportEvent.Action
# Rows per INSERT: under the bound-parameter limits of SQLite and PostgreSQL.
IMPORT_BATCH = 500
# Reports written between two calls of `progress`.
PROGRESS_BATCH = 1000


@dataclass
class NewImport:
    report: Report  # not saved yet; its series may not be saved yet either
    state: ImportedState = field(default_factory=ImportedState)
    tags: list = field(default_factory=list)
    authors: list = field(default_factory=list)  # names, in byline order
    created_at: object = None  # as the source dates it, or None for now
    updated_at: object = None


@dataclass
class ImportUpdate:
    report: Report  # as stored
    texts: dict  # field name -> the text the source gives
    tags: list | None = None  # the source's tags, when they differ
    authors: list | None = None  # the source's bylines (names, in order), when they differ


def import_reports(new, updates=(), *, by=None, note="", progress=None, authors=None):
    """Create `new` (NewImports) and apply `updates` (ImportUpdates) as one action. `by` is the
    user importing (None from the command line); `progress(done)` is called as reports are
    written; `authors` are the source's author records by name (slug, bio, link), for the
    authors it brings that do not exist yet. Returns the created reports."""
    with editorial_action("import", actor=by) as outcome:
        for series in {id(item.report.series): item.report.series for item in new}.values():
            if series.pk is None:
                series.save()
        tags = tags_named(name for item in new for name in item.tags)
        names = [name for item in [*new, *updates] for name in item.authors or ()]
        people = authors_named(names, authors or {})
        # Oldest first, as if the back catalogue had been written here: listings run newest first.
        chronological = sorted(new, key=lambda item: (item.report.period_start, item.report.period_end))
        for start in range(0, len(chronological), PROGRESS_BATCH):
            batch = chronological[start : start + PROGRESS_BATCH]
            create_imported([(item.report, item.state) for item in batch], by=by, note=note)
            if progress:
                progress(start + len(batch))
        _restore_dates(chronological)
        links = [
            TaggedReport(content_object_id=item.report.pk, tag_id=tags[name.lower()].pk)
            for item in chronological
            for name in unique_names(item.tags)
        ]
        TaggedReport.objects.bulk_create(links, batch_size=IMPORT_BATCH)
        bylines = [
            ReportAuthor(report=item.report, author=people[name], position=position)
            for item in chronological
            for position, name in enumerate(dict.fromkeys(item.authors))
        ]
        ReportAuthor.objects.bulk_create(bylines, batch_size=IMPORT_BATCH)
        versions.record_imported(item.report.pk for item in chronological)  # the published ones: version 1
        updated = _apply_updates(list(updates), by=by, note=note, people=people)
        if progress:
            progress(len(chronological) + len(updated))
        created = [item.report for item in chronological]
        outcome.announce(
            signals.reports_imported, Report, created=[r.pk for r in created], updated=[r.pk for r in updated]
        )
        if any(r.status == Report.Status.PUBLISHED for r in [*created, *updated]):
            outcome.public_changed()
    return created


def load_fixtures(*labels, by=None):
    """Load Django fixtures (the demo's seed) as one import: announced, and one bump."""
    with editorial_action("load_fixtures", actor=by) as outcome:
        before = set(Report.objects.values_list("pk", flat=True))
        call_command("loaddata", *labels, verbosity=0)
        created = list(Report.objects.exclude(pk__in=before).values_list("pk", flat=True))
        versions.record_imported(created)
        outcome.announce(signals.reports_imported, Report, created=created, updated=[])
        outcome.public_changed()
    return created


def create_imported(imports, *, by=None, note=""):
    """Insert new reports, each in the state its source says, with one IMPORT event each: two
    bulk inserts, however many reports. `imports` holds (unsaved report, ImportedState) pairs;
    `by` needs the permission the matching button needs. Returns the events."""
    imports = list(imports)
    for report, state in imports:
        stamp_imported(report, state, by=by)
        report.render_body()  # as save() would
    reports = Report.objects.bulk_create([report for report, _ in imports], batch_size=IMPORT_BATCH)
    now = timezone.now()
    events = [
        ReportEvent(
            report=report,
            action=Action.IMPORT,
            from_status=Report.Status.DRAFT,
            to_status=report.status,
            note=note,
            publish_at=report.published_at,
            actor=by,
            created_at=now,
        )
        for report in reports
    ]
    return ReportEvent.objects.bulk_create(events, batch_size=IMPORT_BATCH)


def _restore_dates(items):
    """Inserting stamps created_at and updated_at with the current time; put the source's back.
    Where both are the publication time (the listing rule), one UPDATE per batch copies it;
    other dates are written row by row."""
    as_published, others = [], []
    for item in items:
        report = item.report
        if item.created_at is None:
            continue
        report.created_at, report.updated_at = item.created_at, item.updated_at or item.created_at
        if report.created_at == report.updated_at == report.published_at:
            as_published.append(report.pk)
        else:
            others.append(report)
    for start in range(0, len(as_published), IMPORT_BATCH):
        Report.objects.filter(pk__in=as_published[start : start + IMPORT_BATCH]).update(
            created_at=F("published_at"), updated_at=F("published_at")
        )
    Report.objects.bulk_update(others, ["created_at", "updated_at"], batch_size=IMPORT_BATCH)


def _apply_updates(updates, *, by, note, people=None):
    """Each update as an edit: revision kept, fields written, revision, audit event and, while
    readers can see the report, a correction. Returns the reports updated."""
    if not updates:
        return []
    tags = tags_named(name for update in updates for name in update.tags or ())
    updated = []
    for update in updates:
        report = lock(update.report)
        revisions.keep_stored_state(report)  # what the import replaces stays in the history
        before = revisions.content_of(report)
        for name, text in update.texts.items():
            setattr(report, name, text)
        report.updated_by = by
        report.save()
        if update.tags is not None:
            TaggedReport.objects.filter(content_object=report).delete()
            TaggedReport.objects.bulk_create(
                [TaggedReport(content_object=report, tag=tags[name.lower()]) for name in unique_names(update.tags)]
            )
        changed = [name for name in revisions.CONTENT_FIELDS if before[name] != revisions.content_of(report)[name]]
        if update.authors is not None and set_bylines(report, [people[name] for name in update.authors]):
            changed.append("authors")
        fields = get_text_list([audit.field_label(name).lower() for name in changed], "and")
        correction = f"{note.rstrip('.') or 'Imported'}: updated the {fields}." if correction_required(report) else ""
        revisions.record(report, by=by, message=correction or note)
        action = Action.CORRECT if correction else Action.EDIT
        audit.record_edit(report, by=by, action=action, changed_fields=changed, note=correction or note)
        if correction:
            record_correction(report, by=by, note=correction)
        if report.status == Report.Status.PUBLISHED:
            versions.record(report)
        updated.append(report)
    return updated


def authors_named(names, records):
    """Authors by name, creating the missing ones with the slug, bio and link `records` give
    (a JSON export's), or a slug made from the name."""
    names = list(dict.fromkeys(names))
    found = {author.name: author for author in Author.objects.filter(name__in=names)}
    slugs = set(Author.objects.values_list("slug", flat=True))
    for name in names:
        if name in found:
            continue
        record = records.get(name, {})
        base = record.get("slug") or slugify(name) or "author"
        slug, number = base, 2
        while slug in slugs:
            slug, number = f"{base}-{number}", number + 1
        slugs.add(slug)
        bio, link = record.get("bio", ""), record.get("link", "")
        found[name] = Author.objects.create(name=name, slug=slug, bio=bio, link=link)
    return found


def unique_names(names):
    """Names once each, compared without case as taggit does (TAGGIT_CASE_INSENSITIVE)."""
    return list({name.lower(): name for name in reversed(list(names))}.values())


def tags_named(names):
    """Tags by lower-case name, creating the missing ones (an export's tags are data)."""
    tags = {tag.name.lower(): tag for tag in Tag.objects.all()}
    missing = [name for name in unique_names(names) if name.lower() not in tags]
    if missing:
        slugs = set(Tag.objects.values_list("slug", flat=True))
        new_tags = []
        for name in missing:
            tag = Tag(name=name)
            tag.slug, number = tag.slugify(name), 1
            while tag.slug in slugs:  # taggit's own rule for a taken slug: name_1, name_2...
                tag.slug, number = tag.slugify(name, number), number + 1
            slugs.add(tag.slug)
            new_tags.append(tag)
        for tag in Tag.objects.bulk_create(new_tags):
            tags[tag.name.lower()] = tag
    return tags
