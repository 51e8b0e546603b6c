import datetime

from django.test import SimpleTestCase
from django.utils import translation

from reports.text.periods import format_day, format_period, house_title, month_name

D = datetime.date


class ArabicPeriodTests(SimpleTestCase):
    def test_periods_are_written_day_first_with_arabic_month_names(self):
        cases = {
            (D(2020, 8, 19), D(2020, 8, 25)): "19–25 أغسطس 2020",
            (D(2020, 7, 29), D(2020, 8, 5)): "29 يوليو – 5 أغسطس 2020",
            (D(2020, 12, 30), D(2021, 1, 5)): "30 ديسمبر 2020 – 5 يناير 2021",
            (D(2020, 6, 24), D(2020, 6, 24)): "24 يونيو 2020",
        }
        for (start, end), expected in cases.items():
            with self.subTest(expected):
                self.assertEqual(format_period(start, end, language="ar"), expected)

    def test_the_active_language_is_used_when_none_is_passed(self):
        start, end = D(2020, 8, 19), D(2020, 8, 25)
        with translation.override("ar"):
            self.assertEqual(format_period(start, end), "19–25 أغسطس 2020")
            self.assertEqual(format_day(D(2020, 8, 26)), "26 أغسطس 2020")
            self.assertEqual(month_name(9), "سبتمبر")
        with translation.override("en"):
            self.assertEqual(format_period(start, end), "August 19–25, 2020")
            self.assertEqual(format_day(D(2020, 8, 26)), "August 26, 2020")

    def test_house_titles_stay_english_whatever_the_editors_language(self):
        with translation.override("ar"):
            self.assertEqual(
                house_title("Iraq Situation Report", D(2020, 8, 19), D(2020, 8, 25)),
                "Iraq Situation Report: August 19-25, 2020",
            )

    def test_every_month_has_an_arabic_name_and_latin_digits_are_kept(self):
        names = [month_name(month, "ar") for month in range(1, 13)]
        self.assertEqual(len(set(names)), 12)
        self.assertTrue(all("\u0600" <= letter <= "\u06ff" for name in names for letter in name))
        self.assertEqual(format_day(D(2021, 1, 3), "ar"), "3 يناير 2021")
