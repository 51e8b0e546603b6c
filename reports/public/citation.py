"""How to cite a report, and how a report describes itself to other sites (JSON-LD).

Authors: the full name of the user who created the report, as recorded in their account.
When no person is known (no creator, a deleted account, or an account without a name)
the report's series stands as corporate author, as a research unit does for an unsigned
brief. The publisher is the site (the SITE_NAME setting), the publication date is when
the report was first published, and the access date is the day the page was read.
"""

import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import mark_safe

from reports.text.periods import MONTH_NAMES

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# JSON inside <script> must not close the element or open a comment.
SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def bibtex_escape(text):
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in text)


def long_date(day):
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class Author:
    name: str
    is_person: bool


def report_authors(report):
    """The writer by full name, or else the series as corporate author (see above)."""
    name = report.created_by.get_full_name().strip() if report.created_by else ""
    return [Author(name, True)] if name else [Author(report.series.name, False)]


@dataclass(frozen=True)
class Citation:
    report: object
    url: str  # the report's absolute, canonical URL
    publisher: str
    accessed: object  # a date

    @property
    def authors(self):
        return self.report.authors  # a ReportPage's, worked out once

    @property
    def published(self):
        return timezone.localdate(self.report.first_published_at)

    @property
    def plain_text(self):
        """e.g. 'Jane Doe. “Iraq Situation Report: August 19-25, 2020.” Iraq Situation Report.
        sitrep, August 27, 2020. https://…/ (accessed November 23, 2026).'"""
        authors = " and ".join(author.name for author in self.authors)
        return (
            f"{authors}. “{self.report.title}.” {self.report.series.name}. {self.publisher}, "
            f"{long_date(self.published)}. {self.url} (accessed {long_date(self.accessed)})."
        )

    @property
    def bibtex(self):
        # A corporate author is braced, so that BibTeX does not split it into first and last names.
        authors = " and ".join(
            bibtex_escape(author.name) if author.is_person else "{" + bibtex_escape(author.name) + "}"
            for author in self.authors
        )
        fields = [
            ("author", authors),
            ("title", "{" + bibtex_escape(self.report.title) + "}"),
            ("type", "Situation report"),
            ("series", bibtex_escape(self.report.series.name)),
            ("institution", bibtex_escape(self.publisher)),
            ("publisher", bibtex_escape(self.publisher)),
            ("year", str(self.published.year)),
            ("month", MONTH_NAMES[self.published.month - 1][:3].lower()),
            ("date", self.published.isoformat()),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
            ("note", f"Accessed {self.accessed.isoformat()}"),
        ]
        lines = [f"  {name} = {value if name == 'month' else '{' + value + '}'}," for name, value in fields]
        return "@techreport{" + self.report.slug + ",\n" + "\n".join(lines) + "\n}"

    def json_ld(self, series_url):
        """schema.org Report, as a string safe to place in <script type="application/ld+json">."""
        report = self.report
        data = {
            "@context": "https://schema.org",
            "@type": "Report",
            "headline": report.title,
            "name": report.title,
            "description": report.summary,
            "url": self.url,
            "mainEntityOfPage": self.url,
            "datePublished": report.first_published_at.isoformat(),
            "dateModified": report.last_modified.isoformat(),
            "author": [
                {"@type": "Person" if author.is_person else "Organization", "name": author.name}
                for author in self.authors
            ],
            "publisher": {"@type": "Organization", "name": self.publisher},
            "isPartOf": {"@type": "CreativeWorkSeries", "name": report.series.name, "url": series_url},
            "temporalCoverage": f"{report.period_start.isoformat()}/{report.period_end.isoformat()}",
            "keywords": [tag.name for tag in report.tag_list],
            "inLanguage": "en",
        }
        # Safe in a script element: every character that could end it or open markup is escaped.
        return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(SCRIPT_SAFE))
