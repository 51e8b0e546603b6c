"""A report's published states as readers get them: /reports/<slug>/v/<n>/.

A version's page shows its snapshot (reports.models.ReportVersion) as the report's page showed
it then, under a banner that links to the current version and lists the corrections made since.
What it shows is plain values (VersionPage), kept per publication generation like the report's
page: the snapshot never changes, and the banner changes only with a later correction or
publication, which bumps the generation.

Which versions readers may see starts, as everything public does, from
Report.objects.published(): a version of a report that is unpublished answers 404, like the
report; one of a deleted report answers 410 (its tombstone, reports.editorial.versions.bury).
"""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from reports.models import FigureData, Report, ReportVersion, TagRef, VersionRef
from reports.models.correction import CorrectionNote
from reports.models.pdf import pdf_ref
from reports.public.citation import Author
from reports.public.media.pictures import pictures
from reports.public.report_page import ReportPage, SeriesRef

# What the address's number may be: 1 to 999,999,999, written without leading zeros, so that
# one version has one address and the database is never asked for a number it cannot hold.
NUMBER_PATTERN = r"[1-9][0-9]{0,8}"


def version_url(slug, number):
    return reverse("reports:version", kwargs={"slug": slug, "number": str(number)})


@dataclass(frozen=True)
class VersionPage:
    report: ReportPage  # the report as this version shows it
    number: int
    published_at: datetime.datetime
    versions: tuple[VersionRef, ...]  # every published version, oldest first
    corrections_since: tuple[CorrectionNote, ...]

    @property
    def current(self):
        return self.versions[-1]

    @property
    def is_current(self):
        return self.number == self.current.number

    def get_absolute_url(self):
        return version_url(self.report.slug, self.number)


def version_page(slug, number):
    """The VersionPage readers get at /reports/<slug>/v/<number>/, or None: two queries (the
    report with its versions and this one's snapshot; its corrections)."""
    now = timezone.now()
    this = ReportVersion.objects.filter(report=OuterRef("pk"), number=number, published_at__lte=now)
    report = (
        Report.objects.published()
        .filter(slug=slug)
        .only("pk", "slug", "status", "published_at")
        .with_versions()
        .annotate(
            version_snapshot=Subquery(this.values("snapshot")[:1], output_field=models.JSONField()),
            version_published_at=Subquery(this.values("published_at")[:1]),
        )
        .prefetch_related("corrections")
        .first()
    )
    if report is None or report.version_snapshot is None:
        return None
    went_out = report.version_published_at
    return VersionPage(
        report=page_of(report, report.version_snapshot, went_out),
        number=number,
        published_at=went_out,
        versions=report.version_list,
        corrections_since=tuple(
            CorrectionNote(c.created_at, c.note) for c in report.corrections.all() if c.created_at > went_out
        ),
    )


def page_of(report, snapshot, went_out):
    """A snapshot as the ReportPage the report's template shows, at the report's current address."""
    authors = tuple(Author(name, True, slug) for name, slug in snapshot["authors"])
    series = SeriesRef(snapshot["series"]["name"], snapshot["series"]["slug"])
    return ReportPage(
        pk=report.pk,
        title=snapshot["title"],
        slug=report.slug,
        series=series,
        period_start=datetime.date.fromisoformat(snapshot["period_start"]),
        period_end=datetime.date.fromisoformat(snapshot["period_end"]),
        summary=snapshot["summary"],
        body=snapshot["body"],
        body_rendering="",  # a version's body is converted when shown
        status=Report.Status.PUBLISHED,
        published_at=went_out,
        first_published_at=datetime.datetime.fromisoformat(snapshot["first_published_at"]),
        last_modified=went_out,
        tag_list=tuple(TagRef(name, slug) for name, slug in snapshot["tags"]),
        corrections=tuple(
            CorrectionNote(datetime.datetime.fromisoformat(at), note) for at, note in snapshot["corrections"]
        ),
        neighbours=(None, None),
        authors=authors or (Author(series.name, False),),
        pdf=pdf_ref(snapshot.get("pdf")),
        figures=(shown := pictures([FigureData.from_row(row) for row in snapshot.get("figures", ())])),
        figures_html=tuple(str(picture.html()) for picture in shown),
    )


def moved_to(slug, number):
    """The current address of version `number` of the published report that had `slug` in one of
    its versions and has another slug now, or None: a report's new slug keeps old citations working."""
    report = (
        Report.objects.published()
        .filter(versions__slug=slug)  # it had this slug once…
        .filter(versions__number=number)  # …and has this version (two joins: two filter() calls)
        .exclude(slug=slug)
        .values_list("slug", flat=True)
        .first()
    )
    return version_url(report, number) if report else None


def is_gone(slug, number):
    """Whether /reports/<slug>/v/<number>/ was a version of a report since deleted."""
    return ReportVersion.objects.filter(report=None, slug=slug, number=number).exists()
