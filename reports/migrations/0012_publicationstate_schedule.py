"""PublicationState keeps every scheduled go-live moment, not only the next one, so that readers
can tell from the clock alone which have passed and no request has to write (the old
next_scheduled_at made the first reader after it bump the generation)."""

from django.db import migrations, models
from django.utils import timezone


def fill_schedule(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    PublicationState = apps.get_model("reports", "PublicationState")
    moments = Report.objects.filter(status="published", published_at__gt=timezone.now()).values_list(
        "published_at", flat=True
    )
    # The vocabulary is derived again, with the scheduled reports' tags, at the next change;
    # until then readers derive it themselves (reports.caching.state), without writing.
    PublicationState.objects.filter(pk=1).update(
        schedule=sorted(moment.isoformat() for moment in moments), vocabulary={}, changed_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_report_order_indexes"),
    ]

    operations = [
        migrations.RemoveField(model_name="publicationstate", name="next_scheduled_at"),
        migrations.AddField(
            model_name="publicationstate", name="schedule", field=models.JSONField(blank=True, default=list)
        ),
        migrations.RunPython(fill_schedule, migrations.RunPython.noop),
    ]
