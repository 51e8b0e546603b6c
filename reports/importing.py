"""Bringing reports into sitrep: back-catalogue listings, and sitrep's own exports.

Two kinds of source (read_source tells them apart by extension, then by content):

- A listing as scraped from an old site, in UTF-8 (read_listing): the series heading,
  then for each report a title line and a summary paragraph, separated by blank lines.
  Navigation remnants ("Pages", "Next »", page numbers) are skipped. The summary is kept
  exactly, curly quotes and dashes included. The period is parsed from the title, which is
  then rewritten in the house style (periods.house_title); the slug is made from that.
  Tags are proposed from the existing vocabulary (TagVocabulary).
- The JSON or CSV that export_reports writes (reports.exporting). Slug, status, dates and
  tags are kept as written, so that an export imported into an empty database gives back
  the same reports.

A report is identified by its series and its period; there is deliberately no unique
constraint on them, as editors may create overlapping reports. Importing the same source
again changes nothing. A report whose text changed is updated in place: a listing updates
its summary; an export its title, summary, body and tags. An import never changes the
slug, status or dates of a report that exists: its address must not break, and its state
belongs to the editors (reports.workflow).

plan_import reads the database and writes nothing, so a dry run is a plan that is shown
and not applied; apply_plan writes a plan in one transaction, with bulk queries.
"""

import csv
import datetime
import difflib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from taggit.utils import parse_tags

from . import exporting, page_cache, workflow
from .models import Report, Series, TaggedReport
from .periods import PERIOD, PeriodError, house_title, parse_period
from .workflow import ImportedState

Status = Report.Status

# Field lengths, from the models, for messages before the database would refuse them.
TITLE_LENGTH = Report._meta.get_field("title").max_length
SLUG_LENGTH = Report._meta.get_field("slug").max_length
SERIES_NAME_LENGTH = Series._meta.get_field("name").max_length
TAG_LENGTH = Tag._meta.get_field("name").max_length

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


@dataclass
class NewReport:
    incoming: Incoming
    series: Series  # not saved yet when the import creates the series
    title: str
    slug: str
    tags: list[str]


@dataclass
class Update:
    report: Report
    incoming: Incoming
    changes: dict  # field name -> (text now, text imported); tags as one comma-separated line
    tags: list[str] | None  # the new tags, when they change


@dataclass
class ImportPlan:
    created: list[NewReport] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[Incoming] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def counts(self, *, written=True):
        """The closing line; with written=False, what was not written counts as nothing."""
        created, updated = (len(self.created), len(self.updated)) if written else (0, 0)
        return f"created: {created}, updated: {updated}, unchanged: {len(self.unchanged)}, refused: {len(self.refused)}"


# Reading sources


