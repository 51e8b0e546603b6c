"""The Arabic catalogue is complete: every translatable string of the code and the templates,
as makemessages finds it today, has an Arabic translation (every plural form filled)."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ENTRY_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')
PROJECT_PARTS = ("manage.py", "sitrep", "reports", "templates", "locale")


def read_po(text):
    """[(flags, {field: value})] of each entry of a .po file (obsolete entries included)."""
    entries = []
    for block in text.split("\n\n"):
        flags, fields, current = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#~"):
                flags.add("obsolete")
            elif match := ENTRY_FIELD.match(line):
                current = match[1]
                fields[current] = _unquote(match[2])
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        if fields.get("msgid") or "obsolete" in flags:
            entries.append((flags, fields))
    return entries


def _unquote(quoted):
    return quoted[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


class ArabicCatalogueTests(SimpleTestCase):
    def fresh_catalogue(self):
        """makemessages run now on a copy of the project, merging into the committed catalogue."""
        if not shutil.which("xgettext"):
            self.fail("GNU gettext is needed (make messages installs it)")
        root = Path(settings.BASE_DIR)
        copy = Path(tempfile.mkdtemp(prefix="sitrep-messages-"))
        self.addCleanup(shutil.rmtree, copy)
        for part in PROJECT_PARTS:
            (shutil.copytree if (root / part).is_dir() else shutil.copy)(root / part, copy / part)
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "ar", "--no-location", "-v0"],
            cwd=copy, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        return (copy / "locale/ar/LC_MESSAGES/django.po").read_text(encoding="utf-8")

    def test_every_string_has_an_arabic_translation(self):
        entries = read_po(self.fresh_catalogue())
        self.assertGreater(len(entries), 100)
        problems = []
        for flags, fields in entries:
            name = (fields.get("msgctxt"), fields.get("msgid"))
            translations = [value for field, value in fields.items() if field.startswith("msgstr")]
            if "obsolete" in flags:
                problems.append(f"no longer used: {name}")
            elif "fuzzy" in flags:
                problems.append(f"new or changed, translation to check: {name}")
            elif not translations or not all(translations):
                problems.append(f"untranslated: {name}")
            elif "msgid_plural" in fields and len(translations) != 6:
                problems.append(f"not all six Arabic plural forms: {name}")
        self.assertEqual(problems, [], "\n".join(problems))

    def test_the_committed_catalogue_declares_arabic_plurals(self):
        header = (Path(settings.BASE_DIR) / "locale/ar/LC_MESSAGES/django.po").read_text(encoding="utf-8")[:1500]
        self.assertIn('"Language: ar\\n"', header)
        self.assertIn("nplurals=6;", header)
        self.assertNotIn("#, fuzzy", header)
