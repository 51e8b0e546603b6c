"""Readers see a report's figures: the lead one under the key takeaways, responsive, with its
caption, credit and long description; figure N where the body places it; no other image."""

import json
import re

from django.test import override_settings

from reports.editorial.actions import editing
from reports.editorial.actions.figures import FigureRow
from tests.base import SitrepTestCase
from tests.figure_helpers import TemporaryMedia, image_bytes, upload
from tests.helpers import forget_cached_results, make_report, make_user


def add_figures(report, by, *specs):
    rows = [FigureRow(None, upload(image_bytes("PNG", size)), **fields) for size, fields in specs]
    editing.save_report(report, by=by, tags=[], figures=rows, correction_note="Added the figures.")


@override_settings(PAGE_CACHE_SECONDS=0)
class ReportPageFigureTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        super().setUp()
        self.report = make_report(body="Intro.\n\n![](figure:2)\n\nOutside: ![x](https://tracker.example/p.png)")
        with self.captureOnCommitCallbacks(execute=True):
            add_figures(
                self.report, self.editor,
                ((1800, 1200), {"alt_text": "Map of clashes near Mosul", "caption": "Clashes, 24-30 June",
                                "credit": "Map: sitrep", "long_description": "Eleven clashes, east of the river."}),
                ((900, 600), {"alt_text": "Chart of weekly incidents"}),
            )  # fmt: skip

    def page(self):
        forget_cached_results()
        return self.client.get(self.report.get_absolute_url()).content.decode()

    def test_the_lead_figure_is_a_responsive_picture_under_the_key_takeaways(self):
        html = self.page()
        takeaways, lead = html.index('id="takeaways"'), html.index('alt="Map of clashes near Mosul"')
        self.assertLess(takeaways, lead)
        figure = html[html.rindex("<figure", 0, lead) : html.index("</figure>", lead)]
        self.assertIn('type="image/avif"', figure)
        self.assertIn('type="image/webp"', figure)
        self.assertRegex(figure, r'srcset="/media/figures/[\w-]+/w320\.avif 320w, [^"]*w1600\.avif 1600w"')
        self.assertIn('sizes="(min-width: 50rem) 46rem, 100vw"', figure)
        self.assertIn('width="1800" height="1200"', figure)
        self.assertIn("Clashes, 24-30 June", figure)
        self.assertIn("Map: sitrep", figure)
        self.assertRegex(figure, r"<details><summary>Description of figure 1</summary><p>Eleven clashes")

    def test_the_body_places_figure_2_and_no_other_image(self):
        body = self.page().split('<div class="body">', 1)[1].split("</div>", 1)[0]
        self.assertIn('alt="Chart of weekly incidents"', body)
        self.assertNotIn("tracker.example", body)
        self.assertEqual(len(re.findall(r"<img ", body)), 1)

    def test_until_renditions_exist_the_page_uses_the_original(self):
        report = make_report(title="Without renditions yet")
        add_figures(report, self.editor, ((700, 400), {"alt_text": "A map"}))  # no commit: no task ran
        forget_cached_results()
        html = self.client.get(report.get_absolute_url()).content.decode()
        figure = report.figures.get()
        self.assertIn(f'<img src="/media/{figure.image.name}" width="700" height="400" alt="A map"', html)
        self.assertNotIn("<source", html)
        self.assertNotIn("og:image", html)

    def test_opengraph_twitter_and_json_ld_name_the_1200_by_630_card(self):
        html = self.page()
        card = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
        self.assertRegex(card, r"^http://testserver/media/figures/[\w-]+/card\.jpg$")
        self.assertIn(f'<meta name="twitter:image" content="{card}">', html)
        self.assertIn('<meta name="twitter:card" content="summary_large_image">', html)
        data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
        self.assertEqual(data["image"], {"@type": "ImageObject", "url": card, "width": 1200, "height": 630})
        response = self.client.get(card.removeprefix("http://testserver"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/jpeg")

    def test_the_report_page_with_figures_still_makes_at_most_three_queries(self):
        forget_cached_results()
        with self.assertNumQueries(1):  # the report with its figures, tags, neighbours and corrections
            self.client.get(self.report.get_absolute_url())


@override_settings(PAGE_CACHE_SECONDS=0)
class ListingFigureTests(TemporaryMedia, SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("editor")

    def setUp(self):
        super().setUp()
        self.with_map = make_report(title="With a map", start=(2020, 6, 24))
        self.without = make_report(title="Without a map", start=(2020, 6, 17), end=(2020, 6, 23))
        with self.captureOnCommitCallbacks(execute=True):
            add_figures(self.with_map, self.editor, ((1000, 700), {"alt_text": "Map of the week"}))

    def test_the_archive_shows_a_small_rendition_beside_each_result_that_has_one(self):
        forget_cached_results()
        with self.assertNumQueries(1):  # the page of summaries, figures included (the count is kept)
            html = self.client.get("/").content.decode()
        articles = re.findall(r'<article class="report-summary[^"]*">.*?</article>', html, re.S)
        with_map = next(a for a in articles if "With a map" in a)
        without = next(a for a in articles if "Without a map" in a)
        self.assertIn('alt="Map of the week"', with_map)
        self.assertRegex(with_map, r'srcset="/media/figures/[\w-]+/w320\.jpg 320w')
        self.assertIn('sizes="8rem"', with_map)
        self.assertNotIn("<img", without)

    def test_rss_and_atom_entries_carry_the_card(self):
        import feedparser

        for url in ("/feeds/rss/", "/feeds/atom/"):
            with self.subTest(url):
                forget_cached_results()
                feed = feedparser.parse(self.client.get(url).content)
                entries = {entry.title: entry for entry in feed.entries}
                media = entries["With a map"].media_content
                self.assertEqual(len(media), 1)
                self.assertRegex(media[0]["url"], r"^http://testserver/media/figures/[\w-]+/card\.jpg$")
                self.assertEqual((media[0]["width"], media[0]["height"]), ("1200", "630"))
                self.assertNotIn("media_content", entries["Without a map"])


class ContentSecurityPolicyTests(SitrepTestCase):
    def test_images_may_come_from_this_sites_media_and_nowhere_else(self):
        policy = self.client.get("/")["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        self.assertEqual(directives["img-src"], "'self'")
        self.assertEqual(directives["default-src"], "'self'")
