"""Writing an import plan, in one transaction."""


from django.db import transaction
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag

from reports.caching import page_cache
from reports.editorial.actions import workflow
from reports.importexport.records import PROGRESS_BATCH, WRITE_BATCH
from reports.models import Report, TaggedReport

# Writing


@transaction.atomic
def apply_plan(plan, *, by=None, note="", progress=None):
    """Write a plan in one transaction: an error or an interruption leaves the database as
    it was. `by` is the user importing (None from the command line); `progress(done)` is
    called as reports are written."""
    now = timezone.now()
    for series in {id(new.series): new.series for new in plan.created}.values():
        if series.pk is None:
            series.save()
    tags = _tags_named(name for new in plan.created for name in new.tags)
    # Oldest first, as if the back catalogue had been written here: listings run newest first.
    chronological = sorted(plan.created, key=lambda new: (new.incoming.period_start, new.incoming.period_end))
    created = []
    for start in range(0, len(chronological), PROGRESS_BATCH):
        batch = [(_new_report(new, by), new) for new in chronological[start : start + PROGRESS_BATCH]]
        workflow.create_imported([(report, new.incoming.state) for report, new in batch], by=by, note=note)
        created += batch
        if progress:
            progress(len(created))
    _restore_dates(created)
    links = [
        TaggedReport(content_object_id=report.pk, tag_id=tags[name.lower()].pk)
        for report, new in created
        for name in _unique_names(new.tags)
    ]
    TaggedReport.objects.bulk_create(links, batch_size=WRITE_BATCH)
    _apply_updates(plan.updated, by=by, now=now)
    if created or plan.updated:
        page_cache.public_changed()  # imported or updated reports may be public
    if progress:
        progress(len(created) + len(plan.updated))


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


def _restore_dates(created):
    """Inserting stamps created_at and updated_at with the current time; put the source's back.
    Where both are the publication time (the listing rule), one UPDATE per batch copies it;
    other dates are written row by row."""
    as_published, others = [], []
    for report, new in created:
        incoming = new.incoming
        if incoming.created_at is None:
            continue
        report.created_at, report.updated_at = incoming.created_at, incoming.updated_at or incoming.created_at
        if report.created_at == report.updated_at == report.published_at:
            as_published.append(report.pk)
        else:
            others.append(report)
    for start in range(0, len(as_published), WRITE_BATCH):
        Report.objects.filter(pk__in=as_published[start : start + WRITE_BATCH]).update(
            created_at=F("published_at"), updated_at=F("published_at")
        )
    Report.objects.bulk_update(others, ["created_at", "updated_at"], batch_size=WRITE_BATCH)


def _apply_updates(updates, *, by, now):
    fields = {"updated_at", "updated_by"}
    for update in updates:
        for name, (_, text) in update.changes.items():
            if name != "tags":
                setattr(update.report, name, text)
                fields.add(name)
        update.report.updated_at, update.report.updated_by = now, by
    Report.objects.bulk_update([u.report for u in updates], sorted(fields), batch_size=WRITE_BATCH)
    retagged = [u for u in updates if u.tags is not None]
    if not retagged:
        return
    tags = _tags_named(name for u in retagged for name in u.tags)
    for start in range(0, len(retagged), WRITE_BATCH):
        batch = [u.report.pk for u in retagged[start : start + WRITE_BATCH]]
        TaggedReport.objects.filter(content_object_id__in=batch).delete()
    links = [
        TaggedReport(content_object_id=u.report.pk, tag_id=tags[name.lower()].pk)
        for u in retagged
        for name in _unique_names(u.tags)
    ]
    TaggedReport.objects.bulk_create(links, batch_size=WRITE_BATCH)


def _unique_names(names):
    """Names once each, compared without case as taggit does (TAGGIT_CASE_INSENSITIVE)."""
    return list({name.lower(): name for name in reversed(list(names))}.values())


def _tags_named(names):
    """Tags by lower-case name, creating the missing ones (an export's tags are data)."""
    tags = {tag.name.lower(): tag for tag in Tag.objects.all()}
    missing = [name for name in _unique_names(names) if name.lower() not in tags]
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