def read_source(path, *, series_name=None, status=None, now=None):
    """Read a listing or an export file. `series_name` and `status` apply to listings only."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path} cannot be read: {error.strerror}.") from None
    text = _decode(data, path.name)
    if not text.strip():
        raise SourceError(f"{path.name} is empty.")
    kind = _kind(path, text)
    if kind == "listing" and status not in (None, Status.DRAFT, Status.PUBLISHED):
        raise SourceError("A listing is imported as draft or as published.")
    if kind == "listing":
        return read_listing(text, name=path.name, series_name=series_name, status=status or Status.DRAFT, now=now)
    if series_name or status:
        option = "--series" if series_name else "--status"
        raise SourceError(f"{option} applies to listings: an export gives each report's series and status.")
    return read_export_json(text, name=path.name) if kind == "json" else read_export_csv(text, name=path.name)


def read_listing(text, *, name="listing", series_name=None, status=Status.DRAFT, now=None):
    """Reports from a listing: heading, then title and summary paragraphs (see the module's docstring).

    A paragraph is a title when it is one line that does not end like a sentence; the
    paragraphs up to the next title are its summary, kept exactly (several are joined by
    one blank line). The heading is a first title-like line with no period in it; it names
    the series unless `series_name` is given.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs = [p for p in _paragraphs(lines) if not NAVIGATION.fullmatch(p.text)]
    heading = None
    if paragraphs and paragraphs[0].is_title_like and not PERIOD.search(paragraphs[0].text):
        heading = paragraphs.pop(0).text
    series_name = (series_name or heading or "").strip()
    if not series_name:
        raise SourceError(f"{name} has no series heading on its first line: name the series with --series.")
    if not slugify(series_name):
        raise SourceError(f"The series name “{series_name}” has no letters or digits to make its address from.")
    if len(series_name) > SERIES_NAME_LENGTH:
        raise SourceError(f"The series name “{_excerpt(series_name)}” is longer than {SERIES_NAME_LENGTH} characters.")

    refused, groups = [], []
    for paragraph in paragraphs:
        if paragraph.is_title_like:
            groups.append((paragraph, []))
        elif groups:
            groups[-1][1].append(paragraph)
        else:
            refused.append(
                Refusal(Place("line", paragraph.line), _excerpt(paragraph.text), "no title before this text")
            )

    reports = []
    for title, summary in groups:
        where = Place("line", title.line)
        try:
            start, end = parse_period(title.text)
        except PeriodError as error:
            refused.append(Refusal(where, title.text, str(error)))
            continue
        if not summary:
            refused.append(Refusal(where, title.text, "no summary follows the title"))
            continue
        state, dated = ImportedState(), None
        if status == Status.PUBLISHED:
            dated = listing_publication_time(end, now=now)
            state = ImportedState(Status.PUBLISHED, published_at=dated)
        reports.append(
            Incoming(
                where=where,
                source_title=title.text,
                series_name=series_name,
                series_slug=slugify(series_name),
                period_start=start,
                period_end=end,
                summary="\n\n".join(p.text for p in summary),
                state=state,
                created_at=dated,
                updated_at=dated,
            )
        )
    return Source("listing", name, reports, sorted(refused, key=lambda refusal: refusal.where))


def listing_publication_time(period_end, *, now=None):
    """When a listed report is taken to have been published (LISTING_PUBLICATION_DELAY)."""
    rule = datetime.datetime.combine(period_end + LISTING_PUBLICATION_DELAY, LISTING_PUBLICATION_TIME)
    return min(rule, now or timezone.now())


def read_export_json(text, *, name="export.json"):
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"{name} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    if not isinstance(document, dict) or document.get("format") != exporting.JSON_FORMAT:
        raise SourceError(f'{name} is not a sitrep export: it has no "format": "{exporting.JSON_FORMAT}".')
    if document.get("version") != exporting.JSON_VERSION:
        raise SourceError(
            f"{name} is an export of version {document.get('version')!r}; "
            f"this sitrep reads version {exporting.JSON_VERSION}."
        )
    rows = document.get("reports")
    if not isinstance(rows, list):
        raise SourceError(f'{name} has no "reports" list.')
    reports, refused = [], []
    for number, row in enumerate(rows, 1):
        where = Place("report", number)
        if not isinstance(row, dict):
            refused.append(Refusal(where, "(not a report)", "each report must be a JSON object"))
            continue
        tags = row.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            refused.append(Refusal(where, _row_title(row), "the tags must be a list of names"))
            continue
        _add_export_row(row, tags, where, reports, refused)
    return Source("json", name, reports, refused)


def read_export_csv(text, *, name="export.csv"):
    """The CSV of export_reports; cells are unguarded (exporting.unguard_cell) first."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or ())
    missing, unknown = CSV_REQUIRED - columns, columns - set(exporting.COLUMNS)
    if missing or unknown:
        problems = [f"no column {', '.join(sorted(missing))}"] if missing else []
        problems += [f"unknown column {', '.join(sorted(unknown))}"] if unknown else []
        raise SourceError(f"{name} is not a sitrep export: {'; '.join(problems)}.")
    reports, refused = [], []
    last_line = reader.line_num
    try:
        for row in reader:
            where, last_line = Place("line", last_line + 1), reader.line_num
            if None in row:
                refused.append(Refusal(where, _row_title(row), "more cells than the header has columns"))
                continue
            cells = {column: exporting.unguard_cell(value or "") for column, value in row.items()}
            _add_export_row(cells, parse_tags(cells.get("tags", "")), where, reports, refused)
    except csv.Error as error:
        raise SourceError(f"{name}, line {reader.line_num}: {error}.") from None
    return Source("csv", name, reports, refused)


def _add_export_row(row, tags, where, reports, refused):
    try:
        reports.append(_incoming_from_export(row, tags, where))
    except ValueError as error:
        refused.append(Refusal(where, _row_title(row), str(error)))


def _row_title(row):
    return str(row.get("title") or "(no title)")


def _incoming_from_export(row, tags, where):
    """An Incoming from one exported record; ValueError says what is wrong with it."""
    text = {column: _text(row, column) for column in ("series", "series_slug", "title", "slug", "summary", "body")}
    for column, limit in (("series", SERIES_NAME_LENGTH), ("title", TITLE_LENGTH), ("summary", None)):
        if not text[column].strip():
            raise ValueError(f"the {column} is empty")
        if limit and len(text[column]) > limit:
            raise ValueError(f"the {column} is longer than {limit} characters")
    series_slug = text["series_slug"] or slugify(text["series"])
    if not series_slug:
        raise ValueError("the series name has no letters or digits to make its address from")
    slug = text["slug"] or slugify(text["title"])[:SLUG_LENGTH]
    for value in (series_slug, slug):
        _check_slug(value)
    start, end = (_date(row, column) for column in exporting.DATE_COLUMNS)
    if end < start:
        raise ValueError("the period ends before it starts")
    moments = {column: _moment(row, column) for column in exporting.DATETIME_COLUMNS}
    state = ImportedState(
        _text(row, "status"), published_at=moments["published_at"], first_published_at=moments["first_published_at"]
    )
    reason = workflow.imported_state_refusal(state)
    if reason:
        raise ValueError(reason)
    for tag in tags:
        if not tag.strip() or len(tag) > TAG_LENGTH:
            raise ValueError(f"the tag “{tag}” is empty or longer than {TAG_LENGTH} characters")
    return Incoming(
        where=where,
        source_title=text["title"],
        series_name=text["series"],
        series_slug=series_slug,
        period_start=start,
        period_end=end,
        summary=text["summary"],
        title=text["title"],
        slug=slug,
        body=text["body"],
        tags=list(tags),
        state=state,
        created_at=moments["created_at"],
        updated_at=moments["updated_at"] or moments["created_at"],
    )


def _text(row, column):
    value = row.get(column)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"the {column} must be text")
    return value


def _check_slug(value):
    try:
        validate_slug(value)
    except ValidationError:
        raise ValueError(f"the slug “{value}” may hold only letters, digits, hyphens and underscores") from None
    if len(value) > SLUG_LENGTH:
        raise ValueError(f"the slug “{value}” is longer than {SLUG_LENGTH} characters")


def _date(row, column):
    value = _text(row, column)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"the {column} “{value}” is not a date (YYYY-MM-DD)") from None


def _moment(row, column):
    """A date and time in ISO 8601; one without a UTC offset is taken in the site's time zone."""
    value = _text(row, column)
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"the {column} “{value}” is not a date and time (ISO 8601)") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _decode(data, name):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(
            f"{name} is not UTF-8 text: byte 0x{data[error.start]:02x} on line {line} is not UTF-8. "
            "Save the file as UTF-8 and import it again."
        ) from None


