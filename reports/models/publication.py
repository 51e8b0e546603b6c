"""What the public site looks like now, as one row.

Every editorial action whose change a reader could see calls `record_change()` once, last,
inside its own transaction (reports.editorial.actions.base does it for every action). It
locks the row first and only then derives what it stores from the published set, so two
editors publishing at once cannot leave it with the first one's snapshot: the second waits
for the lock, and its queries then see the first one's commit.

What it stores is derived only from the database, so a scheduled report needs nobody to
act when its time comes: the row lists the moments at which scheduled reports go live, with
their tags, and readers work out from the clock alone which of them have passed
(reports.caching.state). A reader's request never writes.
"""

import datetime

from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone


def derive():
    """What the row keeps of the published set: (schedule, vocabulary), as JSON.

    The vocabulary: each tag and author readers can see now with how many live reports carry
    it, every series, the live reports per series and years, and each scheduled report's go-live
    moment with its tags, authors, series and years. The schedule: the
    go-live moments, in order. Seven queries, at the moment of the call.
    """
    from reports.models.author import ReportAuthor
    from reports.models.names import TagArabicName
    from reports.models.report import Report, Series, TaggedReport

    live, scheduled = Report.objects.published(), Report.objects.scheduled()
    tags = (
        TaggedReport.objects.filter(Exists(live.filter(pk=OuterRef("content_object"))))
        .order_by()
        .values_list("tag_id", "tag__slug", "tag__name")
        .annotate(reports=Count("pk"))
    )
    authors = (
        ReportAuthor.objects.filter(Exists(live.filter(pk=OuterRef("report"))))
        .order_by()
        .values_list("author_id", "author__slug", "author__name")
        .annotate(reports=Count("pk"))
    )
    # The unfiltered archive's series and years facets (reports.public.facets), counted here once
    # per change rather than over the whole archive by the first reader after it.
    period = ("series__slug", "series__name", ExtractYear("period_start"), ExtractYear("period_end"))
    series_years = live.order_by().values_list(*period).annotate(reports=Count("pk"))
    moments, periods = {}, {}
    for pk, moment, *where in scheduled.values_list("pk", "published_at", *period):
        moments[pk], periods[pk] = moment.isoformat(), where
    coming_tags, coming_authors = {}, {}
    tag_links = TaggedReport.objects.filter(content_object__in=list(moments)).values_list(
        "content_object_id", "tag_id", "tag__slug", "tag__name"
    )
    for report_pk, pk, slug, name in tag_links.order_by("content_object_id", "tag_id"):
        coming_tags.setdefault(report_pk, []).append([pk, slug, name])
    bylines = ReportAuthor.objects.filter(report__in=list(moments)).values_list(
        "report_id", "author_id", "author__slug", "author__name"
    )
    for report_pk, pk, slug, name in bylines.order_by("report_id", "author_id"):
        coming_authors.setdefault(report_pk, []).append([pk, slug, name])
    # Published, live or scheduled: the counts above are of every language together.
    languages = Report.objects.filter(status=Report.Status.PUBLISHED).values_list("language", flat=True)
    languages = sorted(languages.order_by().distinct())
    vocabulary = {
        "tags": [list(row) for row in tags],
        "authors": [list(row) for row in authors],
        "series": [list(row) for row in Series.objects.order_by("pk").values_list("id", "slug", "name")],
        "series_years": [list(row) for row in series_years],
        "languages": languages,
        # What Arabic pages call them (reports.caching.vocabulary.shown_name).
        "arabic_names": {
            "tag": dict(TagArabicName.objects.values_list("tag__slug", "name")),
            "series": dict(Series.objects.exclude(name_ar="").values_list("slug", "name_ar")),
        },
        "scheduled": sorted(
            [moment, coming_tags.get(pk, []), coming_authors.get(pk, []), periods[pk]] for pk, moment in moments.items()
        ),
    }
    return sorted(moments.values()), vocabulary


class PublicationStateQuerySet(models.QuerySet):
    @transaction.atomic
    def record_change(self):
        """Bump the generation: what readers see has changed. Call it once per change, last,
        in the transaction that made it."""
        state = self.select_for_update().filter(pk=1).first()
        if state is None:  # the data migration makes the row; a flushed test database has none
            self.get_or_create(pk=1)
            state = self.select_for_update().get(pk=1)
        state.schedule, state.vocabulary = derive()  # after the lock: see the note above
        state.generation += 1
        state.changed_at = timezone.now()
        state.save()
        return state


class PublicationState(models.Model):
    """One row: what the public site looks like, as a generation number.

    Cached public pages and results are keyed by the generation (and by how many scheduled
    moments have passed: reports.caching.state), so the old ones are simply never read again.
    """

    generation = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)
    # When the reports scheduled at the last change go live (ISO 8601, in order).
    schedule = models.JSONField(default=list, blank=True)
    # The tags and series readers can see, as derive() gives them.
    vocabulary = models.JSONField(default=dict, blank=True)

    objects = PublicationStateQuerySet.as_manager()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="publicationstate_single_row")]

    def __str__(self):
        return f"generation {self.generation} ({self.changed_at:%Y-%m-%d %H:%M:%S})"

    @property
    def scheduled_moments(self):
        return tuple(datetime.datetime.fromisoformat(moment) for moment in self.schedule)
