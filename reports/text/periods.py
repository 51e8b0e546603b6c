"""Reporting periods of situation reports.

Titles look like "Iraq Situation Report: August 19-25, 2020". Archives are
written by hand, so the same period turns up as "Aug. 19-25, 2020",
"August 19 to 25 2020", "July 29 - Aug. 5, 2020" and so on; other publishers
put the day first, as UN agencies do ("3–9 June 2020", "30 June – 6 July 2020",
"28 December 2020 – 3 January 2021"), or write ISO dates ("2020-06-03 to
2020-06-09"). This module reads all of those and writes one house style back out.

Stdlib only, so it can be used (and tested) anywhere without Django; the language a period is
written in is passed in, or else Django's active language if Django is configured (never the
database). Arabic is written day first with the month names used across the Arab world and
Latin digits, as Arabic news agencies and UN Arabic reports write dates: "19–25 أغسطس 2020".
"""

import datetime
import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.text.numbers import plain_number

# Spelled out rather than taken from the calendar module, whose month names
# follow the process locale.
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Arabic month names (the Egyptian and Gulf series, which UN agencies' Arabic reports use).
ARABIC_MONTH_NAMES = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip


def writing_language(language=None) -> str:
    """ "ar" or "en": `language`, else Django's active language, else English."""
    if language is None:
        try:
            from django.utils.translation import get_language

            language = get_language()
        except Exception:  # Django absent or not configured: the house style is English
            language = None
    return "ar" if (language or "en").split("-")[0] == "ar" else "en"


def month_name(month: int, language=None) -> str:
    """The full name of a month (1-12) in `language` (see writing_language)."""
    names = ARABIC_MONTH_NAMES if writing_language(language) == "ar" else MONTH_NAMES
    return names[month - 1]


# Lower-case full names and three-letter abbreviations, plus "sept", which
# house styles (AP among them) use for September.
MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, 1)}
MONTHS |= {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, 1)}
MONTHS["sept"] = 9

# With only the end year written, a start month later than the end month
# means the period began the year before ("December 30 - January 5, 2021").
# That reading is only believed for a period no longer than this (a quarter):
# "Aug. 5 - July 29, 2020" is a reversed week, not a year-long report.
LONGEST_YEAR_CROSSING = datetime.timedelta(days=92)

# The most days a month ever has; a day beyond this is wrong in any year,
# so the reason need not mention the year (February 29 is the one case
# that depends on it).
LONGEST_MONTH = dict(enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), 1))

# Any word is accepted as a month here and checked against MONTHS afterwards,
# so that "Juen 24-30, 2020" is refused as an unknown month rather than as
# having no period at all. The dot after an abbreviation is optional.
_MONTH = r"(?P<{}>[a-z]+)(?:\.\s*|\s+)"
# "Not followed by a digit" rather than \b, so "24to30" still splits, while
# the 20 of "June 2020" is not taken for a day.
_DAY = r"(?P<{}>\d{{1,2}})(?!\d)"
_YEAR = r"(?P<{}>\d{{4}})(?!\d)"
# Hyphen, the Unicode hyphens and dashes people paste from word processors
# (including en and em dash), or the word "to"; spaces around it optional.
_SEPARATOR = r"\s*(?:[-\u2010-\u2015\u2212]|to)\s*"

