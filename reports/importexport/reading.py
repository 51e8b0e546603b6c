"""Reading sources: listings scraped from old sites, and sitrep's own JSON and CSV exports."""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.text import slugify
from taggit.utils import parse_tags

from reports.editorial.actions import workflow
from reports.editorial.actions.workflow import ImportedState
from reports.importexport import exporting
from reports.importexport.records import (
    _SENTENCE_END,
    AUTHOR_NAME_LENGTH,
    CSV_REQUIRED,
    LISTING_PUBLICATION_DELAY,
    LISTING_PUBLICATION_TIME,
    NAVIGATION,
    SERIES_NAME_LENGTH,
    SLUG_LENGTH,
    TAG_LENGTH,
    TITLE_LENGTH,
    Incoming,
    Place,
    Refusal,
    Source,
    SourceError,
    Status,
)
from reports.text.periods import PeriodError, contains_period, parse_period

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
    if paragraphs and paragraphs[0].is_title_like and not contains_period(paragraphs[0].text):
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
        tags, authors = row.get("tags", []), row.get("authors", [])
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            refused.append(Refusal(where, _row_title(row), "the tags must be a list of names"))
            continue
        if not isinstance(authors, list) or not all(isinstance(author, str) for author in authors):
            refused.append(Refusal(where, _row_title(row), "the authors must be a list of names"))
            continue
        _add_export_row(row, tags, where, reports, refused, authors)
    return Source("json", name, reports, refused, _author_records(document.get("authors")))


def _author_records(records):
    """{name: {"slug", "bio", "link"}} from an export's "authors" list; what is not that is left out."""
    found = {}
    for record in records if isinstance(records, list) else ():
        if isinstance(record, dict) and isinstance(record.get("name"), str) and record["name"].strip():
            found[record["name"]] = {key: str(record.get(key) or "") for key in ("slug", "bio", "link")}
    return found


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
            authors = [name.strip() for name in cells.get("authors", "").split(";") if name.strip()]
            _add_export_row(cells, parse_tags(cells.get("tags", "")), where, reports, refused, authors)
    except csv.Error as error:
        raise SourceError(f"{name}, line {reader.line_num}: {error}.") from None
    return Source("csv", name, reports, refused)


def _add_export_row(row, tags, where, reports, refused, authors=()):
    try:
        reports.append(_incoming_from_export(row, tags, where, authors))
    except ValueError as error:
        refused.append(Refusal(where, _row_title(row), str(error)))


def _row_title(row):
    return str(row.get("title") or "(no title)")


def _incoming_from_export(row, tags, where, authors=()):
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
    for author in authors:
        if not author.strip() or len(author) > AUTHOR_NAME_LENGTH:
            raise ValueError(f"the author “{author}” is empty or longer than {AUTHOR_NAME_LENGTH} characters")
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
        authors=list(dict.fromkeys(authors)),
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
