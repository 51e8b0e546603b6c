"""Which days and ISO weeks a series' reports cover: the week timeline of /weeks/ and of
the editors' coverage page in the admin.

Reports in a series often run Wednesday to Tuesday, so nearly every ISO week is touched
by some report even when a whole reporting period is missing. Coverage is therefore
counted by day and summed up by week:

- covered: every day of the week has exactly one report;
- partly covered: some days have no report (a gap such as July 22–28, 2020);
- covered twice: some day has two or more reports (overlapping periods);
- missing: no report overlaps the week at all.

Days outside the series' run (before its first report, after its last, or in the future
for editors) count as neither, so a series is not missing the weeks before it began.

Stdlib only, like reports.text.periods.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.utils.translation import gettext, pgettext, pgettext_lazy

from reports.caching.vocabulary import shown_name
from reports.text.periods import format_period, iso_week_label

DAY = datetime.timedelta(days=1)

COVERED, PARTLY_COVERED, COVERED_TWICE, MISSING = "covered", "partly-covered", "covered-twice", "missing"
STATUS_LABELS = {
    COVERED: pgettext_lazy("week", "covered"),
    PARTLY_COVERED: pgettext_lazy("week", "partly covered"),
    COVERED_TWICE: pgettext_lazy("week", "covered twice"),
    MISSING: pgettext_lazy("week", "missing"),
}


@dataclass(frozen=True)
class DayRun:
    first: datetime.date
    last: datetime.date

    @property
    def days(self):
        return (self.last - self.first).days + 1

    def __str__(self):
        return format_period(self.first, self.last)


def day_runs(days, wanted):
    """The runs of consecutive (day, count) pairs whose count is wanted."""
    runs = []
    for is_wanted, run in groupby(days, key=lambda pair: pair[1] is not None and wanted(pair[1])):
        run = list(run)
        if is_wanted:
            runs.append(DayRun(run[0][0], run[-1][0]))
    return runs


@dataclass(frozen=True)
class Week:
    monday: datetime.date
    # How many reports cover each day, Monday first; None for a day outside the run.
    day_counts: tuple

    @property
    def label(self):
        return iso_week_label(self.monday)

    @property
    def number(self):
        return self.monday.isocalendar().week

    @property
    def sunday(self):
        return self.monday + 6 * DAY

    @property
    def period(self):
        return format_period(self.monday, self.sunday)

    @property
    def days(self):
        return [(self.monday + offset * DAY, count) for offset, count in enumerate(self.day_counts)]

    @property
    def day_marks(self):
        """A CSS class a day: the visual marks; `description` is their text equivalent."""
        names = {None: "out", 0: "none", 1: "one"}
        return [names.get(count, "many") for count in self.day_counts]

    @property
    def status(self):
        counts = [count for count in self.day_counts if count is not None]
        if not any(counts):
            return MISSING
        if any(count > 1 for count in counts):
            return COVERED_TWICE
        if not all(counts):
            return PARTLY_COVERED
        return COVERED

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def description(self):
        """The week in words, e.g. '2020-W30, July 20–26, 2020: partly covered; no report
        for July 22–26, 2020.'"""
        text = gettext("%(week)s, %(period)s: %(status)s") % {
            "week": self.label, "period": self.period, "status": self.status_label,
        }  # fmt: skip
        if self.status != MISSING:
            gaps = day_runs(self.days, lambda count: count == 0)
            doubles = day_runs(self.days, lambda count: count > 1)
            separator = pgettext("list separator", ", ")
            if gaps:
                text += gettext("; no report for %(days)s") % {"days": separator.join(map(str, gaps))}
            if doubles:
                text += gettext("; more than one report for %(days)s") % {"days": separator.join(map(str, doubles))}
        return text + pgettext("end of sentence", ".")


@dataclass(frozen=True)
class Timeline:
    weeks: list
    gaps: list  # DayRuns with no report
    overlaps: list  # DayRuns with two or more reports

    @property
    def years(self):
        """(ISO year, its weeks), oldest first."""
        return [(year, list(weeks)) for year, weeks in groupby(self.weeks, key=lambda w: w.monday.isocalendar().year)]

    @property
    def first_week(self):
        return self.weeks[0] if self.weeks else None

    @property
    def last_week(self):
        return self.weeks[-1] if self.weeks else None

    def weeks_by_status(self, status):
        return [week for week in self.weeks if week.status == status]

    @property
    def status_counts(self):
        return [(STATUS_LABELS[status], len(self.weeks_by_status(status))) for status in STATUS_LABELS]


def build_timeline(periods, first, last):
    """The coverage of the days first..last by periods [(start, end), ...], by ISO week."""
    if last < first:
        return Timeline([], [], [])
    # Reports starting and ending on each day, then a running sum: linear in days + reports.
    span = (last - first).days + 1
    changes = [0] * (span + 1)
    for start, end in periods:
        start, end = max(start, first), min(end, last)
        if start <= end:
            changes[(start - first).days] += 1
            changes[(end - first).days + 1] -= 1
    counts, running = [], 0
    for change in changes[:span]:
        running += change
        counts.append(running)

    weeks = []
    monday = first - first.weekday() * DAY
    while monday <= last:
        day_counts = []
        for offset in range(7):
            day = monday + offset * DAY
            day_counts.append(counts[(day - first).days] if first <= day <= last else None)
        weeks.append(Week(monday, tuple(day_counts)))
        monday += 7 * DAY
    days = [(first + index * DAY, count) for index, count in enumerate(counts)]
    return Timeline(weeks, day_runs(days, lambda count: count == 0), day_runs(days, lambda count: count > 1))


@dataclass(frozen=True)
class SeriesTimeline:
    name: str
    slug: str
    timeline: Timeline


def periods_by_series(rows):
    """{(series name, slug): [(start, end), ...]} from (name, slug, start, end) rows."""
    periods = {}
    for name, slug, start, end in rows:
        periods.setdefault((name, slug), []).append((start, end))
    return periods


def year_timelines(runs, rows, year):
    """Each series' timeline in one ISO year, within its run: from its first report's first day
    to its last report's last day (`runs`: {(name, slug): (first, last)}, every series), so a
    series is not missing the weeks before it began or after it ended. `rows` are the
    (name, slug, start, end) of the reports overlapping the year. A series whose run misses
    the year is left out; one whose reports skip the whole year shows it missing."""
    year_start, year_end = iso_year_bounds(year)
    periods = periods_by_series(rows)
    timelines = []
    for (name, slug), (first, last) in sorted(runs.items()):
        if first <= year_end and last >= year_start:
            timeline = build_timeline(periods.get((name, slug), []), max(first, year_start), min(last, year_end))
            timelines.append(SeriesTimeline(shown_name("series", slug, name), slug, timeline))
    return timelines


def iso_year_bounds(year):
    """The Monday of week 1 and the Sunday of the last week of an ISO year."""
    last_week = datetime.date(year, 12, 28).isocalendar().week
    return datetime.date.fromisocalendar(year, 1, 1), datetime.date.fromisocalendar(year, last_week, 7)
