import io
import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from reports.management.commands.setup_demo import DEMO_TRANSLATION_KEYS
from reports.models import Report
from reports.text.periods import house_title, parse_period
from tests.base import SitrepTestCase

SEED_FILE = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "000_7698ccc2d73061d9.txt"
# The listing as scraped: the series heading, then title and summary paragraphs, then "Pages".
SEED_TEXT = """Iraq Situation Report: August 19-25, 2020
Iraq Situation Report: August 12-18, 2020
Iraq Situation Report: July 29 - Aug. 5, 2020
Iraq Situation Report: July 15-21, 2020
Iraq Situation Report: July 8-14, 2020
Iraq Situation Report: July 1-7, 2020
Iraq Situation Report June 24-30, 2020
Iraq Situation Report June 17-23, 2020
Iraq Situation Report: June 10-16, 2020""".splitlines()


# What in a summary justifies a tag where the text has another form of its name: tags are
# proposed by name (reports.text.tagmatch), and a name's last word may be singular or plural.
# Each form must stand as whole words, with or without a plural "s": "protesters" is no
# evidence of "Protests" (so the July 29 - August 5 report, which has only "protesters",
# does not carry that tag).
TAG_EVIDENCE = {
    "Proxy militias": ["proxy militia"],
    "Protests": ["protest"],
    "Assassinations": ["assassination"],
    "Elections": ["election"],
    "US forces": ["US force"],
}


