"""Tag links and the published check read from indexes alone, so that the facets of two tags
cost what their reports do, not what the archive does.

- taggedreport_tag_report_idx (tag, report): two tags' reports meet in a merge of two
  index-only scans. The link's own index on the report goes: the unique (report, tag)
  constraint's index serves lookups by report, with the tag in it.
- report_published_lookup_idx (PostgreSQL only, outside the model state): a report's id with
  what published() tests and what the series and years facets group by, so that checking and
  counting a few thousand candidates probes the index, where the planner otherwise hashed
  every published report or read each candidate's row with its long texts.
"""

import django.db.models.deletion
from django.db import migrations, models

from reports.migration_operations import OnPostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0015_report_archive_covering_and_period_range"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="taggedreport",
            index=models.Index(fields=["tag", "content_object"], name="taggedreport_tag_report_idx"),
        ),
        migrations.AlterField(
            model_name="taggedreport",
            name="content_object",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_items",
                to="reports.report",
            ),
        ),
        OnPostgreSQLOnly(
            migrations.RunSQL(
                "CREATE INDEX report_published_lookup_idx ON reports_report (id) "
                "INCLUDE (status, published_at, series_id, period_start, period_end)",
                "DROP INDEX report_published_lookup_idx",
            )
        ),
    ]
