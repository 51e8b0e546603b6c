"""Arabic reports are stemmed in PostgreSQL's `arabic` configuration (issue 17): a reader who
types another form of a word finds the report. SQLite keeps its word match."""

import unittest

from django.db import connection

from tests.base import SitrepTestCase
from tests.helpers import make_report

POSTGRESQL = connection.vendor == "postgresql"


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

    def test_a_stemmed_arabic_form_finds_the_report(self):
        # The text says الهجمات (the attacks); the reader types هجمة (an attack).
        results = self.client.get("/api/reports/", {"q": "هجمة", "lang": "ar"}).json()["results"]
        self.assertEqual([report["slug"] for report in results], ["iraq-june-ar"])

    def test_the_exact_arabic_word_finds_the_report(self):
        results = self.client.get("/api/reports/", {"q": "الصاروخية", "lang": "ar"}).json()["results"]
        self.assertEqual([report["slug"] for report in results], ["iraq-june-ar"])

    def test_the_arabic_archive_finds_a_stemmed_form(self):
        page = self.client.get("/ar/", {"q": "هجمة"}).content.decode()
        self.assertIn("تقرير الوضع في العراق: 10-16 يونيو 2020", page)
        self.assertNotIn("Iraq in English", page)

    def test_an_english_form_does_not_find_the_arabic_report_by_english_stemming(self):
        results = self.client.get("/api/reports/", {"q": "attack", "lang": "en"}).json()["results"]
        self.assertEqual([report["slug"] for report in results], ["iraq-en"])
