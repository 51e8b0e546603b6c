"""Periods as other publishers write them: day first (UN agencies), ISO dates, "to"
between the ends; each read back to its dates, and impossible ones refused as before.
The American forms, and the house style, are in test_periods.py (whose reversed-period
property covers day-first periods too)."""

from datetime import date, timedelta

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from reports.text.periods import PeriodError, contains_period, parse_period
from tests.text.test_periods import DASHES, EM, EN, MONTH_STYLES, NBSP, SERIES, archive_style

JUNE_3_9 = (date(2020, 6, 3), date(2020, 6, 9))
JUNE_30_JULY_6 = (date(2020, 6, 30), date(2020, 7, 6))
NEW_YEAR = (date(2020, 12, 28), date(2021, 1, 3))

DAY_FIRST = (
    (f"3{EN}9 June 2020", JUNE_3_9),
    ("3-9 June 2020", JUNE_3_9),
    (f"3 {EM} 9 June 2020", JUNE_3_9),
    ("3 to 9 June 2020", JUNE_3_9),
    ("03-09 Jun. 2020", JUNE_3_9),
    ("3-9 JUNE, 2020", JUNE_3_9),
    (f"3{EN}9{NBSP}June{NBSP}2020", JUNE_3_9),
    (f"30 June {EN} 6 July 2020", JUNE_30_JULY_6),
    ("30 June to 6 July 2020", JUNE_30_JULY_6),
    ("30 Jun - 6 Jul 2020", JUNE_30_JULY_6),
    (f"28 December 2020 {EN} 3 January 2021", NEW_YEAR),
    ("28 Dec. 2020 - 3 Jan. 2021", NEW_YEAR),
    (f"28 December {EN} 3 January 2021", NEW_YEAR),  # only the end year: crossing into it
    ("3 June 2020 - 9 June 2020", JUNE_3_9),
    ("1-7 Sept. 2020", (date(2020, 9, 1), date(2020, 9, 7))),
    ("3 June 2020", (date(2020, 6, 3), date(2020, 6, 3))),
    ("29 February 2020", (date(2020, 2, 29), date(2020, 2, 29))),
)

ISO = (
    ("2020-06-03 to 2020-06-09", JUNE_3_9),
    (f"2020-06-03 {EN} 2020-06-09", JUNE_3_9),
    (f"2020-06-03{EN}2020-06-09", JUNE_3_9),
    ("2020-06-03 - 2020-06-09", JUNE_3_9),
    ("2020-06-03-2020-06-09", JUNE_3_9),
    (f"2020-06-03 {EM} 2020-06-09", JUNE_3_9),
    ("2020-12-28 to 2021-01-03", NEW_YEAR),
)

TO_BETWEEN = (
    ("June 3 to 9, 2020", JUNE_3_9),
    ("June 3 to 9 2020", JUNE_3_9),
    ("3 to 9 June 2020", JUNE_3_9),
    ("June 30 to July 6, 2020", JUNE_30_JULY_6),
    ("2020-06-03 to 2020-06-09", JUNE_3_9),
)

# Titles as the importer reads them.
EMBEDDED = (
    (f"Iraq Situation Report: 3{EN}9 June 2020", JUNE_3_9),
    (f"Iraq Situation Report 3{EN}9 June 2020", JUNE_3_9),
    (f"Iraq Situation Report: 30 June {EN} 6 July 2020", JUNE_30_JULY_6),
    (f"Iraq Situation Report: 28 December 2020 {EN} 3 January 2021", NEW_YEAR),
    ("Iraq Situation Report: 2020-06-03 to 2020-06-09", JUNE_3_9),
    ("Iraq Situation Report: June 3 to 9, 2020", JUNE_3_9),
    (f"Iraq: Humanitarian Situation Report No. 12, 3{EN}9 June 2020", JUNE_3_9),
    (f"Iraq Situation Report: 3{EN}9 June 2020 (revised)", JUNE_3_9),
    ("Iraq Situation Report Vol 3, 2020: 3-9 June 2020", JUNE_3_9),
    ("Iraq Situation Report: May 27 - June 2, 2020: 3-9 June 2020", JUNE_3_9),  # the last period
)

