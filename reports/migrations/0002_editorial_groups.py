"""The Writers and Editors groups. reports.publish_report is what separates them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER_PERMISSIONS = [
    "reports.add_report",
    "reports.change_report",
    "reports.view_report",
    "reports.view_series",
    "taggit.view_tag",
]
EDITOR_PERMISSIONS = [
    *WRITER_PERMISSIONS,
    "reports.publish_report",
    "reports.delete_report",
    "reports.add_series",
    "reports.change_series",
    "taggit.add_tag",
    "taggit.change_tag",
    "taggit.delete_tag",
]
GROUPS = {"Writers": WRITER_PERMISSIONS, "Editors": EDITOR_PERMISSIONS}


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
