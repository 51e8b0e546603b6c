"""Published states of reports (ReportVersion), each at its own address /reports/<slug>/v/<n>/.

The data step gives every published report (live or scheduled) its version 1: the report as it
is now, with all its corrections so far, dated when readers first saw that state (its latest
correction, or its publication when later). Older states are not rebuilt from revisions: a
revision holds no bylines and no corrections, and unpublish cycles leave no trace in it, so a
reconstruction could show readers a page that never existed. Self-contained: it reads the
historical models only.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 500


def first_versions(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    TaggedReport = apps.get_model("reports", "TaggedReport")
    ReportAuthor = apps.get_model("reports", "ReportAuthor")
    Correction = apps.get_model("reports", "Correction")
    ids = list(Report.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        tags, authors, corrections = {}, {}, {}
        for report_id, name, slug in TaggedReport.objects.filter(content_object_id__in=batch).values_list(
            "content_object_id", "tag__name", "tag__slug"
        ):
            tags.setdefault(report_id, []).append([name, slug])
        for report_id, name, slug in (
            ReportAuthor.objects.filter(report_id__in=batch)
            .order_by("position", "pk")
            .values_list("report_id", "author__name", "author__slug")
        ):
            authors.setdefault(report_id, []).append([name, slug])
        for report_id, created_at, note in (
            Correction.objects.filter(report_id__in=batch)
            .order_by("created_at", "pk")
            .values_list("report_id", "created_at", "note")
        ):
            corrections.setdefault(report_id, []).append([created_at, note])
        versions = []
        for report in Report.objects.filter(pk__in=batch).select_related("series"):
            notes = corrections.get(report.pk, [])
            went_out = max([report.published_at, *(created_at for created_at, _ in notes)])
            snapshot = {
                "format": 1,
                "title": report.title,
                "slug": report.slug,
                "series": {"name": report.series.name, "slug": report.series.slug},
                "period_start": report.period_start.isoformat(),
                "period_end": report.period_end.isoformat(),
                "summary": report.summary,
                "body": report.body,
                "tags": sorted(tags.get(report.pk, []), key=lambda pair: pair[0].casefold()),
                "authors": authors.get(report.pk, []),
                "corrections": [[created_at.isoformat(), note] for created_at, note in notes],
                "first_published_at": (report.first_published_at or report.published_at).isoformat(),
            }
            versions.append(
                ReportVersion(report=report, number=1, slug=report.slug, published_at=went_out, snapshot=snapshot)
            )
        ReportVersion.objects.bulk_create(versions)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0017_report_language_pdf_text"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("slug", models.SlugField(max_length=255)),
                ("published_at", models.DateTimeField(help_text="When readers first saw this state.")),
                ("snapshot", models.JSONField(default=dict)),
                (
                    "report",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="versions",
                        to="reports.report",
                    ),
                ),
            ],
            options={
                "ordering": ["report", "number"],
                "indexes": [models.Index(fields=["slug", "number"], name="reportversion_slug_number_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("report", "number"), name="reportversion_unique_number_per_report"),
                    models.CheckConstraint(
                        condition=models.Q(("number__gte", 1)),
                        name="reportversion_number_from_one",
                        violation_error_message="Version numbers start at 1.",
                    ),
                ],
            },
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