def seed_listing():
    """(title, summary) pairs from the shared seed file, when this checkout has it beside it."""
    paragraphs = [p.strip() for p in SEED_FILE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = [p for p in paragraphs[1:] if p != "Pages"]
    return list(zip(body[0::2], body[1::2], strict=True))


class SeedFixtureTests(SitrepTestCase):
    fixtures = ["seed_reports.json"]

    def test_nine_published_reports_in_the_iraq_series(self):
        self.assertEqual(Report.objects.published().count(), 9)
        self.assertEqual(set(Report.objects.values_list("series__name", flat=True)), {"Iraq Situation Report"})

    def test_each_report_keeps_its_exact_period_in_house_style(self):
        for scraped_title in SEED_TEXT:
            start, end = parse_period(scraped_title)
            with self.subTest(scraped_title):
                report = Report.objects.get(period_start=start, period_end=end)
                self.assertEqual(report.title, house_title("Iraq Situation Report", start, end))
        cross_month = Report.objects.get(title="Iraq Situation Report: July 29 - August 5, 2020")
        self.assertEqual((str(cross_month.period_start), str(cross_month.period_end)), ("2020-07-29", "2020-08-05"))

    def test_summaries_are_the_seed_text_exactly(self):
        if not SEED_FILE.exists():
            self.skipTest(f"{SEED_FILE} is not beside this checkout")
        for title, summary in seed_listing():
            with self.subTest(title):
                self.assertEqual(Report.objects.get(period_start=parse_period(title)[0]).summary, summary)
        self.assertIn("al-Kadhimi’s", Report.objects.get(period_start="2020-06-10").summary)  # curly apostrophe

    def test_tags_name_the_actors_places_and_themes(self):
        def carrying(name):
            return Report.objects.filter(tags__name=name).count()

        self.assertEqual(carrying("Mustafa al-Kadhimi"), 9)
        self.assertEqual(carrying("Kata’ib Hezbollah"), 2)
        self.assertEqual(carrying("US-Iraq Strategic Dialogue"), 5)
        self.assertEqual(carrying("Protests"), 1)  # July 8-14 ("protest", "protests"), not "protesters"
        for report in Report.objects.prefetch_related("tags"):
            text = report.summary.lower()
            for tag in report.tags.all():
                with self.subTest(report=report.title, tag=tag.name):
                    forms = TAG_EVIDENCE.get(tag.name, [tag.name])
                    found = any(re.search(rf"\b{re.escape(form.lower())}s?\b", text) for form in forms)
                    self.assertTrue(found, f"{tag.name} is not in the text")


class SeedImportTests(SitrepTestCase):
    """The seed fixture is what `make seed-fixture` builds: the tag vocabulary, then the seed
    listing imported as published."""

    fixtures = ["seed_vocabulary.json"]

    def fixture_reports(self):
        objects = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed_reports.json").read_text(encoding="utf-8"))
        by_model = {}
        for obj in objects:
            by_model.setdefault(obj["model"], {})[obj["pk"]] = obj["fields"]
        series = {pk: fields["name"] for pk, fields in by_model["reports.series"].items()}
        tags = {pk: fields["name"] for pk, fields in by_model["taggit.tag"].items()}
        tag_names = {}
        for link in by_model["reports.taggedreport"].values():
            tag_names.setdefault(link["content_object"], []).append(tags[link["tag"]])
        return {
            fields["slug"]: (
                series[fields["series"]],
                fields["title"],
                fields["period_start"],
                fields["period_end"],
                fields["summary"],
                fields["status"],
                fields["published_at"],
                sorted(tag_names.get(pk, [])),
            )
            for pk, fields in by_model["reports.report"].items()
        }

    def imported_reports(self):
        return {
            report.slug: (
                report.series.name,
                report.title,
                report.period_start.isoformat(),
                report.period_end.isoformat(),
                report.summary,
                report.status,
                report.published_at.isoformat().replace("+00:00", "Z"),
                sorted(report.tags.names()),
            )
            for report in Report.objects.select_related("series").prefetch_related("tags")
        }

    def test_importing_the_seed_listing_gives_the_seed_fixture(self):
        if not SEED_FILE.exists():
            self.skipTest(f"{SEED_FILE} is not beside this checkout")
        out = io.StringIO()
        call_command("import_reports", str(SEED_FILE), "--status", "published", stdout=out)
        self.assertEqual(out.getvalue(), "created: 9, updated: 0, unchanged: 0, refused: 0\n")
        imported, fixture = self.imported_reports(), self.fixture_reports()
        self.assertEqual(sorted(imported), sorted(fixture))
        for slug, expected in fixture.items():
            with self.subTest(slug):
                self.assertEqual(imported[slug], expected)


class SetupDemoTests(SitrepTestCase):
    def run_setup(self):
        out = io.StringIO()
        call_command("setup_demo", stdout=out)
        return out.getvalue()

    @override_settings(DEBUG=True)
    def test_fresh_database_gets_seed_reports_and_demo_accounts_once(self):
        output = self.run_setup()
        # The nine seed reports, and the demo's Arabic translations of two of them.
        self.assertEqual(Report.objects.published().filter(language="en").count(), 9)
        self.assertEqual(Report.objects.published().filter(language="ar").count(), 2)
        users = get_user_model().objects.order_by("username")
        self.assertEqual(
            [(u.username, u.groups.get().name) for u in users], [("editor", "Editors"), ("writer", "Writers")]
        )
        for user in users:
            password = re.search(rf"^\s+{user.username}\s+(\S+)", output, re.M).group(1)
            self.assertTrue(user.check_password(password))
            self.assertTrue(user.is_staff)

        report = Report.objects.first()
        Report.objects.filter(pk=report.pk).update(summary="Edited by an editor")
        second = self.run_setup()
        self.assertNotIn("Demo accounts", second)
        self.assertEqual(Report.objects.count(), 11)
        self.assertEqual(Report.objects.get(pk=report.pk).summary, "Edited by an editor")
        self.assertEqual(get_user_model().objects.count(), 2)

    def test_the_demo_translations_link_both_ways_and_say_they_are_demo_translations(self):
        self.run_setup()
        for original in Report.objects.filter(slug__in=DEMO_TRANSLATION_KEYS):
            with self.subTest(original.slug):
                arabic = Report.objects.get(translation_key=original.translation_key, language="ar")
                self.assertEqual(arabic.slug, f"{original.slug}-ar")
                self.assertEqual(arabic.translator.slug, "demo-translator")
                self.assertIn("ترجمة تجريبية", arabic.body)
                self.assertEqual(set(arabic.tags.names()), set(original.tags.names()))
                page = self.client.get(f"/reports/{original.slug}/")
                self.assertContains(page, f'hreflang="ar" href="http://testserver/ar/reports/{arabic.slug}/"')
                back = f'hreflang="en" href="http://testserver/reports/{original.slug}/"'
                self.assertContains(self.client.get(f"/reports/{arabic.slug}/"), back)

    @override_settings(DEBUG=False)
    def test_no_demo_accounts_when_debug_is_off(self):
        output = self.run_setup()
        self.assertEqual(get_user_model().objects.count(), 0)
        self.assertIn("createsuperuser", output)
        self.assertEqual(Report.objects.count(), 11)
