from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_reportevent_import_action"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reportevent",
            options={
                "get_latest_by": ["created_at", "pk"],
                "ordering": ["-created_at", "-pk"],
                "verbose_name": "audit event",
                "verbose_name_plural": "audit trail",
            },
        ),
        migrations.AddField(
            model_name="reportevent",
            name="changed_fields",
            field=models.JSONField(
                blank=True, default=list, help_text="For edits: the names of the fields that changed."
            ),
        ),
        migrations.AlterField(
            model_name="reportevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "Submitted for review"),
                    ("publish", "Published"),
                    ("schedule", "Scheduled"),
                    ("request_changes", "Changes requested"),
                    ("unpublish", "Unpublished"),
                    ("import", "Imported"),
                    ("create", "Created"),
                    ("edit", "Edited"),
                    ("correct", "Corrected"),
                    ("restore", "Restored a revision"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="reportevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action__in", ["create", "edit", "correct", "restore"]), _negated=True),
                    ("from_status", models.F("to_status")),
                    _connector="OR",
                ),
                name="reportevent_edit_keeps_status",
                violation_error_message="An edit cannot change the report's status.",
            ),
        ),
    ]