def _kind(path, text):
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return suffix[1:]
    if text.lstrip().startswith("{"):
        return "json"
    header = set(text.split("\n", 1)[0].strip().split(","))
    return "csv" if CSV_REQUIRED <= header else "listing"


@dataclass
class _Paragraph:
    line: int  # 1-based number of its first line
    text: str

    @property
    def is_title_like(self):
        return "\n" not in self.text and len(self.text) <= TITLE_LENGTH and not _SENTENCE_END.search(self.text)


def _paragraphs(lines):
    """Runs of non-blank lines, stripped at both ends and otherwise exactly as written."""
    paragraphs, start = [], None
    for index, line in enumerate([*lines, ""]):
        if line.strip() and start is None:
            start = index
        elif not line.strip() and start is not None:
            paragraphs.append(_Paragraph(start + 1, "\n".join(lines[start:index]).strip()))
            start = None
    return paragraphs


def _excerpt(text, length=60):
    first_line = text.split("\n", 1)[0]
    return first_line if len(first_line) <= length else first_line[: length - 1].rstrip() + "…"


# Tags


class TagVocabulary:
    """Proposes tags for a text from the tags that exist; it never invents one.

    A tag applies when its name appears in the text: case-insensitively, on word boundaries
    ("Iran" is found in "Iran’s" and "Iran-aligned" but not in "Iranian"), with ’ and '
    alike ("Kata'ib Hezbollah") and any run of spaces between words. The last word of the
    name may take a simple plural or agent ending, so "Protests" is found in "protest",
    "protests" and "protesters", and "Rocket attacks" in "rocket attack"; acronyms, numbers
    and names with hyphens ("ISIS", "COVID-19", "al-Kadhimi") must appear as written.
    Nothing is read into the text beyond the name: "IRGC" is not found in "Islamic
    Revolutionary Guard Corps".
    """

    APOSTROPHES = "'’ʼ‘`"
    HYPHENS = "-\u2010\u2011"

    def __init__(self, names):
        self.matchers = []
        for name in sorted(set(names), key=str.lower):
            if re.search(r"\w", name):  # a name without letters or digits has no word boundaries
                self.matchers.append((name, *self._matcher(name)))

    @classmethod
    def from_database(cls):
        return cls(Tag.objects.values_list("name", flat=True))

    def propose(self, text):
        """The names of the vocabulary's tags found in `text`, in alphabetical order."""
        words = set(re.findall(r"\w+", text.lower()))
        return [
            name
            for name, required, last_forms, pattern in self.matchers
            if required <= words and not last_forms.isdisjoint(words) and pattern.search(text)
        ]

    @classmethod
    def _matcher(cls, name):
        """The words any match of the name must have in the text, the forms its last word may
        take there, and the regular expression. The words are a cheap first test: most tags
        are not in most texts."""
        *leading, last = name.split()
        stem, endings = last, ("",)
        if last.isalpha() and not last.isupper() and len(last) > 3:
            stem = last[:-1] if last.endswith("s") and not last.endswith("ss") else last
            endings = ("", "s", "es", "er", "ers")
        optional_ending = f"(?:{'|'.join(endings[1:])})?" if len(endings) > 1 else ""
        words = [cls._word(word) for word in leading] + [cls._word(stem) + optional_ending]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
        tokens = re.findall(r"\w+", " ".join([*leading, stem]).lower())
        return frozenset(tokens[:-1]), frozenset(tokens[-1] + ending for ending in endings), pattern

    @classmethod
    def _word(cls, word):
        return "".join(
            f"[{cls.APOSTROPHES}]" if char in cls.APOSTROPHES else f"[{cls.HYPHENS}]" if char in cls.HYPHENS
            else re.escape(char)
            for char in word
        )  # fmt: skip


