"""Reports written out whole, for backups, spreadsheets and moving between sitrep sites.

One record per report with its series, period, texts, tags, authors, status and dates, as
JSON or CSV (the JSON also holds each author whole: slug, bio and link).
reports.importexport.reading reads both back, so that importing an export into an empty
database gives the same reports. The admin's "Export selected reports as CSV" writes the
same CSV.
"""

import csv
import datetime
import json
from types import SimpleNamespace

from taggit.utils import edit_string_for_tags

# Marks a JSON file as ours, so the importer can recognise it by its content.
JSON_FORMAT = "sitrep-reports"
JSON_VERSION = 1

COLUMNS = (
    "series",
    "series_slug",
    "title",
    "slug",
    "period_start",
    "period_end",
    "summary",
    "body",
    "tags",
    "status",
    "published_at",
    "first_published_at",
    "created_at",
    "updated_at",
    "authors",
)
DATE_COLUMNS = ("period_start", "period_end")
DATETIME_COLUMNS = ("published_at", "first_published_at", "created_at", "updated_at")

# Between the names of a CSV cell of authors, in byline order.
AUTHOR_SEPARATOR = "; "

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def report_rows(queryset):
    """A dict of COLUMNS for each report, by series, then period; tags as a sorted list of names."""
    reports = (
        queryset.select_related("series")
        .prefetch_related("tags", "bylines__author")
        .order_by("series__name", "period_start", "period_end", "pk")
    )
    for report in reports.iterator(chunk_size=2000):
        yield {
            "series": report.series.name,
            "series_slug": report.series.slug,
            "title": report.title,
            "slug": report.slug,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "summary": report.summary,
            "body": report.body,
            "tags": sorted((tag.name for tag in report.tags.all()), key=str.lower),
            "status": report.status,
            **{column: _utc_iso(getattr(report, column)) for column in DATETIME_COLUMNS},
            "authors": [byline.author.name for byline in report.bylines.all()],  # in byline order
        }


def author_records(names):
    """The authors named by bylines, whole (slug, bio, link), for the JSON export."""
    from reports.models import Author

    return [
        {"name": name, "slug": slug, "bio": bio, "link": link}
        for name, slug, bio, link in Author.objects.filter(name__in=set(names))
        .order_by("name", "pk")
        .values_list("name", "slug", "bio", "link")
    ]


def write_json(rows, out, files=None):
    """The JSON export; `files`, when given, the files written beside it (importexport.files)."""
    rows = list(rows)
    document = {"format": JSON_FORMAT, "version": JSON_VERSION, "reports": rows}
    document["authors"] = author_records(name for row in rows for name in row.get("authors", ()))
    if files is not None:
        document["files"] = files
    json.dump(document, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_csv(rows, out):
    """CSV with a header row. Tags are written as the admin's tag field shows them
    ('Baghdad, "Mustafa al-Kadhimi"'), and every text cell passes through guard_cell."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        cells = {**row, "tags": edit_string_for_tags(SimpleNamespace(name=name) for name in row["tags"])}
        cells["authors"] = AUTHOR_SEPARATOR.join(row.get("authors", ()))
        writer.writerow({column: guard_cell(value or "") for column, value in cells.items()})


def guard_cell(text):
    """Make a CSV cell safe to open in a spreadsheet: a cell starting with = + - @ (or a tab
    or carriage return) gets a single quote in front, so it is shown as text, not run as a
    formula. Cells that already start with quotes before such a character get one more, so
    that unguard_cell gives back exactly what was written."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def unguard_cell(text):
    """Undo guard_cell."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS) else text


def _utc_iso(moment):
    return moment.astimezone(datetime.UTC).isoformat() if moment else ""
