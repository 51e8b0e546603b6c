"""How long import_reports takes for a 10,000-report listing, against its 30-second budget.

Writes a listing of weekly reports in a temporary folder (titles typed in the archives'
varied styles, summaries from the seed reports, "Pages" between pages), imports it as
published into a fresh database with the seed tag vocabulary, and prints the time and its
ratio to the budget. Then imports it again, which must change nothing, and times that.

    .venv/bin/python bench/import_bench.py                # SQLite, in the temporary folder
    .venv/bin/python bench/import_bench.py --postgres     # a throwaway PostgreSQL database
    .venv/bin/python bench/import_bench.py --postgres postgres://user@host:5432/postgres

A benchmark, not a test: it reports the time; it does not fail on it.
"""

import argparse
import datetime
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 30
SERIES = "Iraq Situation Report"
# Where --postgres creates (and afterwards drops) its throwaway database.
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000, help="how many reports the listing holds")
    parser.add_argument("--postgres", nargs="?", const=POSTGRES_SERVER, metavar="SERVER_URL", help="run on PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        listing = write_listing(folder / "listing.txt", args.reports)
        if args.postgres:
            with throwaway_postgres_database(args.postgres) as database_url:
                run(listing, database_url, "PostgreSQL", args.reports)
        else:
            run(listing, f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite", args.reports)


def run(listing, database_url, database_name, count):
    os.environ.update(
        DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="benchmark-only", DOTENV_FILE="", CONN_MAX_AGE="0"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitrep.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    call_command("loaddata", "seed_vocabulary", verbosity=0)

    for label in (f"import of {count:,} reports", "the same import again (nothing changes)"):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_reports", str(listing), "--status", "published", stdout=out, stderr=io.StringIO())
        seconds = time.perf_counter() - started
        ratio = seconds / BUDGET_SECONDS
        print(f"{label} ({database_name}): {seconds:.1f} s, {ratio:.2f} of the {BUDGET_SECONDS} s budget")
        print(f"  {out.getvalue().strip()}")
    connections.close_all()


def write_listing(path, count):
    """A listing of `count` weekly reports, newest first, as an old site would show it."""
    fixture = json.loads((ROOT / "fixtures" / "seed_reports.json").read_text(encoding="utf-8"))
    summaries = [obj["fields"]["summary"] for obj in fixture if obj["model"] == "reports.report"]
    paragraphs = [SERIES]
    last_day = datetime.date(2020, 8, 25)
    for number in range(count):
        end = last_day - datetime.timedelta(weeks=number)
        paragraphs += [archive_title(end - datetime.timedelta(days=6), end, number), summaries[number % len(summaries)]]
        if number % 20 == 19:
            paragraphs.append("Pages")
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


MONTHS = ("January", "February", "March", "April", "May", "June",
          "July", "August", "September", "October", "November", "December")  # fmt: skip
DASHES = ("-", " - ", "\u2013", " \u2013 ", " \u2014 ")


def archive_title(start, end, number):
    """The title in one of the hand-typed styles the importer reads, chosen by `number`."""
    names = [MONTHS, [m[:3] + "." for m in MONTHS], [m[:3] for m in MONTHS]][number % 3]
    dash = DASHES[number % len(DASHES)]
    colon = ":" if number % 4 else ""
    if start.year != end.year:
        period = f"{names[start.month - 1]} {start.day}, {start.year}{dash}{names[end.month - 1]} {end.day}, {end.year}"
    elif start.month != end.month:
        period = f"{names[start.month - 1]} {start.day}{dash}{names[end.month - 1]} {end.day}, {end.year}"
    else:
        period = f"{names[start.month - 1]} {start.day}{dash}{end.day}, {end.year}"
    return f"{SERIES}{colon} {period}"


class throwaway_postgres_database:
    """A new, empty database on the server for the benchmark, dropped afterwards."""

    def __init__(self, server_url):
        from urllib.parse import urlparse

        self.server = urlparse(server_url)
        self.name = f"sitrep_bench_{os.getpid()}"

    def __enter__(self):
        self.execute("CREATE DATABASE {}")
        return self.server._replace(path=f"/{self.name}").geturl()

    def __exit__(self, *exc_info):
        self.execute("DROP DATABASE IF EXISTS {}")

    def execute(self, statement):
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.server.geturl(), autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(self.name)))


if __name__ == "__main__":
    main()