# Planning


def plan_import(source, *, progress=None):
    """Compare a source with the database: what would be created, updated, left alone or
    refused. Writes nothing. `progress(done)` is called as the reports are compared."""
    plan = ImportPlan(refused=list(source.refused))
    series = _series_for(source.reports)
    existing = _existing_reports(series.values(), with_tags=any(not i.is_listing for i in source.reports))
    vocabulary = TagVocabulary.from_database() if any(i.is_listing for i in source.reports) else None
    slugs = _SlugRegistry(_candidate_slugs(source.reports, series))
    first_seen = {}
    for done, incoming in enumerate(source.reports, 1):
        if progress and done % 100 == 0:
            progress(done)
        report_series = series[incoming.series_slug]
        key = (report_series.slug, incoming.period_start, incoming.period_end)
        if key in first_seen:
            plan.refused.append(_refuse(incoming, f"the same series and period as {first_seen[key]}"))
            continue
        first_seen[key] = incoming.where
        title = incoming.title or house_title(report_series.name, incoming.period_start, incoming.period_end)
        if len(title) > TITLE_LENGTH:
            plan.refused.append(_refuse(incoming, f"the title would be longer than {TITLE_LENGTH} characters"))
            continue
        matches = existing.get(key, [])
        if len(matches) > 1:
            slug = incoming.slug or slugify(title)
            matches = [report for report in matches if report.slug == slug] or matches
        if len(matches) > 1:
            reason = f"{len(matches)} reports of {report_series.name} already cover this period: keep one, then import"
            plan.refused.append(_refuse(incoming, reason))
        elif matches:
            _compare(plan, matches[0], incoming, title)
        elif incoming.is_listing:
            slug = slugs.claim_free(slugify(title)[:SLUG_LENGTH])
            plan.created.append(NewReport(incoming, report_series, title, slug, vocabulary.propose(incoming.summary)))
        elif slugs.is_taken(incoming.slug):
            plan.refused.append(_refuse(incoming, f"another report already has the slug “{incoming.slug}”"))
        else:
            slugs.claim(incoming.slug)
            plan.created.append(NewReport(incoming, report_series, title, incoming.slug, incoming.tags))
    if progress:
        progress(len(source.reports))
    plan.refused.sort(key=lambda refusal: refusal.where)
    return plan


