import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from reports.editorial.actions.importing import load_fixtures
from reports.models import Report, Series

SEED_FIXTURE = "seed_reports.json"
# Arabic translations of two seed reports, written for the demo (their translator is "Demo
# translator" and each says it is a demo translation); the originals get the key they share.
TRANSLATIONS_FIXTURE = "seed_translations.json"
DEMO_TRANSLATION_KEYS = {
    "iraq-situation-report-june-10-16-2020": "a1b2c3d4-0001-4a00-8000-000000000001",
    "iraq-situation-report-june-17-23-2020": "a1b2c3d4-0002-4a00-8000-000000000002",
}
DEMO_USERS = [("writer", "Writers"), ("editor", "Editors")]


class Command(BaseCommand):
    help = (
        "Make a fresh database ready to try: load the seed reports if it has no reports, and, "
        "with DEBUG on only, create a demo writer and editor if it has no users. "
        "Safe to run again: it never changes existing data."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if Report.objects.exists() or Series.objects.exists():
            self.stdout.write("Reports already present; seed data not loaded.")
        else:
            load_fixtures(SEED_FIXTURE)
            for slug, key in DEMO_TRANSLATION_KEYS.items():
                Report.objects.filter(slug=slug).update(translation_key=key)
            load_fixtures(TRANSLATIONS_FIXTURE)
            self.stdout.write(f"Loaded {Report.objects.count()} seed reports.")

        User = get_user_model()
        if User.objects.exists():
            return
        if not settings.DEBUG:
            self.stdout.write("No users yet. Create one with: python manage.py createsuperuser")
            return
        lines = []
        for username, group_name in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=group_name))
            lines.append(f"  {username:<8} {password}   ({group_name[:-1].lower()})")
        self.stdout.write(
            self.style.WARNING(
                f"Demo accounts for http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/ "
                "(passwords shown once; not stored anywhere else):"
            )
        )
        self.stdout.write("\n".join(lines))
