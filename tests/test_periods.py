from datetime import date, timedelta

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from reports.periods import PeriodError, format_period, house_title, parse_period

# Escapes rather than literal characters: en and em dash look like hyphens.
EN = "\u2013"
EM = "\u2014"
NBSP = "\u00a0"

SERIES = "Iraq Situation Report"

# The nine titles of the first seed archive, verbatim.
SEED_TITLES = (
    ("Iraq Situation Report: August 19-25, 2020", "2020-08-19", "2020-08-25"),
    ("Iraq Situation Report: August 12-18, 2020", "2020-08-12", "2020-08-18"),
    ("Iraq Situation Report: July 29 - Aug. 5, 2020", "2020-07-29", "2020-08-05"),
    ("Iraq Situation Report: July 15-21, 2020", "2020-07-15", "2020-07-21"),
    ("Iraq Situation Report: July 8-14, 2020", "2020-07-08", "2020-07-14"),
    ("Iraq Situation Report: July 1-7, 2020", "2020-07-01", "2020-07-07"),
    ("Iraq Situation Report June 24-30, 2020", "2020-06-24", "2020-06-30"),
    ("Iraq Situation Report June 17-23, 2020", "2020-06-17", "2020-06-23"),
    ("Iraq Situation Report: June 10-16, 2020", "2020-06-10", "2020-06-16"),
)

JUNE_24_30 = (date(2020, 6, 24), date(2020, 6, 30))
JULY_29_AUG_5 = (date(2020, 7, 29), date(2020, 8, 5))
NEW_YEAR = (date(2020, 12, 30), date(2021, 1, 5))
SEPT_1_7 = (date(2020, 9, 1), date(2020, 9, 7))

OTHER_FORMS = (
    # Bare periods.
    ("August 19-25, 2020", (date(2020, 8, 19), date(2020, 8, 25))),
    ("June 24-30, 2020", JUNE_24_30),
    # Month names: full, abbreviated, with or without a dot, any case.
    ("Aug 19-25, 2020", (date(2020, 8, 19), date(2020, 8, 25))),
    ("aug. 19-25, 2020", (date(2020, 8, 19), date(2020, 8, 25))),
    ("AUGUST 19-25, 2020", (date(2020, 8, 19), date(2020, 8, 25))),
    ("Sept. 1-7, 2020", SEPT_1_7),
    ("Sept 1-7, 2020", SEPT_1_7),
    ("Sep 1-7, 2020", SEPT_1_7),
    ("Sep. 1-7, 2020", SEPT_1_7),
    ("September 1-7, 2020", SEPT_1_7),
    ("Jun. 24-30, 2020", JUNE_24_30),
    ("jun 24-30, 2020", JUNE_24_30),
    # Separators, with and without spaces.
    ("June 24 - 30, 2020", JUNE_24_30),
    (f"June 24{EN}30, 2020", JUNE_24_30),
    (f"June 24 {EN} 30, 2020", JUNE_24_30),
    (f"June 24{EM}30, 2020", JUNE_24_30),
    (f"June 24 {EM} 30, 2020", JUNE_24_30),
    ("June 24 to 30, 2020", JUNE_24_30),
    ("June 24to30, 2020", JUNE_24_30),
    (f"June{NBSP}24{EN}30,{NBSP}2020", JUNE_24_30),
    # Across a month.
    ("July 29 - Aug. 5, 2020", JULY_29_AUG_5),
    ("July 29-Aug. 5, 2020", JULY_29_AUG_5),
    ("July 29 - Aug 5, 2020", JULY_29_AUG_5),
    (f"July 29 {EN} August 5, 2020", JULY_29_AUG_5),
    (f"July 29{EM}August 5, 2020", JULY_29_AUG_5),
    ("July 29 to August 5, 2020", JULY_29_AUG_5),
    (
        "Iraq Situation Report: Feb. 27 - Mar. 4, 2020",
        (date(2020, 2, 27), date(2020, 3, 4)),
    ),
    # Across a year: with both years, or with only the end year.
    ("Dec. 30, 2020 - Jan. 5, 2021", NEW_YEAR),
    (f"December 30, 2020 {EN} January 5, 2021", NEW_YEAR),
    ("December 30 - January 5, 2021", NEW_YEAR),
    ("Iraq Situation Report Dec 30 to Jan 5 2021", NEW_YEAR),
    # A year on both ends within one year; comma before the year optional.
    ("June 24, 2020 - June 30, 2020", JUNE_24_30),
    ("June 24 2020 - June 30 2020", JUNE_24_30),
    ("June 24-30 2020", JUNE_24_30),
    # A single day.
    ("June 24, 2020", (date(2020, 6, 24), date(2020, 6, 24))),
    (
        "Iraq Situation Report: Feb. 29, 2020",
        (date(2020, 2, 29), date(2020, 2, 29)),
    ),
    # The period is searched for, preferring the last match.
    ("Iraq Situation Report: June 24-30, 2020 (updated)", JUNE_24_30),
    ("Iraq Situation Report Vol 3, 2020: June 24-30, 2020", JUNE_24_30),
    ("Iraq Situation Report: June 17-23, 2020: June 24-30, 2020", JUNE_24_30),
)