# Month first, as American archives write it: "June 24-30, 2020", "July 29 - Aug. 5, 2020".
PERIOD = re.compile(
    rf"""
    \b{_MONTH.format("month1")} {_DAY.format("day1")}
    (?: ,?\s* {_YEAR.format("year1")} )?        # start year: optional unless it differs
    (?: {_SEPARATOR}
        (?: {_MONTH.format("month2")} )?        # end month: only when it differs
        {_DAY.format("day2")}
    )?                                          # no end at all: a single day
    ,?\s* {_YEAR.format("year2")}               # the end year is always written
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Day first, as UN agencies write it: "3–9 June 2020", "30 June – 6 July 2020",
# "28 December 2020 – 3 January 2021", "3 to 9 June 2020", "3 June 2020".
# As _MONTH, any word but "to", so that "3 to 2020" is not a day of a month called "to".
_MONTH_AFTER_DAY = r"(?!to\b)(?P<{}>[a-z]+)\.?"
_DAY_FIRST_END = rf"{_DAY.format('day2')} \s+ {_MONTH_AFTER_DAY.format('month2')} ,?\s* {_YEAR.format('year2')}"
DAY_FIRST_PERIOD = re.compile(
    rf"""
    (?<![\d-]) {_DAY.format("day1")}           # not the day of an ISO date
    (?: \s+ {_MONTH_AFTER_DAY.format("month1")}   # start month: only when it differs
        (?: ,?\s* {_YEAR.format("year1")} )?     # start year: only when it differs
    )?
    {_SEPARATOR} {_DAY_FIRST_END}
    """,
    re.IGNORECASE | re.VERBOSE,
)
# A single day, day first: "3 June 2020" (the end of a period is found as a period too).
DAY_FIRST_DAY = re.compile(rf"(?<![\d-]) {_DAY_FIRST_END}", re.IGNORECASE | re.VERBOSE)

# ISO 8601 dates at both ends: "2020-06-03 to 2020-06-09", "2020-06-03 – 2020-06-09".
_ISO_DATE = r"(?P<year{0}>\d{{4}})-(?P<month{0}>\d{{2}})-(?P<day{0}>\d{{2}})"
ISO_PERIOD = re.compile(rf"(?<![\d-]){_ISO_DATE.format(1)}{_SEPARATOR}{_ISO_DATE.format(2)}(?![\d-])", re.IGNORECASE)


def _month_first(match):
    """(day, month, year or None) of each end; the start month may be left to the end's."""
    return (
        (match["day1"], match["month1"], match["year1"]),
        (match["day2"] or match["day1"], match["month2"] or match["month1"], match["year2"]),
    )


def _day_first(match):
    """(day, month, year or None) of each end; the start month may be left to the end's."""
    groups = match.groupdict()
    return (
        (groups.get("day1") or match["day2"], groups.get("month1") or match["month2"], groups.get("year1")),
        (match["day2"], match["month2"], match["year2"]),
    )


# Each form, with what reads its ends out of a match.
FORMS = (
    (PERIOD, _month_first),
    (DAY_FIRST_PERIOD, _day_first),
    (DAY_FIRST_DAY, _day_first),
    (ISO_PERIOD, _month_first),
)


class PeriodError(ValueError):
    """A title holds no real period; str(err) is a short reason for a person,
    e.g. 'no reporting period found', 'June 31 is not a real date', 'the
    period ends before it starts'."""


def parse_period(text: str) -> tuple[datetime.date, datetime.date]:
    """Find the reporting period in a title (or a bare period string), in any of the
    forms above, and return (start, end)."""
    matches = [(match, read(match)) for pattern, read in FORMS for match in pattern.finditer(text)]
    if not matches:
        raise PeriodError("no reporting period found")
    # The period ends the title, so prefer the match that ends last, and prefer one whose
    # months are real months: "Vol 3, 2020: June 24-30, 2020" must not stop at "Vol 3,
    # 2020". Only when no match names real months is the last one kept, to say which
    # month word is wrong.
    plausible = [(match, ends) for match, ends in matches if _months_known(ends)]
    _, ends = max(plausible or matches, key=lambda found: (found[0].end(), -found[0].start()))
    return _period(*ends)


def contains_period(text: str) -> bool:
    """Whether `text` has something written like a period in it, real or not."""
    return any(pattern.search(text) for pattern, _ in FORMS)


def format_period(start, end, *, dash: str = "\u2013", language=None) -> str:
    """The period written for people. Same month: 'June 24–30, 2020' (dash
    joined with no spaces). Crossing months in one year: 'July 29 – August 5,
    2020' (spaced dash). Crossing a year: 'December 30, 2020 – January 5,
    2021'. Single day: 'June 24, 2020'. Always full month names. In Arabic
    (`language`, or the active one) day first, no commas: '19–25 أغسطس 2020',
    '29 يوليو – 5 أغسطس 2020', '30 ديسمبر 2020 – 5 يناير 2021', '24 يونيو 2020'."""
    if end < start:
        raise PeriodError("the period ends before it starts")
    if writing_language(language) == "ar":
        return _arabic_period(start, end, dash)
    if start == end:
        return f"{_month_day(start)}, {start.year}"
    if start.year != end.year:
        return f"{_month_day(start)}, {start.year} {dash} {_month_day(end)}, {end.year}"
    if start.month != end.month:
        return f"{_month_day(start)} {dash} {_month_day(end)}, {end.year}"
    return f"{_month_day(start)}{dash}{end.day}, {end.year}"


# The years the archive's filters and coverage pages accept.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def parse_year(text: str) -> int | None:
    """The year `text` names (digits only, FIRST_YEAR to LAST_YEAR), or None."""
    year = plain_number(text, max_digits=4)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def year_error(text: str) -> str:
    message = gettext("“%(text)s” is not a year from %(first)s to %(last)s.")
    return message % {"text": text, "first": FIRST_YEAR, "last": LAST_YEAR}


def format_day(day, language=None) -> str:
    """A day in the house style: "August 26, 2020" ("26 أغسطس 2020" in Arabic)."""
    if writing_language(language) == "ar":
        return _arabic_period(day, day, "")
    return f"{_month_day(day)}, {day.year}"


def _arabic_period(start, end, dash) -> str:
    def day_month(day):
        return f"{day.day} {ARABIC_MONTH_NAMES[day.month - 1]}"

    if start == end:
        return f"{day_month(start)} {start.year}"
    if start.year != end.year:
        return f"{day_month(start)} {start.year} {dash} {day_month(end)} {end.year}"
    if start.month != end.month:
        return f"{day_month(start)} {dash} {day_month(end)} {end.year}"
    return f"{start.day}{dash}{day_month(end)} {end.year}"


def iso_week_label(day) -> str:
    """The ISO week a day falls in, as the archive's `week` parameter writes it:
    '2020-W34'. January 1, 2021 is in '2020-W53'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def house_title(series_name: str, start, end) -> str:
    """The house-style title, e.g. 'Iraq Situation Report: June 24-30, 2020',
    'Iraq Situation Report: July 29 - August 5, 2020', 'Iraq Situation
    Report: December 30, 2020 - January 5, 2021'. A plain hyphen, because
    titles end up in URLs, feeds and e-mail subjects."""
    # Stored, so always the house style in English, whatever the editor's language.
    return f"{series_name}: {format_period(start, end, dash='-', language='en')}"


def _months_known(ends) -> bool:
    return all(_is_month(month) for _, month, _ in ends)


def _is_month(word: str) -> bool:
    return word.lower() in MONTHS or (word.isdigit() and 1 <= int(word) <= 12)


def _period(start_parts, end_parts) -> tuple[datetime.date, datetime.date]:
    """The dates of a period from (day, month, year or None) of each end; the end year is
    always written."""
    (start_day, start_month, start_year), (end_day, end_month, end_year) = start_parts, end_parts
    start_day, start_month, end_day, end_month = int(start_day), _month(start_month), int(end_day), _month(end_month)
    end_year = int(end_year)
    if start_year:
        start_year = int(start_year)
        if start_year > end_year:
            raise PeriodError("the period starts in a later year than it ends")
    end = _date(end_year, end_month, end_day)
    start = None
    if not start_year and start_month > end_month:
        # "December 30 - January 5, 2021": the one year written is the end's, so a start
        # month later than the end month may be last year's; believed only for a short
        # period that exists ("Feb. 29 - Jan. 20, 2000" is a reversed period, not 1999's).
        try:
            crossing = datetime.date(end_year - 1, start_month, start_day)
        except ValueError:
            crossing = None
        if crossing and end - crossing <= LONGEST_YEAR_CROSSING:
            start = crossing
    start = start or _date(start_year or end_year, start_month, start_day)
    if end < start:
        raise PeriodError("the period ends before it starts")
    return start, end


def _month(word: str) -> int:
    if word.isdigit():  # an ISO date's month
        if 1 <= int(word) <= 12:
            return int(word)
        raise PeriodError(f"there is no month {int(word)}")
    try:
        return MONTHS[word.lower()]
    except KeyError:
        raise PeriodError(f"unknown month name {word!r}") from None


def _date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        pass  # replaced below by a reason a person can act on
    if 1 <= day <= LONGEST_MONTH[month]:
        raise PeriodError(f"{MONTH_NAMES[month - 1]} {day}, {year} is not a real date")
    raise PeriodError(f"{MONTH_NAMES[month - 1]} {day} is not a real date")


def _month_day(day: datetime.date) -> str:
    return f"{MONTH_NAMES[day.month - 1]} {day.day}"


ISO_WEEK = re.compile(r"^(?P<year>\d{4})-W(?P<week>\d{2})$")


def parse_iso_week(value):
    """'2020-W34' -> (Monday, Sunday) of that ISO week; a ValidationError with the reason otherwise,
    quoting the value as a parameter (django-filter formats messages: a typed "%" would break one)."""
    match = ISO_WEEK.match(value.strip())
    if not match:
        raise invalid(_("“%(value)s” is not an ISO week; write it like 2020-W34."), value=value)
    year, week = int(match["year"]), int(match["week"])
    try:
        monday = datetime.date.fromisocalendar(year, week, 1)
        return monday, monday + datetime.timedelta(days=6)
    except OverflowError:
        raise invalid(_("“%(value)s” runs past the end of the calendar (year 9999)."), value=value) from None
    except ValueError:
        if not 1 <= year <= 9999:
            raise invalid(_("“%(value)s” is outside the calendar: years run from 1 to 9999."), value=value) from None
        last_week = datetime.date(year, 12, 28).isocalendar().week
        message = _("%(year)s has weeks W01 to W%(last_week)02d; “%(value)s” is not one of them.")
        raise invalid(message, year=year, last_week=last_week, value=value) from None


def invalid(message, **params):
    """A filter's error; whatever it quotes of the request is in `params`, never in `message`."""
    return forms.ValidationError(message, code="invalid", params=params)
