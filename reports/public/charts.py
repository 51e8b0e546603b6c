"""A small per-month bar chart, drawn as inline SVG on the server (no script, no style
attributes: a strict Content-Security-Policy allows it). Its text equivalent is
`MonthChart.description`. In a right-to-left language the first month is drawn on the right.
Month labels are the English three-letter abbreviations; Arabic has none, so it writes the
month's number (Latin digits, as everywhere in the Arabic site)."""

from dataclasses import dataclass

from django.utils.translation import get_language_bidi, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from reports.text.periods import MONTH_NAMES, month_name, writing_language

BAR_WIDTH, BAR_GAP, BAR_AREA, ROW = 26, 6, 80, 14
# Up to this many months every bar is named; beyond, only Januaries are, by their year.
ALL_NAMED_UP_TO = 24


@dataclass(frozen=True)
class MonthBar:
    year: int
    month: int
    count: int
    x: int
    height: int
    month_label: str  # written under the bar, or ""
    year_label: str  # written under that, or ""
    right_to_left: bool = False  # text starts at the bar's right edge

    @property
    def year_label_x(self):
        return self.x + BAR_WIDTH if self.right_to_left else self.x

    @property
    def name(self):
        return f"{month_name(self.month)} {self.year}"

    @property
    def center(self):
        return self.x + BAR_WIDTH // 2

    @property
    def y(self):
        return ROW + BAR_AREA - self.height

    @property
    def count_y(self):
        return self.y - 3


@dataclass(frozen=True)
class MonthChart:
    bars: list
    width: int

    bar_width = BAR_WIDTH
    baseline_y = ROW + BAR_AREA
    month_label_y = ROW + BAR_AREA + ROW
    year_label_y = ROW + BAR_AREA + 2 * ROW
    height = ROW + BAR_AREA + 2 * ROW + 4

    @property
    def description(self):
        """Every month with reports, in words: '3 in June 2020, 4 in July 2020; none in the other months.'"""
        with_reports = [
            ngettext("%(count)d in %(month)s", "%(count)d in %(month)s", bar.count)
            % {"count": bar.count, "month": bar.name}
            for bar in self.bars
            if bar.count
        ]
        text = pgettext("list separator", ", ").join(with_reports)
        if len(with_reports) < len(self.bars):
            text += str(NONE_IN_OTHER_MONTHS)
        return text + pgettext("end of sentence", ".")


NONE_IN_OTHER_MONTHS = _("; none in the other months")


def month_chart(counts):
    """Bars for every month from the first to the last in counts {(year, month): count}."""
    if not counts:
        return MonthChart([], 0)
    (year, month), last = min(counts), max(counts)
    months = []
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    tallest = max(counts.values())
    right_to_left = get_language_bidi()
    arabic = writing_language() == "ar"
    bars = []
    for index, (year, month) in enumerate(months):
        count = counts.get((year, month), 0)
        named = len(months) <= ALL_NAMED_UP_TO
        bars.append(
            MonthBar(
                year,
                month,
                count,
                x=(len(months) - 1 - index if right_to_left else index) * (BAR_WIDTH + BAR_GAP),
                height=round(BAR_AREA * count / tallest),
                month_label=(str(month) if arabic else MONTH_NAMES[month - 1][:3]) if named else "",
                year_label=str(year) if index == 0 or month == 1 else "",
                right_to_left=right_to_left,
            )
        )
    return MonthChart(bars, len(months) * (BAR_WIDTH + BAR_GAP) - BAR_GAP)
