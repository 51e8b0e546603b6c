"""make bench: the public site under load, as production serves it, measured as ratios.

For each size N it builds (or reuses) a database of N synthetic published reports
(PostgreSQL by default, SQLite with --sqlite), serves it with gunicorn (2 sync workers,
DEBUG off, collected static files, persistent connections) on 127.0.0.1, and loads each
page with wrk. Every figure is reported as a ratio to /healthz, a constant response measured
in the same run, because the machines are shared and noisy. Results go to stdout as a table
and to bench/results/latest.json; --readme rewrites the table in README.md.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from streams import first_requests, measure_streams, stream_table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# Databases are named <prefix>_<size>; a different prefix keeps parallel checkouts apart.
PG_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "sitrep_bench")

# (label, path, page cache on?): the pages the issue names; {tag}, {tag2}, {week}, ... come from the data.
# Each phase (cache off, cache on) is served by its own gunicorn and has its own reference row.
PAGES = [
    ("constant view (reference)", "/healthz", False),
    ("archive", "/", False),
    ("archive: tag + week", "/?tag={tag}&week={week}", False),
    ("archive: two tags", "/?tag={tag}&tag={tag2}", False),
    ("archive: q", "/?q=militia+ceasefire", False),
    ("archive: date range", "/?from={range_from}&to={range_to}", False),
    ("report page", "{report}", False),
    ("atom feed", "/feeds/atom/", False),
    ("rss feed", "/feeds/rss/", False),
    ("constant view (reference, cache on)", "/healthz", True),
    ("archive, anonymous, warm cache", "/", True),
    ("archive: tag + week, warm cache", "/?tag={tag}&week={week}", True),
    ("report page, warm cache", "{report}", True),
    ("atom feed, warm cache", "/feeds/atom/", True),
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(*args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def database_url(size, sqlite, workdir):
    if sqlite:
        return f"sqlite:///{workdir}/bench_{size}.sqlite3"
    import psycopg

    name = f"{PG_PREFIX}_{size}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def production_env(db_url, static_root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    env.update(
        DEBUG="0", DOTENV_FILE="", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1,testserver",
        DATABASE_URL=db_url, STATIC_ROOT=str(static_root), SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0", LOG_LEVEL="WARNING",
    )  # fmt: skip
    return env


def sample_values(env):
    """A popular tag, a second tag, a week that has reports, a range and a report URL from the data."""
    script = """
import json
from django.db.models import Count
from reports.models import Report, TaggedReport
tags = list(TaggedReport.objects.values_list("tag__slug", flat=True).annotate(n=Count("id")).order_by("-n")[:2])
report = Report.objects.published().order_by("-period_start")[50]
start = report.period_start
year, week, _ = start.isocalendar()
print(json.dumps({"tag": tags[0], "tag2": tags[1], "week": f"{year}-W{week:02d}", "range_from": str(start),
    "range_to": str(report.period_end), "report": report.get_absolute_url()}))
"""
    out = run(PYTHON, "manage.py", "shell", "-v", "0", "-c", script, env=env, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench: {url} did not answer within {seconds} s")


def parse_wrk(output):
    def seconds(value, unit):
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        p: seconds(*re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M).groups()) for p in ("50", "99")
    }
    average = seconds(*re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m)\s", output, re.M).groups())
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency["50"] * 1000,
        "p99_ms": latency["99"] * 1000,
        "average_ms": average * 1000,
        "requests": requests,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
    }


LOAD_PAGES = ["archive", "report page", "atom feed", "rss feed"]


def load(base, pages, args, env):
    """Issue 7's load check: sustained load on the busiest pages; any error or 5xx fails."""
    rows = []
    for label, path in pages:
        if label not in LOAD_PAGES:
            continue
        out = run(
            "wrk", "-t", "2", "-c", str(args.load_connections), "-d", f"{args.load_seconds}s", "--timeout", "10s",
            "--latency", base + path, env=env, capture_output=True, text=True,
        ).stdout  # fmt: skip
        row = {"page": label, "path": path, **parse_wrk(out)}
        rows.append(row)
        log(f"  load {label:<27} {row['rps']:>8.1f} req/s  errors {row['socket_errors']}  non-2xx {row['non_2xx']}")
    return rows


def serve(env, port):
    return subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "sitrep.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def measure(size, args, workdir):
    db_url = database_url(size, args.sqlite, workdir)
    env = production_env(db_url, workdir / "static")
    log(f"== {size:,} reports on {'SQLite' if args.sqlite else 'PostgreSQL'}")
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v", "0", env=env)
    run(PYTHON, "bench/populate.py", str(size), env=env)
    if not args.sqlite:  # planner statistics, as autovacuum would gather them on a live site
        import psycopg

        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0", env=env)
    rows, load_rows = [], []
    if args.streams != "only":
        rows, load_rows = measure_pages(size, args, env)
    streams = []
    if args.streams != "no":
        streams = measure_streams(size, args, dict(env, PAGE_CACHE_SECONDS="600"), workdir,
                                  (run, serve, wait_for, parse_wrk, log, PYTHON))  # fmt: skip
    return rows, load_rows, streams


