import json
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.base import SitrepTestCase
from tests.public_pages import build_public_pages
from tests.validators import VNU, require, vnu_missing


class HtmlValidityTests(SitrepTestCase):
    """Every public page passes the W3C Nu HTML checker with zero errors."""

    @classmethod
    def setUpTestData(cls):
        cls.pages = build_public_pages()

    def test_public_pages_have_no_html_errors(self):
        require(vnu_missing())
        folder = Path(tempfile.mkdtemp(prefix="sitrep-vnu-"))
        files = {}
        for number, (label, path) in enumerate(self.pages.items()):
            response = self.client.get(path)
            self.assertIn(response.status_code, (200, 400, 404), label)
            files[str(folder / f"page{number}.html")] = label
            (folder / f"page{number}.html").write_bytes(response.content)
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        messages = json.loads(result.stderr or "{}").get("messages", [])
        errors = [
            f"{files.get(m['url'].removeprefix('file:'), m['url'])}: line {m.get('lastLine')}: {m['message']}"
            for m in messages
            if m.get("type") == "error"
        ]
        self.assertEqual(errors, [], "\n".join(errors))
        self.assertEqual(len(files), len(self.pages))

    def test_sitemap_is_well_formed_xml(self):
        root = ET.fromstring(self.client.get("/sitemap.xml").content)
        urls = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        self.assertEqual(len([u for u in urls if "/reports/" in u]), 4)  # build_public_pages publishes four
