"""The feeds write each entry as one string (reports.public.feeds.EntriesWritten); it must be
the XML Django's generator writes for the same item, element by element, as it did before."""

import datetime
from io import StringIO
from urllib.parse import urljoin

from django.test import SimpleTestCase
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc3339_date
from django.utils.xmlutils import SimplerXMLGenerator, UnserializableContentError
from hypothesis import given
from hypothesis import strategies as st

from reports.public.feeds import DUBLIN_CORE, ReportAtomGenerator, ReportRssGenerator, element


def generator_lead_image(handler, item):
    if item.get("image"):
        path, alt = item["image"]
        attrs = {"url": urljoin(item["link"], path), "medium": "image", "type": "image/jpeg", "width": "1200",
                 "height": "630"}  # fmt: skip
        handler.addQuickElement("media:content", attrs=attrs)
        handler.addQuickElement("media:description", alt, attrs={"type": "plain"})


def generator_rss_item(feed, handler, item):
    """The entry as the feeds wrote it until 2026-12-08: Django's elements, then ours."""
    Rss201rev2Feed.add_item_elements(feed, handler, item)
    handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
    handler.addQuickElement("dc:coverage", item["coverage"])
    generator_lead_image(handler, item)


def generator_atom_entry(feed, handler, item):
    for language, path in item["alternates"]:
        attrs = {"rel": "alternate", "href": urljoin(feed.feed["link"], path), "hreflang": language}
        handler.addQuickElement("link", "", attrs)
    Atom1Feed.add_item_elements(feed, handler, item)
    handler.addQuickElement("dc:coverage", item["coverage"])
    generator_lead_image(handler, item)


def written_by_generator(feed, name, add_elements):
    out = StringIO()
    handler = SimplerXMLGenerator(out, "utf-8", short_empty_elements=True)
    for item in feed.items:
        handler.startElement(name, {})
        add_elements(feed, handler, item)
        handler.endElement(name)
    return out.getvalue()


def written_as_strings(feed):
    out = StringIO()
    feed.write_items(SimplerXMLGenerator(out, "utf-8", short_empty_elements=True))
    return out.getvalue()


# Text as reports, tags and authors may hold it: markup, entities, quotes of both kinds, newlines
# and tabs (quoted in attributes), Arabic and emoji.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40).filter(
    lambda text: not any(ord(char) < 32 and char not in "\t\n\r" for char in text)
)
ODD = "<b>Tom & \"Jerry\"</b>\n\t'quoted' → بغداد 🛰"
MOMENT = datetime.datetime(2020, 8, 25, 9, 30, tzinfo=datetime.UTC)
PDF = Enclosure("http://testserver/r.pdf", "2048", "application/pdf")


def feeds_with(title=ODD, description=ODD, author=ODD, categories=(ODD, "Iran"), alternates=(("ar", "/ar/r/"),),
               image=("/media/card.jpg", ODD), enclosures=(PDF,),
               coverage="2020-08-19/2020-08-25"):  # fmt: skip
    made = []
    for generator in (ReportRssGenerator, ReportAtomGenerator):
        feed = generator(title="Feed", link="http://testserver/?tag=iran", description="All", language="en")
        link = "http://testserver/reports/iraq-situation-report/"
        feed.add_item(
            title=title, link=link, description=description, unique_id=link, enclosures=list(enclosures),
            pubdate=MOMENT, updateddate=MOMENT + datetime.timedelta(days=1), author_name=author,
            categories=list(categories), coverage=coverage, alternates=list(alternates), image=image,
        )  # fmt: skip
        made.append(feed)
    return made


class EntryXMLTests(SimpleTestCase):
    def assert_as_generator_writes(self, rss, atom):
        self.assertEqual(written_as_strings(rss), written_by_generator(rss, "item", generator_rss_item))
        self.assertEqual(written_as_strings(atom), written_by_generator(atom, "entry", generator_atom_entry))

    def test_entries_are_what_the_generator_writes(self):
        self.assert_as_generator_writes(*feeds_with())

    def test_entries_without_author_figure_enclosure_or_tags(self):
        for author in ("", ODD):
            with self.subTest(author=author):
                self.assert_as_generator_writes(
                    *feeds_with(author=author, categories=(), alternates=(), image=None, enclosures=())
                )

    @given(title=TEXT, description=TEXT, author=TEXT, category=TEXT, alt=TEXT)
    def test_any_text_is_written_as_the_generator_writes_it(self, title, description, author, category, alt):
        self.assert_as_generator_writes(
            *feeds_with(
                title=title,
                description=description,
                author=author,
                categories=(category,),
                image=("/media/card.jpg", alt),
            )
        )

    def test_the_whole_feed_is_one_document(self):
        rss, atom = feeds_with()
        self.assertIn(f'<dc:creator xmlns:dc="{DUBLIN_CORE}">', rss.writeString("utf-8"))
        self.assertIn("<entry><link ", atom.writeString("utf-8"))
        self.assertTrue(atom.writeString("utf-8").endswith("</entry></feed>"))

    def test_control_characters_are_refused_as_the_generator_refuses_them(self):
        with self.assertRaises(UnserializableContentError):
            element("title", "bell\x07")
        self.assertEqual(
            element("link", "", {"rel": "alternate", "href": 'a"b'}), '<link href=\'a"b\' rel="alternate"/>'
        )
