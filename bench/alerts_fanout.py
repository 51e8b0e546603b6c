"""How long the alert of one report to 10,000 confirmed subscriptions takes: matching them and
writing their deliveries (reports.alerts.delivering.fan_out), then sending them in the sending
tasks' batches (delivering.send, BATCH at a time), through Django's locmem e-mail backend so that
it measures our work and not a mail server's.

The subscriptions are a mix like a real list's: most follow one tag, some a tag in a series,
some search words, and some follow things the report does not carry (they must not match).

    .venv/bin/python bench/alerts_fanout.py                      # SQLite, in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sitrep_alerts_bench .venv/bin/python bench/alerts_fanout.py

A PostgreSQL database named by DATABASE_URL is created if missing; the benchmark's own rows are
removed before each run. A benchmark, not a test: it reports the times; it does not fail on them.
"""

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# (share, query, matches the report?)
MIX = (
    (0.55, "tag=bench-iraq", True),
    (0.15, "series=bench-iraq&tag=bench-iraq", True),
    (0.10, "q=militia", True),
    (0.10, "tag=bench-syria", False),
    (0.05, "series=bench-syria&tag=bench-iraq", False),
    (0.05, "q=earthquake", False),
)


def ensure_postgres_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def setup(database_url):
    os.environ.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="benchmark-only",
        DOTENV_FILE="",
        CONN_MAX_AGE="0",
        TASKS_BACKEND="immediate",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL="https://sitrep.example",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitrep.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(count):
    from django.utils import timezone
    from taggit.models import Tag

    from reports.models import Report, Series, Subscriber, Subscription

    Subscriber.objects.filter(email__endswith="@bench.example").delete()
    Report.objects.filter(slug__startswith="bench-alert-").delete()
    iraq = Series.objects.get_or_create(slug="bench-iraq", defaults={"name": "Bench Iraq Situation Report"})[0]
    Series.objects.get_or_create(slug="bench-syria", defaults={"name": "Bench Syria Situation Report"})
    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=f"reader{number}@bench.example") for number in range(count)], batch_size=2000
    )
    queries = [query for share, query, _ in MIX for _ in range(round(share * count))]
    queries += [MIX[0][1]] * (count - len(queries))
    Subscription.objects.bulk_create(
        [
            Subscription(subscriber=subscriber, query=query, description=query, language="en", confirmed_at=now)
            for subscriber, query in zip(subscribers, queries, strict=True)
        ],
        batch_size=2000,
    )
    report = Report.objects.create(
        series=iraq,
        title="Bench Iraq Situation Report: June 24-30, 2020",
        slug=f"bench-alert-{int(now.timestamp())}",
        period_start=datetime.date(2020, 6, 24),
        period_end=datetime.date(2020, 6, 30),
        summary="A militia attacked a convoy near Baghdad.",
        status=Report.Status.PUBLISHED,
        published_at=now,
        first_published_at=now,
    )
    report.tags.set(["bench-iraq"])
    Tag.objects.get_or_create(slug="bench-syria", defaults={"name": "bench-syria"})
    matching = {query for _, query, matches in MIX if matches}
    return report, sum(query in matching for query in queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        if database_url.startswith(("postgres://", "postgresql://")):
            ensure_postgres_database(database_url)
        setup(database_url)
        from django.core import mail
        from django.db import connection

        from reports.alerts import delivering
        from reports.models import Delivery

        report, expected = populate(args.subscriptions)
        mail.outbox = []
        started = time.perf_counter()
        due, _ = delivering.fan_out(report.pk)
        matched = time.perf_counter()
        for start in range(0, len(due), delivering.BATCH):
            delivering.send(due[start : start + delivering.BATCH])
        sent = time.perf_counter()
        sent_count = Delivery.objects.filter(report=report, state=Delivery.State.SENT).count()
        match_s, send_s, total_s = matched - started, sent - matched, sent - started
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(f"subscriptions: {args.subscriptions:,}; matching: {len(due):,} (expected {expected:,})")
        print(f"match and write deliveries: {match_s:.2f} s")
        batches = -(-len(due) // delivering.BATCH)
        messages = len(mail.outbox)
        print(
            f"send ({batches} batches of {delivering.BATCH}): {send_s:.2f} s; {messages:,} mailed, {sent_count:,} sent"
        )
        print(f"total: {total_s:.2f} s; {messages / total_s:,.0f} messages/s overall, {messages / send_s:,.0f} sending")
        from reports.models import Report, Subscriber

        Subscriber.objects.filter(email__endswith="@bench.example").delete()
        Report.objects.filter(pk=report.pk).delete()


if __name__ == "__main__":
    main()
