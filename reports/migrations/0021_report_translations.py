"""Reports linked to their translations: a key shared by a report and its translations (one
report per language), the moment of the original a translation was made from, and its translator.

Every existing report gets a key of its own (a default computed once would give them all the same).
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def give_each_report_its_own_key(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    for pk in Report.objects.values_list("pk", flat=True).iterator():
        Report.objects.filter(pk=pk).update(translation_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("reports", "0020_report_pdf")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_report_its_own_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="report",
            name="source_version_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="translates the original as of"
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="translator",
            field=models.ForeignKey(
                blank=True,
                help_text="Who translated this report, for a translation.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="translations",
                to="reports.author",
            ),
        ),
        migrations.AddConstraint(
            model_name="report",
            constraint=models.UniqueConstraint(
                fields=("translation_key", "language"),
                name="report_one_translation_per_language",
                violation_error_message="This report already has a translation in that language.",
            ),
        ),
    ]
