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

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results"
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

# (label, path): the pages the issue names; {tag}, {tag2} and {week} are filled from the data.
PAGES = [
    ("constant view (reference)", "/healthz"),
    ("archive", "/"),
    ("archive: tag + week", "/?tag={tag}&week={week}"),
    ("archive: two tags", "/?tag={tag}&tag={tag2}"),
    ("archive: q", "/?q=militia+ceasefire"),
    ("archive: date range", "/?from={range_from}&to={range_to}"),
    ("report page", "{report}"),
    ("atom feed", "/feeds/atom/"),
    ("rss feed", "/feeds/rss/"),
    ("archive, anonymous, warm cache", "/?page=2"),
]


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(*args, env, **kwargs):
    return subprocess.run(args, env=env, cwd=ROOT, check=True, **kwargs)


def database_url(size, sqlite, workdir):
    if sqlite:
        return f"sqlite:///{workdir}/bench_{size}.sqlite3"
    import psycopg

    name = f"sitrep_bench_{size}"
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
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency["50"] * 1000,
        "p99_ms": latency["99"] * 1000,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket.groups())) if socket else 0,
    }


def measure(size, args, workdir):
    db_url = database_url(size, args.sqlite, workdir)
    env = production_env(db_url, workdir / "static")
    log(f"== {size:,} reports on {'SQLite' if args.sqlite else 'PostgreSQL'}")
    run(PYTHON, "manage.py", "migrate", "--no-input", "-v", "0", env=env)
    run(PYTHON, "bench/populate.py", str(size), env=env)
    run(PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0", env=env)
    values = sample_values(env)
    pages = [(label, path.format(**values)) for label, path in PAGES]
    queries = json.loads(
        run(PYTHON, "bench/count_queries.py", *[p for _, p in pages], env=env, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    port = args.port
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "sitrep.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        for label, path in pages:
            for _ in range(3):  # warm: both workers' connections, template caches, the page cache
                urllib.request.urlopen(base + path, timeout=60).read()
            out = run(
                "wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s", "--latency", base + path,
                env=env, capture_output=True, text=True,
            ).stdout  # fmt: skip
            row = {"page": label, "path": path, **parse_wrk(out), **queries[path]}
            rows.append(row)
            log(f"  {label:<32} {row['rps']:>8.1f} req/s  p50 {row['p50_ms']:.1f} ms  p99 {row['p99_ms']:.1f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)
    reference = rows[0]["rps"]
    for row in rows:
        row["ratio"] = row["rps"] / reference
    return rows


def table(results, measured_on, engine):
    lines = [
        f"Measured {measured_on} on {engine}, gunicorn with 2 sync workers, wrk on 127.0.0.1. "
        "Ratio = requests/s relative to the constant view in the same run.",
        "",
        "| reports | page | req/s | ratio | p50 ms | p99 ms | SQL queries | non-2xx |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for size, rows in results.items():
        for r in rows:
            lines.append(
                f"| {int(size):,} | {r['page']} | {r['rps']:.0f} | {r['ratio']:.3f} | {r['p50_ms']:.1f} | "
                f"{r['p99_ms']:.1f} | {r['queries']} | {r['non_2xx']} |"
            )
    if len(results) > 1:
        small, large = (results[k] for k in sorted(results, key=int)[:2])
        lines += ["", "| page | cost of 10x more reports (rps small / rps large) |", "|---|---:|"]
        for a, b in zip(small, large, strict=True):
            lines.append(f"| {a['page']} | {a['rps'] / b['rps']:.2f}x |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="use SQLite instead of PostgreSQL")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated report counts")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per page")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is missing; install Debian's package: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="sitrep-bench-"))
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {str(size): measure(size, args, workdir) for size in sizes}
    measured_on = datetime.date.today().isoformat()
    engine = "SQLite" if args.sqlite else "PostgreSQL"
    text = table(results, measured_on, engine)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    payload = {"measured_on": measured_on, "engine": engine, "duration_s": args.duration, "results": results}
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


if __name__ == "__main__":
    main()