def _refuse(incoming, reason):
    return Refusal(incoming.where, incoming.source_title, reason)


def _compare(plan, report, incoming, title):
    """Unchanged, or an update of the texts the source defines (see the module's docstring)."""
    imported = {"summary": incoming.summary}
    if not incoming.is_listing:
        imported |= {"title": title, "body": incoming.body}
    changes = {name: (getattr(report, name), text) for name, text in imported.items() if getattr(report, name) != text}
    tags = incoming.tags
    if not incoming.is_listing and {t.lower() for t in tags} != {t.lower() for t in report.tag_names}:
        changes["tags"] = (", ".join(sorted(report.tag_names, key=str.lower)), ", ".join(sorted(tags, key=str.lower)))
    else:
        tags = None
    if changes:
        plan.updated.append(Update(report, incoming, changes, tags))
    else:
        plan.unchanged.append(incoming)


def _series_for(incomings):
    """The series each report goes into, by the slug its source gives; new ones unsaved.
    A series is found by its name, then by its slug, so a heading in other capitals still
    finds its series."""
    wanted = {}
    for incoming in incomings:
        wanted.setdefault(incoming.series_slug, incoming.series_name)
    by_name = {s.name: s for s in Series.objects.filter(name__in=list(wanted.values()))}
    by_slug = {s.slug: s for s in Series.objects.filter(slug__in=list(wanted))}
    found = {}
    for slug, name in wanted.items():
        found[slug] = by_name.get(name) or by_slug.get(slug) or Series(name=name, slug=slug)
        by_name.setdefault(name, found[slug])  # one new series per name, however many slugs
    return found


def _existing_reports(series, *, with_tags):
    """Reports of the given series by (series slug, start, end), in one query (and one for tags)."""
    saved = [s for s in series if s.pk is not None]
    reports = (
        Report.objects.filter(series__in=saved)
        .select_related("series")
        .only("title", "slug", "summary", "body", "period_start", "period_end", "series__slug")
    )
    tag_names = {}
    if with_tags:
        links = TaggedReport.objects.filter(content_object__series__in=saved).values_list("content_object", "tag__name")
        for report_pk, name in links:
            tag_names.setdefault(report_pk, []).append(name)
    by_key = {}
    for report in reports:
        report.tag_names = tag_names.get(report.pk, [])
        by_key.setdefault((report.series.slug, report.period_start, report.period_end), []).append(report)
    return by_key


def _candidate_slugs(incomings, series):
    for incoming in incomings:
        if incoming.slug:
            yield incoming.slug
        else:
            report_series = series[incoming.series_slug]
            yield slugify(house_title(report_series.name, incoming.period_start, incoming.period_end))[:SLUG_LENGTH]


