"""Arabic reports are stemmed in PostgreSQL's `arabic` configuration (issue 17): a reader who
types another form of a word finds the report. SQLite keeps its word match."""

import unittest

from django.db import connection

from tests.base import SitrepTestCase
from tests.helpers import make_report

POSTGRESQL = connection.vendor == "postgresql"
QUERY_SIDE_PENDING = (
    "Needs the search engineer's query side (reports/public/search.py parsing the query in the "
    "row's configuration): the stored document is stemmed in Arabic since migration 0017, but the "
    "query is still parsed as English, so 'هجمة' is not stemmed to 'هجم'. Unskip at the merge."
)


@unittest.skipUnless(POSTGRESQL, "PostgreSQL full-text search")
class ArabicSearchTests(SitrepTestCase):
    @classmethod
    def setUpTestData(cls):
        make_report(
            "تقرير الوضع في العراق: 10-16 يونيو 2020",
            slug="iraq-june-ar",
            language="ar",
            summary="كثّف وكلاء إيران الهجمات الصاروخية على القواعد الأمريكية.",
        )
        make_report("Iraq in English", slug="iraq-en", summary="Rocket attacks on US bases.")

    @unittest.skip(QUERY_SIDE_PENDING)
    def test_a_stemmed_arabic_form_finds_the_report(self):
        # The text says الهجمات (the attacks); the reader types هجمة (an attack).
        results = self.client.get("/api/reports/", {"q": "هجمة"}).json()["results"]
        self.assertEqual([report["slug"] for report in results], ["iraq-june-ar"])

    @unittest.skip(QUERY_SIDE_PENDING)
    def test_the_exact_arabic_word_finds_the_report(self):
        # Fails too for now: the document holds the stem صاروخ, the English-parsed query the whole word.
        results = self.client.get("/api/reports/", {"q": "الصاروخية"}).json()["results"]
        self.assertEqual([report["slug"] for report in results], ["iraq-june-ar"])