MALFORMED = (
    ("30 February 2021", "February 30 is not a real date"),
    ("28-30 February 2021", "February 30 is not a real date"),
    ("29 February 2021", "February 29, 2021 is not a real date"),
    ("31 June - 6 July 2020", "June 31 is not a real date"),
    ("Iraq Situation Report: 3-31 June 2020", "June 31 is not a real date"),
    ("2020-02-30 to 2020-03-05", "February 30 is not a real date"),
    ("2020-13-01 to 2020-13-07", "there is no month 13"),
    ("2020-00-01 to 2020-01-07", "there is no month 0"),
    ("3-9 Juen 2020", "unknown month name 'Juen'"),
    ("9-3 June 2020", "the period ends before it starts"),
    ("9 to 3 June 2020", "the period ends before it starts"),
    (f"6 July {EN} 30 June 2020", "the period ends before it starts"),
    ("2020-06-09 to 2020-06-03", "the period ends before it starts"),
    ("June 9 to 3, 2020", "the period ends before it starts"),
    ("28 December 2021 - 3 January 2021", "the period ends before it starts"),
    ("2021-12-28 to 2020-01-03", "the period starts in a later year than it ends"),
    ("28 December 2022 - 3 January 2021", "the period starts in a later year than it ends"),
    # One ISO date is a day something happened, not a reporting period.
    ("Iraq Situation Report: 2020-06-03", "no reporting period found"),
    ("3-9 June", "no reporting period found"),
    ("2020-06-03 to 2020-06", "no reporting period found"),
)


class OtherPublishersFormsTests(SimpleTestCase):
    def assertPeriods(self, cases):
        for text, period in cases:
            with self.subTest(text=text):
                self.assertEqual(parse_period(text), period)

    def test_day_first(self):
        self.assertPeriods(DAY_FIRST)

    def test_iso_dates(self):
        self.assertPeriods(ISO)

    def test_to_between_the_ends(self):
        self.assertPeriods(TO_BETWEEN)

    def test_titles_embedding_a_period(self):
        self.assertPeriods(EMBEDDED)

    def test_impossible_periods_are_refused_with_a_reason(self):
        for text, reason in MALFORMED:
            with self.subTest(text=text):
                with self.assertRaisesMessage(PeriodError, reason) as caught:
                    parse_period(text)
                self.assertEqual(str(caught.exception), reason)

    def test_a_series_heading_has_no_period(self):
        self.assertFalse(contains_period("Iraq Situation Report"))
        self.assertFalse(contains_period("UNICEF Iraq Humanitarian Situation Report No. 12"))
        for text, _ in DAY_FIRST + ISO + TO_BETWEEN:
            with self.subTest(text=text):
                self.assertTrue(contains_period(text))


def iso_style(start, end, *, dash, spaced):
    separator = f" {dash} " if spaced or dash == "to" else dash
    return f"{start.isoformat()}{separator}{end.isoformat()}"


PREFIXES = ("", f"{SERIES}: ", f"{SERIES} ")
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


class OtherPublishersRoundTripTests(SimpleTestCase):
    @given(
        start=DATES,
        length=st.integers(min_value=0, max_value=40),
        month_style=st.sampled_from(sorted(MONTH_STYLES)),
        dash=st.sampled_from(DASHES),
        spaced=st.booleans(),
        both_years=st.booleans(),
        prefix=st.sampled_from(PREFIXES),
    )
    def test_day_first_periods_parse_back(self, start, length, month_style, dash, spaced, both_years, prefix):
        end = start + timedelta(days=length)
        month = MONTH_STYLES[month_style]
        text = prefix + archive_style(
            start, end, month=month, dash=dash, spaced=spaced, both_years=both_years, day_first=True
        )
        self.assertEqual(parse_period(text), (start, end), text)

    @given(
        start=DATES,
        length=st.integers(min_value=0, max_value=40),
        dash=st.sampled_from(DASHES),
        spaced=st.booleans(),
        prefix=st.sampled_from(PREFIXES),
    )
    def test_iso_periods_parse_back(self, start, length, dash, spaced, prefix):
        end = start + timedelta(days=length)
        text = prefix + iso_style(start, end, dash=dash, spaced=spaced)
        self.assertEqual(parse_period(text), (start, end), text)

    @given(end=DATES, reversal=st.integers(min_value=1, max_value=400), dash=st.sampled_from(DASHES))
    def test_a_reversed_iso_period_is_refused(self, end, reversal, dash):
        start = end + timedelta(days=reversal)
        reasons = ("the period ends before it starts", "the period starts in a later year than it ends")
        with self.assertRaises(PeriodError) as caught:
            parse_period(iso_style(start, end, dash=dash, spaced=True))
        self.assertIn(str(caught.exception), reasons)