def measure_pages(size, args, env):
    values = sample_values(env)
    rows, load_rows = [], []
    for cached in (False, True):
        phase_env = dict(env, PAGE_CACHE_SECONDS="600" if cached else "0")
        pages = [(label, path.format(**values)) for label, path, on in PAGES if on is cached]
        queries = json.loads(
            run(PYTHON, "bench/count_queries.py", *[p for _, p in pages], env=phase_env, capture_output=True,
                text=True).stdout.strip().splitlines()[-1]
        )  # fmt: skip
        server = serve(phase_env, args.port)
        try:
            base = f"http://127.0.0.1:{args.port}"
            wait_for(base + "/healthz")
            phase = []
            for label, path in pages:
                try:
                    # The first request pays for what is then kept per publication generation
                    # (facets, counts, rankings: reports.caching.memo) in the worker that serves it.
                    started = time.monotonic()
                    urllib.request.urlopen(base + path, timeout=60).read()
                    first_ms = (time.monotonic() - started) * 1000
                    # warm: both workers at once (each keeps its own numbering, compiled queries and
                    # connection), then the template caches and the page cache
                    first_requests(base, [path, path])
                    for _ in range(3):
                        urllib.request.urlopen(base + path, timeout=60).read()
                except OSError as error:  # a page that fails or times out is reported, not fatal
                    log(f"  {label:<36} FAILED: {error}")
                    phase.append({"page": label, "path": path, "cache": cached, "rps": 0.0, "p50_ms": 0.0,
                                  "p99_ms": 0.0, "first_ms": 0.0, "non_2xx": -1, "socket_errors": -1,
                                  **queries[path]})  # fmt: skip
                    continue
                out = run(
                    "wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s", "--latency",
                    base + path, env=env, capture_output=True, text=True,
                ).stdout  # fmt: skip
                row = {"page": label, "path": path, "cache": cached, "first_ms": first_ms, **parse_wrk(out),
                       **queries[path]}  # fmt: skip
                phase.append(row)
                log(f"  {label:<36} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:.1f} ms  p99 {row['p99_ms']:.1f} ms")
            if not cached and args.load_seconds and size == min(args.size_list):
                load_rows = load(base, pages, args, env)
        finally:
            server.terminate()
            server.wait(timeout=30)
        for row in phase:
            row["ratio"] = row["rps"] / phase[0]["rps"]
        rows += phase
    return rows, load_rows


def table(results, measured_on, engine):
    lines = [
        f"Measured {measured_on} on {engine}, gunicorn with 2 sync workers, wrk on 127.0.0.1. "
        "Ratio = requests/s relative to the constant view in the same run.",
        "",
        "First ms = the first request to a fresh server, which computes what is then kept for the "
        "publication generation (counts, facets, search ranking, its numbering of the reports); "
        "the other figures are after it.",
        "",
        "| reports | page | req/s | ratio | p50 ms | p99 ms | first ms | SQL queries | non-2xx |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, rows in results.items():
        for r in rows:
            lines.append(
                f"| {int(size):,} | {r['page']} | {r['rps']:.0f} | {r['ratio']:.3f} | {r['p50_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['first_ms']:.0f} | {r['queries']} | {r['non_2xx']} |"
            )
    if len(results) > 1:
        small, large = (results[k] for k in sorted(results, key=int)[-2:])
        lines += ["", "| page | cost of 10x more reports (rps small / rps large) |", "|---|---:|"]
        for a, b in zip(small, large, strict=True):
            lines.append(f"| {a['page']} | " + (f"{a['rps'] / b['rps']:.2f}x |" if b["rps"] else "failed |"))
    lines += [
        "",
        "Targets (issue 6, at 100,000 reports on PostgreSQL): uncached archive 0.15, tag + week 0.12, "
        "q 0.08, report page 0.25, pages from the cache 0.75; 10k to 100k costs at most 1.2x.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite instead of PostgreSQL")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated report counts")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--load-seconds", type=int, default=30, help="load check per page (0 skips it)")
    parser.add_argument("--load-connections", type=int, default=64)
    parser.add_argument(
        "--streams",
        choices=("yes", "no", "only"),
        default="yes",
        help="the streams of new requests (bench/streams.py): with the pages, not, or only them",
    )
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is missing; install Debian's package: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    args.size_list = [int(s) for s in args.sizes.split(",")]
    results, load_rows, streams = {}, [], {}
    for size in args.size_list:
        results[str(size)], size_load, streams[str(size)] = measure(size, args, workdir)
        load_rows += size_load
    measured_on = datetime.date.today().isoformat()
    engine = "SQLite" if args.sqlite else "PostgreSQL"
    text = table(results, measured_on, engine) if args.streams != "only" else f"Measured {measured_on} on {engine}."
    if args.streams != "no":
        text += "\n\n" + stream_table(streams)
    if load_rows:
        text += (
            f"\n\nLoad check: {args.load_seconds} s at {args.load_connections} connections per page, "
            f"{min(args.size_list):,} reports.\n\n"
            "| page | req/s | p99 ms | errors | non-2xx |\n|---|---:|---:|---:|---:|\n"
        )
        text += "\n".join(
            f"| {r['page']} | {r['rps']:.0f} | {r['p99_ms']:.0f} | {r['socket_errors']} | {r['non_2xx']} |"
            for r in load_rows
        )
    print(text)
    RESULTS.mkdir(exist_ok=True)
    payload = {
        "measured_on": measured_on, "engine": engine, "duration_s": args.duration, "results": results,
        "load": load_rows, "streams": streams,
    }  # fmt: skip
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2) + "\n")
    if args.readme:
        readme = ROOT / "README.md"
        marked = re.sub(
            r"(<!-- bench:start -->\n).*?(\n<!-- bench:end -->)",
            lambda m: m.group(1) + text + m.group(2),
            readme.read_text(),
            flags=re.S,
        )
        readme.write_text(marked)
    shutil.rmtree(workdir, ignore_errors=True)
    failed = [r["page"] for r in load_rows if r["socket_errors"] or r["non_2xx"]]
    if failed:
        raise SystemExit(f"bench: the load check had errors or non-2xx responses on: {', '.join(failed)}")


if __name__ == "__main__":
    main()