class _SlugRegistry:
    """Report slugs taken in the database or by this import, looked up in batches."""

    def __init__(self, candidates):
        candidates = list(dict.fromkeys(candidates))
        self.taken = set()
        for start in range(0, len(candidates), WRITE_BATCH):
            batch = candidates[start : start + WRITE_BATCH]
            self.taken.update(Report.objects.filter(slug__in=batch).values_list("slug", flat=True))

    def is_taken(self, slug):
        return slug in self.taken

    def claim(self, slug):
        self.taken.add(slug)

    def claim_free(self, slug):
        """`slug`, or the first of slug-2, slug-3... that is free, claimed."""
        if slug in self.taken:
            self.taken.update(Report.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
            number = 2
            while f"{slug[: SLUG_LENGTH - 1 - len(str(number))]}-{number}" in self.taken:
                number += 1
            slug = f"{slug[: SLUG_LENGTH - 1 - len(str(number))]}-{number}"
        self.claim(slug)
        return slug


# Writing


@transaction.atomic
def apply_plan(plan, *, by=None, note="", progress=None):
    """Write a plan in one transaction: an error or an interruption leaves the database as
    it was. `by` is the user importing (None from the command line); `progress(done)` is
    called as reports are written."""
    now = timezone.now()
    for series in {id(new.series): new.series for new in plan.created}.values():
        if series.pk is None:
            series.save()
    tags = _tags_named(name for new in plan.created for name in new.tags)
    # Oldest first, as if the back catalogue had been written here: listings run newest first.
    chronological = sorted(plan.created, key=lambda new: (new.incoming.period_start, new.incoming.period_end))
    created = []
    for start in range(0, len(chronological), PROGRESS_BATCH):
        batch = [(_new_report(new, by), new) for new in chronological[start : start + PROGRESS_BATCH]]
        workflow.create_imported([(report, new.incoming.state) for report, new in batch], by=by, note=note)
        created += batch
        if progress:
            progress(len(created))
    _restore_dates(created)
    links = [
        TaggedReport(content_object_id=report.pk, tag_id=tags[name.lower()].pk)
        for report, new in created
        for name in _unique_names(new.tags)
    ]
    TaggedReport.objects.bulk_create(links, batch_size=WRITE_BATCH)
    _apply_updates(plan.updated, by=by, now=now)
    if created or plan.updated:
        page_cache.public_changed()  # imported or updated reports may be public
    if progress:
        progress(len(created) + len(plan.updated))


def _new_report(new, by):
    incoming = new.incoming
    return Report(
        series=new.series,
        title=new.title,
        slug=new.slug,
        period_start=incoming.period_start,
        period_end=incoming.period_end,
        summary=incoming.summary,
        body=incoming.body,
        created_by=by,
        updated_by=by,
    )


def _restore_dates(created):
    """Inserting stamps created_at and updated_at with the current time; put the source's back.
    Where both are the publication time (the listing rule), one UPDATE per batch copies it;
    other dates are written row by row."""
    as_published, others = [], []
    for report, new in created:
        incoming = new.incoming
        if incoming.created_at is None:
            continue
        report.created_at, report.updated_at = incoming.created_at, incoming.updated_at or incoming.created_at
        if report.created_at == report.updated_at == report.published_at:
            as_published.append(report.pk)
        else:
            others.append(report)
    for start in range(0, len(as_published), WRITE_BATCH):
        Report.objects.filter(pk__in=as_published[start : start + WRITE_BATCH]).update(
            created_at=F("published_at"), updated_at=F("published_at")
        )
    Report.objects.bulk_update(others, ["created_at", "updated_at"], batch_size=WRITE_BATCH)


def _apply_updates(updates, *, by, now):
    fields = {"updated_at", "updated_by"}
    for update in updates:
        for name, (_, text) in update.changes.items():
            if name != "tags":
                setattr(update.report, name, text)
                fields.add(name)
        update.report.updated_at, update.report.updated_by = now, by
    Report.objects.bulk_update([u.report for u in updates], sorted(fields), batch_size=WRITE_BATCH)
    retagged = [u for u in updates if u.tags is not None]
    if not retagged:
        return
    tags = _tags_named(name for u in retagged for name in u.tags)
    for start in range(0, len(retagged), WRITE_BATCH):
        batch = [u.report.pk for u in retagged[start : start + WRITE_BATCH]]
        TaggedReport.objects.filter(content_object_id__in=batch).delete()
    links = [
        TaggedReport(content_object_id=u.report.pk, tag_id=tags[name.lower()].pk)
        for u in retagged
        for name in _unique_names(u.tags)
    ]
    TaggedReport.objects.bulk_create(links, batch_size=WRITE_BATCH)


def _unique_names(names):
    """Names once each, compared without case as taggit does (TAGGIT_CASE_INSENSITIVE)."""
    return list({name.lower(): name for name in reversed(list(names))}.values())


def _tags_named(names):
    """Tags by lower-case name, creating the missing ones (an export's tags are data)."""
    tags = {tag.name.lower(): tag for tag in Tag.objects.all()}
    missing = [name for name in _unique_names(names) if name.lower() not in tags]
    if missing:
        slugs = set(Tag.objects.values_list("slug", flat=True))
        new_tags = []
        for name in missing:
            tag = Tag(name=name)
            tag.slug, number = tag.slugify(name), 1
            while tag.slug in slugs:  # taggit's own rule for a taken slug: name_1, name_2...
                tag.slug, number = tag.slugify(name, number), number + 1
            slugs.add(tag.slug)
            new_tags.append(tag)
        for tag in Tag.objects.bulk_create(new_tags):
            tags[tag.name.lower()] = tag
    return tags


# Showing a plan


def text_diff(name, old, new):
    """A unified diff of one field for a person: long paragraphs are cut at sentence ends,
    so that a changed sentence shows as one line, not the whole paragraph."""

    def lines(text):
        return [piece for line in text.split("\n") for piece in re.split(r"(?<=[.!?])\s+", line)]

    return list(difflib.unified_diff(lines(old), lines(new), f"{name} (now)", f"{name} (imported)", lineterm=""))
