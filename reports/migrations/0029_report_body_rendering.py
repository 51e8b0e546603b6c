"""Each report keeps its body's HTML beside the body (Report.body_rendering, written by save()):
a report page or the API shows a body without converting its Markdown, which took a third of a
new API page's time. The existing reports' renderings are made here; one that is missing or not
of the current body is never used (reports.text.markdown.body_html converts the body instead)."""

from django.db import migrations, models

from reports.text.markdown import stored_rendering

BATCH = 500


def render_bodies(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    batch = []
    for report in Report.objects.only("pk", "body").order_by("pk").iterator(chunk_size=BATCH):
        report.body_rendering = stored_rendering(report.body)
        batch.append(report)
        if len(batch) == BATCH:
            Report.objects.bulk_update(batch, ["body_rendering"])
            batch = []
    Report.objects.bulk_update(batch, ["body_rendering"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0028_report_search_set")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="body_rendering",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(render_bodies, migrations.RunPython.noop, elidable=True),
    ]
