"""Writing a report's published states (reports.models.ReportVersion), from inside the actions.

The actions call these in their own transaction, after they have written the report:
- record(report): the report as stored now is a state readers see (a publication, or a change
  to a live report: a correction, a restore, an import's update, new bylines or tags) — the
  next version; for a scheduled report, its pending version, rewritten.
- withdraw_pending(report): a scheduled report was unscheduled; its pending version never went out.
- bury(report): the report is being deleted; its versions become tombstones (410 Gone).
- record_imported(report_ids): record() for many new reports at once, dated as their source says.
"""

from django.db.models import Max
from django.utils import timezone

from reports.models import SNAPSHOT_FORMAT, Report, ReportVersion

BATCH = 500


def snapshot(report):
    """Everything the report's page shows, as plain JSON values (see SNAPSHOT_KEYS).

    `report` comes from Report.objects.for_listing() with its corrections prefetched, or is a
    plain report (then its tags, bylines and corrections are read)."""
    return {
        "format": SNAPSHOT_FORMAT,
        "title": report.title,
        "slug": report.slug,
        "series": {"name": report.series.name, "slug": report.series.slug},
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "summary": report.summary,
        "body": report.body,
        "tags": [[tag.name, tag.slug] for tag in report.tag_list],
        "authors": [[author.name, author.slug] for author in report.author_list],
        "corrections": [[c.created_at.isoformat(), c.note] for c in report.corrections.all()],
        "first_published_at": report.first_published_at.isoformat(),
        # The files as they were: a replaced figure or PDF is retired, not deleted, so the
        # version keeps showing (and linking) what its readers saw.
        "figures": [list(figure) for figure in report.figure_list],
        "pdf": report.pdf._asdict() if report.pdf else None,
    }


def _fresh(report_ids):
    return (
        Report.objects.filter(pk__in=report_ids, status=Report.Status.PUBLISHED)
        .select_related("series")
        .with_tags()
        .with_authors()
        .with_figures()
        .with_pdf()
        .prefetch_related("corrections")
    )


def record(report, *, went_out=None):
    """The report's current state as its next published version (see the module's docstring),
    dated `went_out` (a publication's go-live moment) or else now (a change to a live report).
    A scheduled report's version is dated by its schedule. Returns the version, or None for a
    report that is neither published nor scheduled."""
    return _record_many([report.pk], went_out=lambda _: went_out).get(report.pk)


def record_imported(report_ids):
    """Version 1 of each new published report of an import, dated when its source says it went out."""
    ids = list(report_ids)
    for start in range(0, len(ids), BATCH):
        _record_many(ids[start : start + BATCH], went_out=lambda report: report.published_at)


def _record_many(report_ids, *, went_out):
    now = timezone.now()
    versions = ReportVersion.objects.filter(report_id__in=report_ids)
    versions.filter(published_at__gt=now).delete()  # a scheduled report's pending state is rewritten
    latest = dict(versions.values("report").annotate(latest=Max("number")).values_list("report", "latest"))
    new = [
        ReportVersion(
            report=report,
            number=latest.get(report.pk, 0) + 1,
            slug=report.slug,
            published_at=report.published_at if report.published_at > now else went_out(report) or now,
            snapshot=snapshot(report),
        )
        for report in _fresh(report_ids)
    ]
    return {version.report_id: version for version in ReportVersion.objects.bulk_create(new)}


def withdraw_pending(report):
    """Unscheduling: the version that would have gone live never did."""
    ReportVersion.objects.filter(report=report, published_at__gt=timezone.now()).delete()


def bury(report):
    """Before deleting `report`: its versions that went public stay as tombstones (slug and number,
    nothing of the text), so their addresses answer 410 Gone; a pending one simply goes."""
    ReportVersion.objects.filter(report=report, published_at__gt=timezone.now()).delete()
    ReportVersion.objects.filter(report=report).update(report=None, snapshot={})
