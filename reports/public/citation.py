"""How to cite a report, in the forms people and reference managers read.

Authors: the report's bylines, in order. An unsigned report is credited to its series as
corporate author, as a research unit does for an unsigned brief. The publisher is the site
(the SITE_NAME setting), the publication date is when the report was first published, and
the access date is the day the page was read.

The plain citation is a Chicago bibliography entry (17th edition, a report with a URL): the
first author as "Family, Given", the others as written. BibTeX is a @techreport; RIS a RPRT;
CSL-JSON a "report" item, as Zotero, Mendeley and EndNote import them. The report page also
carries Highwire Press `citation_*` meta tags and schema.org `Report` JSON-LD, which
reference managers read from the page itself.

Every published state of a report has its own address (/reports/<slug>/v/<n>/, see
reports.public.editions.versions). A citation names the version it cites (the current one on the
report's page, that one on a version's page) and gives that version's address as its URL, the
address that will always show what the reader read, with the report's own address beside it
for the current text: in the plain citation ("Version 2, September 1, 2020. <version URL>.
Current version at <report URL>"), in BibTeX (`version`, `url`, and `note`), in RIS (`UR`,
`N1`) and in CSL-JSON (`version`, `URL`, `note`).
"""

import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import mark_safe

from reports.caching.vocabulary import shown_name
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
    slug: str = ""  # a person's page, /authors/<slug>/

    @property
    def family(self):
        """The family name: the last word of the name ("al-Kadhimi" in "Mustafa al-Kadhimi")."""
        return self.name.rsplit(None, 1)[-1] if self.is_person else self.name

    @property
    def given(self):
        parts = self.name.rsplit(None, 1)
        return parts[0] if self.is_person and len(parts) == 2 else ""

    @property
    def inverted(self):
        """ "Doe, Jane", as bibliographies and BibTeX list a person."""
        return f"{self.family}, {self.given}" if self.given else self.name


def report_authors(report):
    """The bylines, or else the series as corporate author (see above)."""
    bylines = [Author(author.name, True, author.slug) for author in report.author_list]
    return bylines or [Author(shown_name("series", report.series.slug, report.series.name), False)]


def bibliography_names(authors):
    """Chicago's list: "Doe, Jane", "Doe, Jane, and Omar Ali", "Doe, Jane, Omar Ali, and Sam Lee"."""
    first, *others = authors
    names = [first.inverted, *(author.name for author in others)]
    return names[0] if not others else ", ".join(names[:-1]) + ", and " + names[-1]


@dataclass(frozen=True)
class CitedVersion:
    number: int
    published: object  # the date readers first saw it
    url: str  # the version's absolute address