MALFORMED = (
    ("", "no reporting period found"),
    ("Iraq Situation Report", "no reporting period found"),
    ("Iraq Situation Report: August 2020", "no reporting period found"),
    ("Iraq Situation Report: August 19-25", "no reporting period found"),
    ("Iraq Situation Report: 2020-08-19", "no reporting period found"),
    ("June 24 30, 2020", "no reporting period found"),
    ("June 24-30, 20201", "no reporting period found"),
    ("February 30, 2021", "February 30 is not a real date"),
    ("June 31, 2020", "June 31 is not a real date"),
    ("Iraq Situation Report: June 24-31, 2020", "June 31 is not a real date"),
    ("February 29, 2021", "February 29, 2021 is not a real date"),
    ("June 0-6, 2020", "June 0 is not a real date"),
    ("July 29 - Aug. 32, 2020", "August 32 is not a real date"),
    ("Juen 24-30, 2020", "unknown month name 'Juen'"),
    ("July 29 - Agu. 5, 2020", "unknown month name 'Agu'"),
    ("Iraq Situation Report: Week 34, 2020", "unknown month name 'Week'"),
    ("August 25-19, 2020", "the period ends before it starts"),
    (
        "Iraq Situation Report: August 25 - August 19, 2020",
        "the period ends before it starts",
    ),
    ("December 30, 2021 - January 5, 2021", "the period ends before it starts"),
    (
        "December 30, 2022 - January 5, 2021",
        "the period starts in a later year than it ends",
    ),
)


class ParsePeriodTests(SimpleTestCase):
    def test_seed_titles(self):
        for title, start, end in SEED_TITLES:
            with self.subTest(title=title):
                expected = (date.fromisoformat(start), date.fromisoformat(end))
                self.assertEqual(parse_period(title), expected)

    def test_other_forms(self):
        for text, period in OTHER_FORMS:
            with self.subTest(text=text):
                self.assertEqual(parse_period(text), period)

    def test_malformed_titles(self):
        for text, reason in MALFORMED:
            with self.subTest(text=text):
                with self.assertRaises(PeriodError) as caught:
                    parse_period(text)
                self.assertEqual(str(caught.exception), reason)

    def test_period_error_is_a_value_error(self):
        with self.assertRaises(ValueError):
            parse_period("no period here")


class FormatPeriodTests(SimpleTestCase):
    def test_format_period(self):
        cases = [
            (date(2020, 6, 24), date(2020, 6, 30), f"June 24{EN}30, 2020"),
            (date(2020, 7, 29), date(2020, 8, 5), f"July 29 {EN} August 5, 2020"),
            (
                date(2020, 12, 30),
                date(2021, 1, 5),
                f"December 30, 2020 {EN} January 5, 2021",
            ),
            (date(2020, 6, 24), date(2020, 6, 24), "June 24, 2020"),
            (date(2020, 9, 1), date(2020, 9, 7), f"September 1{EN}7, 2020"),
        ]
        for start, end, expected in cases:
            with self.subTest(start=start, end=end):
                self.assertEqual(format_period(start, end), expected)

    def test_format_period_dash(self):
        self.assertEqual(
            format_period(date(2020, 6, 24), date(2020, 6, 30), dash=EM),
            f"June 24{EM}30, 2020",
        )
        self.assertEqual(
            format_period(date(2020, 7, 29), date(2020, 8, 5), dash="to"),
            "July 29 to August 5, 2020",
        )

    def test_format_period_refuses_a_reversed_period(self):
        with self.assertRaisesMessage(PeriodError, "the period ends before it starts"):
            format_period(date(2020, 6, 30), date(2020, 6, 24))

    def test_house_title(self):
        cases = [
            (
                date(2020, 6, 24),
                date(2020, 6, 30),
                "Iraq Situation Report: June 24-30, 2020",
            ),
            (
                date(2020, 7, 29),
                date(2020, 8, 5),
                "Iraq Situation Report: July 29 - August 5, 2020",
            ),
            (
                date(2020, 12, 30),
                date(2021, 1, 5),
                "Iraq Situation Report: December 30, 2020 - January 5, 2021",
            ),
            (
                date(2020, 6, 24),
                date(2020, 6, 24),
                "Iraq Situation Report: June 24, 2020",
            ),
        ]
        for start, end, expected in cases:
            with self.subTest(start=start, end=end):
                self.assertEqual(house_title(SERIES, start, end), expected)


class RoundTripTests(SimpleTestCase):
    @given(
        start=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
        length=st.integers(min_value=0, max_value=40),
    )
    def test_formatted_periods_parse_back(self, start, length):
        end = start + timedelta(days=length)
        self.assertEqual(parse_period(house_title(SERIES, start, end)), (start, end))
        for dash in ("-", EN, EM):
            self.assertEqual(parse_period(format_period(start, end, dash=dash)), (start, end))
