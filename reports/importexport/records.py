"""Bringing reports into sitrep: back-catalogue listings, and sitrep's own exports.

Two kinds of source (read_source tells them apart by extension, then by content):

- A listing as scraped from an old site, in UTF-8 (read_listing): the series heading,
  then for each report a title line and a summary paragraph, separated by blank lines.
  Navigation remnants ("Pages", "Next »", page numbers) are skipped. The summary is kept
  exactly, curly quotes and dashes included. The period is parsed from the title, which is
  then rewritten in the house style (periods.house_title); the slug is made from that.
  Tags are proposed from the existing vocabulary (reports.text.tagmatch.TagMatcher).
- The JSON or CSV that export_reports writes (reports.importexport.exporting). Slug, status, dates and
  tags are kept as written, so that an export imported into an empty database gives back
  the same reports.

A report is identified by its series and its period; there is deliberately no unique
constraint on them, as editors may create overlapping reports. Importing the same source
again changes nothing. A report whose text changed is updated in place: a listing updates
its summary; an export its title, summary, body and tags. An import never changes the
slug, status or dates of a report that exists: its address must not break, and its state
belongs to the editors (reports.editorial.actions.workflow).

plan_import reads the database and writes nothing, so a dry run is a plan that is shown
and not applied; apply_plan writes a plan in one transaction, with bulk queries.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from taggit.models import Tag

from reports.editorial.actions.workflow import ImportedState
from reports.models import Author, Report, Series

Status = Report.Status

# Field lengths, from the models, for messages before the database would refuse them.
TITLE_LENGTH = Report._meta.get_field("title").max_length
SLUG_LENGTH = Report._meta.get_field("slug").max_length
SERIES_NAME_LENGTH = Series._meta.get_field("name").max_length
TAG_LENGTH = Tag._meta.get_field("name").max_length
AUTHOR_NAME_LENGTH = Author._meta.get_field("name").max_length

# Rows per INSERT and per slug lookup: under the bound-parameter limits of SQLite and PostgreSQL.
WRITE_BATCH = 500
# Reports written between two steps of the progress bar.
PROGRESS_BATCH = 1000

# A listing gives no dates. Imported as published, a report is taken to have gone out two
# days after its period ended, at 14:00 UTC (the back catalogue's rhythm), and never later
# than the import; it is also dated as created and last changed then. A fixed rule, so that
# the same listing always gives the same reports (the seed fixture is built this way).
LISTING_PUBLICATION_DELAY = datetime.timedelta(days=2)
LISTING_PUBLICATION_TIME = datetime.time(14, 0, tzinfo=datetime.UTC)

# Lines left over from the old site's page furniture, matched against a whole paragraph.
_ARROWS = r"[\s«»‹›<>←→|]*"
NAVIGATION = re.compile(
    rf"""{_ARROWS}
    (?: pages? | page \s+ \d+ (?: \s+ of \s+ \d+ )?
      | next (?: \s+ page )? | prev (?: ious )? (?: \s+ page )?
      | (?: older | newer ) (?: \s+ (?: posts | entries | reports ) )?
      | (?: load | read | show ) \s+ more | back \s+ to \s+ top | first | last
      | [\d\s.…/-]* \d [\d\s.…/-]*                 # page numbers: "2", "1 2 3 … 12"
    )? {_ARROWS}""",
    re.IGNORECASE | re.VERBOSE,
)
# A paragraph that ends like a sentence is text, never a title.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\Z")

CSV_REQUIRED = {"series", "title", "slug", "period_start", "period_end", "summary", "status"}


class SourceError(Exception):
    """The file as a whole cannot be imported; str() says why, for a person."""


class Place(NamedTuple):
    """Where a report stands in its source: "line 12", or "report 3" in a JSON file."""

    unit: str
    number: int

    def __str__(self):
        return f"{self.unit} {self.number}"


@dataclass(frozen=True)
class Refusal:
    """A report the source holds that cannot be imported, and why."""

    where: Place
    title: str  # as the source writes it
    reason: str

    def __str__(self):
        # One line per refusal, even for a title with line breaks in it.
        return f"{self.where}: {' '.join(self.title.split())}: {self.reason}"


@dataclass
class Incoming:
    """A report as its source gives it, before it is compared with the database."""

    where: Place
    source_title: str
    series_name: str
    series_slug: str
    period_start: datetime.date
    period_end: datetime.date
    summary: str
    title: str = ""  # empty for a listing: the house-style title, once the series is known
    slug: str = ""  # empty for a listing: made from the title
    body: str = ""
    tags: list[str] | None = None  # None for a listing: proposed from the vocabulary
    authors: list[str] = field(default_factory=list)  # by name, in byline order
    state: ImportedState = field(default_factory=ImportedState)
    created_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None

    @property
    def is_listing(self):
        return self.tags is None


@dataclass
class Source:
    kind: str  # "listing", "json" or "csv"
    name: str  # the file's name, for the workflow events
    reports: list[Incoming]
    refused: list[Refusal]
    authors: dict = field(default_factory=dict)  # name -> {"slug", "bio", "link"}, as an export gives them


@dataclass
class NewReport:
    incoming: Incoming
    series: Series  # not saved yet when the import creates the series
    title: str
    slug: str
    tags: list[str]
    authors: list[str] = field(default_factory=list)


@dataclass
class Update:
    report: Report
    incoming: Incoming
    changes: dict  # field name -> (text now, text imported); tags as one comma-separated line
    tags: list[str] | None  # the new tags, when they change
    authors: list[str] | None = None  # the new bylines, when they change


@dataclass
class ImportPlan:
    created: list[NewReport] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[Incoming] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    authors: dict = field(default_factory=dict)  # the source's author records (Source.authors)

    def counts(self, *, written=True):
        """The closing line; with written=False, what was not written counts as nothing."""
        created, updated = (len(self.created), len(self.updated)) if written else (0, 0)
        return f"created: {created}, updated: {updated}, unchanged: {len(self.unchanged)}, refused: {len(self.refused)}"
