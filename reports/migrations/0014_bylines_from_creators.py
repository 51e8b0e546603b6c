"""Each existing report is signed by the author its citation named until now: the full name of
the user who created it, where there is one. Unsigned reports stay credited to their series.
Writers and Editors may add and change authors, as they choose them on the report's form."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils.text import slugify

AUTHOR_PERMISSIONS = {
    "Writers": ["add_author", "change_author", "view_author"],
    "Editors": ["add_author", "change_author", "view_author", "delete_author"],
}


def sign_reports(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Author = apps.get_model("reports", "Author")
    ReportAuthor = apps.get_model("reports", "ReportAuthor")
    User = apps.get_model("auth", "User")
    authors, slugs = {}, set(Author.objects.values_list("slug", flat=True))
    for user in User.objects.filter(pk__in=Report.objects.values("created_by")):
        name = " ".join(f"{user.first_name} {user.last_name}".split())
        if not name:
            continue
        if name not in authors:
            base = slugify(name) or f"author-{user.pk}"
            slug, number = base, 2
            while slug in slugs:
                slug, number = f"{base}-{number}", number + 1
            slugs.add(slug)
            authors[name] = Author.objects.create(name=name, slug=slug)
        links = [
            ReportAuthor(report_id=pk, author=authors[name], position=0)
            for pk in Report.objects.filter(created_by=user).values_list("pk", flat=True)
        ]
        ReportAuthor.objects.bulk_create(links, ignore_conflicts=True)


def grant_permissions(apps, schema_editor):
    app_config = apps.get_app_config("reports")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in AUTHOR_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*Permission.objects.filter(content_type__app_label="reports", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0013_authors"),
    ]

    operations = [
        migrations.RunPython(sign_reports, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
    ]
