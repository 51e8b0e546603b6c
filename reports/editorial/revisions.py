"""Revisions of a report's content, kept with django-reversion.

A revision is one reversion Revision (who, when, an optional message) holding a Version of the
report, of its TaggedReport rows and of their Tags, so that a revision knows its tags by name as
they were. Revisions are written explicitly: by record(), which the admin's save path and
reports.editorial.actions.editing call; reversion's own signal handlers stay idle (manage_manually).

A revision also holds the report's status and publication dates, but nothing here restores
them: only reports.editorial.actions.workflow changes those.
"""

from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from reversion.models import Revision, Version
from taggit.models import Tag

from reports.models import Report, ReportEvent, TaggedReport

# What a revision is about, in the order the admin shows a report's fields.
CONTENT_FIELDS = ("series", "title", "slug", "period_start", "period_end", "summary", "body", "tags")
TEXT_FIELDS = ("title", "summary", "body")

# The message of a revision kept for a state nobody saved through the admin (fixtures, the
# shell, reports older than the history), written just before the next change replaces it.
UNRECORDED_STATE_MESSAGE = "State saved outside the admin, kept before the next change"


def register_models():
    """Called once from ReportsConfig.ready()."""
    reversion.register(Report, exclude=("tags",), follow=("tagged_items",))
    reversion.register(TaggedReport, follow=("tag",))
    reversion.register(Tag)


def tag_names(names):
    """Tags in a stable order; TAGGIT_CASE_INSENSITIVE makes "Iran" and "iran" one tag."""
    return tuple(sorted(set(names), key=lambda name: (name.casefold(), name)))


def content_of(report):
    """The content of a report as stored now (the tags are read from the database)."""
    return {
        "series": report.series_id,
        "title": report.title,
        "slug": report.slug,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "summary": report.summary,
        "body": report.body,
        "tags": tag_names(TaggedReport.objects.filter(content_object=report).values_list("tag__name", flat=True)),
    }


@dataclass(frozen=True)
class ReportRevision:
    """One revision of one report, numbered from 1 in the order they were made."""

    number: int
    revision: Revision
    content: dict

    @property
    def id(self):
        return self.revision.pk

    @property
    def date(self):
        return self.revision.date_created

    @property
    def user(self):
        return self.revision.user

    @property
    def message(self):
        return self.revision.comment

    def __str__(self):
        return f"revision {self.number}"


def _versions(report):
    return Version.objects.get_for_object(report).select_related("revision__user").order_by("revision_id")


def _load(report, versions, first_number):
    """ReportRevisions from the report's Versions, with their tags in one more query."""
    if not versions:
        return []
    tagged_type = ContentType.objects.get_for_model(TaggedReport)
    tag_type = ContentType.objects.get_for_model(Tag)
    names, links = {}, {}
    followed = Version.objects.filter(
        revision_id__in=[v.revision_id for v in versions], content_type__in=[tagged_type, tag_type]
    )
    for version in followed:
        data = version.field_dict
        if version.content_type_id == tag_type.pk:
            names[version.revision_id, version.object_id] = data["name"]
        elif data["content_object_id"] == report.pk:
            links.setdefault(version.revision_id, []).append(str(data["tag_id"]))
    loaded = []
    for number, version in enumerate(versions, first_number):
        data = version.field_dict
        content = {field: data.get(field) for field in CONTENT_FIELDS if field not in ("series", "tags")}
        content["series"] = data.get("series_id")
        tags = (
            names.get((version.revision_id, tag_id), f"tag #{tag_id}") for tag_id in links.get(version.revision_id, ())
        )
        content["tags"] = tag_names(tags)
        loaded.append(ReportRevision(number, version.revision, content))
    return loaded


def history(report):
    """Every revision of the report, oldest first."""
    return _load(report, list(_versions(report)), 1)


def latest(report):
    """The report's newest revision, or None if it has none yet."""
    versions = _versions(report)
    count = versions.count()
    if not count:
        return None
    return _load(report, [versions.last()], count)[0]


def latest_id(report):
    return _versions(report).values_list("revision_id", flat=True).last()


def record(report, *, by, message="", date=None):
    """Keep the report as it is stored now, tags included, as a new revision; return its id."""
    stored = Report.objects.get(pk=report.pk)
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(by)
        reversion.set_comment(message)
        if date is not None:
            reversion.set_date_created(date)
        reversion.add_to_revision(stored)
    return latest_id(stored)


def keep_stored_state(report):
    """Before a change: make sure the state it replaces is a revision, so that nothing is lost.

    Only needed for a state nobody saved through the admin; it is kept with the time it was
    saved and no author.
    """
    stored = Report.objects.get(pk=report.pk)
    newest = latest(stored)
    if newest is not None and newest.content == content_of(stored):
        return
    date = stored.updated_at if newest is None else max(stored.updated_at, newest.date)
    record(stored, by=None, message=UNRECORDED_STATE_MESSAGE, date=date)


def published_revision(report, revisions=None):
    """The revision readers were last given: the one current when the report was last
    published or scheduled. None if it never was, or if that predates its history."""
    last = (
        report.events.filter(action__in=[ReportEvent.Action.PUBLISH, ReportEvent.Action.SCHEDULE])
        .order_by("-created_at", "-pk")
        .first()
    )
    if last is None:
        return None
    if revisions is not None:
        earlier = [r for r in revisions if r.date <= last.created_at]
        return earlier[-1] if earlier else None
    earlier = _versions(report).filter(revision__date_created__lte=last.created_at)
    count = earlier.count()
    return _load(report, [earlier.last()], count)[0] if count else None