@dataclass(frozen=True)
class Citation:
    report: object  # a ReportPage
    url: str  # the report's absolute, canonical URL
    publisher: str
    accessed: object  # a date
    version: CitedVersion | None = None  # the version cited; None for a report without versions

    @property
    def cited_url(self):
        """The address that shows what is cited: the version's, when there is one."""
        return self.version.url if self.version else self.url

    @property
    def version_text(self):
        """e.g. "Version 2, September 1, 2020", or "" without a version."""
        version = self.version
        return f"Version {version.number}, {long_date(version.published)}" if version else ""

    @property
    def current_note(self):
        """Where the current text is, beside the version's address; "" without a version."""
        return f"Current version at {self.url}" if self.version else ""

    @property
    def authors(self):
        return self.report.authors  # a ReportPage's, worked out once

    @property
    def published(self):
        return timezone.localdate(self.report.first_published_at)

    @property
    def plain_text(self):
        """e.g. 'Doe, Jane, and Omar Ali. “Iraq Situation Report: August 19-25, 2020.” Iraq
        Situation Report. sitrep, August 27, 2020. https://…/ (accessed November 23, 2026).'"""
        where = f"{self.version_text}. {self.version.url}. {self.current_note}" if self.version else self.url
        return (
            f"{bibliography_names(self.authors)}. “{self.report.title}.” {self.report.series.name}. {self.publisher}, "
            f"{long_date(self.published)}. {where} (accessed {long_date(self.accessed)})."
        )

    @property
    def bibtex(self):
        # A corporate author is braced, so that BibTeX does not split it into first and last names.
        authors = " and ".join(
            bibtex_escape(author.inverted) if author.is_person else "{" + bibtex_escape(author.name) + "}"
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
            *([("version", str(self.version.number))] if self.version else []),
            ("url", self.cited_url),
            ("urldate", self.accessed.isoformat()),
            ("note", self._bibtex_note()),
        ]
        lines = [f"  {name} = {value if name == 'month' else '{' + value + '}'}," for name, value in fields]
        return "@techreport{" + self.report.slug + ",\n" + "\n".join(lines) + "\n}"

    def _bibtex_note(self):
        accessed = f"Accessed {self.accessed.isoformat()}"
        if not self.version:
            return accessed
        return f"{self.version_text}. Current version at \\url{{{self.url}}}. {accessed}"

    @property
    def ris(self):
        """The RIS record (a report, RPRT), as reference managers import it."""
        lines = [("TY", "RPRT")]
        for author in self.authors:
            lines.append(("AU", author.inverted) if author.is_person else ("A2", author.name))
        lines += [
            ("TI", self.report.title),
            ("T3", self.report.series.name),
            ("PB", self.publisher),
            ("PY", str(self.published.year)),
            ("DA", self.published.strftime("%Y/%m/%d")),
            ("UR", self.cited_url),
            *([("N1", f"{self.version_text}. {self.current_note}.")] if self.version else []),
            ("Y2", self.accessed.strftime("%Y/%m/%d")),
            ("AB", " ".join(self.report.summary.split())),
            *(("KW", tag.name) for tag in self.report.tag_list),
            ("LA", "en"),
            ("ER", ""),
        ]
        return "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines)

    def csl_item(self):
        """The report as one CSL-JSON item (the format citeproc processors and Zotero read)."""
        published = self.published
        return {
            "id": self.report.slug,
            "type": "report",
            "title": self.report.title,
            "author": [
                {"family": author.family, "given": author.given} if author.is_person else {"literal": author.name}
                for author in self.authors
            ],
            "collection-title": self.report.series.name,
            "genre": "Situation report",
            "publisher": self.publisher,
            "issued": {"date-parts": [[published.year, published.month, published.day]]},
            "accessed": {"date-parts": [[self.accessed.year, self.accessed.month, self.accessed.day]]},
            "URL": self.cited_url,
            "abstract": self.report.summary,
            "keyword": ", ".join(tag.name for tag in self.report.tag_list),
            "language": "en",
        } | ({"version": str(self.version.number), "note": f"{self.version_text}. {self.current_note}."}
             if self.version else {})  # fmt: skip

    def highwire_tags(self, pdf_url=None):
        """(name, content) pairs for the Highwire Press meta tags Google Scholar and Zotero read."""
        tags = [("citation_title", self.report.title)]
        tags += [("citation_author", author.inverted) for author in self.authors if author.is_person]
        tags += [
            ("citation_publication_date", self.published.strftime("%Y/%m/%d")),
            ("citation_date", self.published.strftime("%Y/%m/%d")),
            ("citation_publisher", self.publisher),
            ("citation_technical_report_institution", self.publisher),
            ("citation_series_title", self.report.series.name),
            ("citation_public_url", self.url),
            ("citation_abstract_html_url", self.url),
            ("citation_language", "en"),
            *(("citation_keywords", tag.name) for tag in self.report.tag_list),
        ]
        if pdf_url:
            tags.append(("citation_pdf_url", pdf_url))
        return tags

    def json_ld(self, series_url, author_url=None, image=None):
        """schema.org Report, as a string safe to place in <script type="application/ld+json">.
        `author_url(author)` gives a person's absolute address; `image`, the absolute address
        of the lead figure's 1200×630 rendition, when it has one."""
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
            "author": [self._json_ld_author(author, author_url) for author in self.authors],
            "publisher": {"@type": "Organization", "name": self.publisher},
            "isPartOf": {"@type": "CreativeWorkSeries", "name": report.series.name, "url": series_url},
            "temporalCoverage": f"{report.period_start.isoformat()}/{report.period_end.isoformat()}",
            "keywords": [tag.name for tag in report.tag_list],
            "inLanguage": "en",
        }
        if self.version:
            data["version"] = str(self.version.number)
        if image:
            data["image"] = {"@type": "ImageObject", "url": image, "width": 1200, "height": 630}
        # Safe in a script element: every character that could end it or open markup is escaped.
        return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(SCRIPT_SAFE))

    @staticmethod
    def _json_ld_author(author, author_url):
        if not author.is_person:
            return {"@type": "Organization", "name": author.name}
        person = {"@type": "Person", "name": author.name, "familyName": author.family}
        if author.given:
            person["givenName"] = author.given
        if author_url and author.slug:
            person["url"] = author_url(author)
        return person
