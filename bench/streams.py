"""Streams of new requests for make bench: requests nobody made before.

Each stream is a list of paths built from the data (tags that occur together, weeks that have
reports, common words, deep page numbers, report addresses), shuffled with a fixed seed. wrk
walks it with a Lua script, each of its two threads through its own half of the list, and a
thread stops when its half is answered, so that within a stream no request repeats and the page
cache answers none. A list that runs out before the stream's time (the 499 deep pages of 10,000
reports, the 780 searches) ends the stream early; its rate is then connections / mean latency,
as wrk would divide by its whole duration. Each
stream runs on a freshly started gunicorn, with its own /healthz reference measured on that
server just before it, so that a slow stream leaves no queued work for the next.
"""

import ast
import json
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# (label, kind): what bench/run.py measures, in order.
STREAMS = [
    ("new: tag + week", "tag_week"),
    ("new: two tags", "two_tags"),
    ("new: search, two words", "search"),
    ("new: search, two words + series", "search_series"),
    ("new: deep page (up to 5,000)", "deep_page"),
    ("new: report page", "report"),
    ("new: API, tag + week", "api"),
    ("new: atom feed, two tags", "feed"),
]
PATHS_PER_STREAM = 20000

LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  position = math.floor(offset * #paths / 2)
  share = math.floor(#paths / 2)
  answered = 0
end
function request()
  position = position + 1
  return wrk.format("GET", paths[(position % #paths) + 1])
end
function response(status, headers, body)
  answered = answered + 1
  if answered >= share then wrk.thread:stop() end
end
"""

SCRIPT = """
import json, random
from itertools import combinations
from reports.models import Report, TaggedReport, Series
rng = random.Random(7)
N = %(n)d
words = %(words)r
reports = list(Report.objects.published().order_by("pk").values_list("pk", "slug", "period_start"))
tags = {}
for report, slug in TaggedReport.objects.values_list("content_object_id", "tag__slug"):
    tags.setdefault(report, []).append(slug)
series = list(Series.objects.values_list("slug", flat=True))
def week(day):
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"
def unique(make):
    seen = {}
    for _ in range(N * 4):
        path = make()
        seen.setdefault(path, None)
        if len(seen) >= N:
            break
    out = list(seen)
    rng.shuffle(out)
    return out
def tag_week(prefix):
    pk, _, start = rng.choice(reports)
    return f"{prefix}?tag={rng.choice(tags[pk])}&week={week(start)}"
def two_tags():
    pk = rng.choice(reports)[0]
    a, b = rng.sample(sorted(tags[pk]), 2)
    return f"/feeds/atom/?tag={a}&tag={b}" if FEED else f"/?tag={a}&tag={b}"
FEED = False
out = {"tag_week": unique(lambda: tag_week("/")), "two_tags": unique(two_tags)}
FEED = True
out["feed"] = unique(two_tags)
out["api"] = unique(lambda: tag_week("/api/reports/"))
pairs = list(combinations(words, 2))
out["search"] = unique(lambda: "/?q=%%s+%%s" %% rng.choice(pairs))
out["search_series"] = unique(lambda: "/?q=%%s+%%s&series=%%s" %% (*rng.choice(pairs), rng.choice(series)))
pages = max(2, min(5000, len(reports) // 20))
out["deep_page"] = unique(lambda: f"/?page={rng.randint(2, pages)}")
out["report"] = unique(lambda: f"/reports/{rng.choice(reports)[1]}/")
print(json.dumps(out))
"""


def build_paths(run, python, env, workdir):
    """{kind: [path, ...]} for every stream, from the data in the database env names."""
    # Common words: the region's words (bench/populate.py), which most reports use a few of.
    source = (Path(__file__).parent / "populate.py").read_text()
    words = ast.literal_eval("(" + re.search(r"DOMAIN_WORDS = \((.*?)\)\.split", source, re.S).group(1) + ")").split()
    script = SCRIPT % {"n": PATHS_PER_STREAM, "words": words[:40]}
    out = run(python, "manage.py", "shell", "-v", "0", "-c", script, env=env, capture_output=True, text=True).stdout
    paths = json.loads(out.strip().splitlines()[-1])
    files = {}
    for kind, listed in paths.items():
        files[kind] = workdir / f"paths-{kind}.txt"
        files[kind].write_text("\n".join(listed) + "\n")
    (workdir / "paths.lua").write_text(LUA)
    return files, {kind: len(listed) for kind, listed in paths.items()}


def first_requests(base, paths, workers=2, rounds=5):
    """The milliseconds the slowest first request of a worker takes on a fresh server: what each
    worker then keeps for the publication generation (its numbering of the reports, compiled
    queries). One request per worker at a time, from the end of the stream's list (which wrk's
    walk reaches last, if at all), in rounds until a round is fast: a worker still booting when
    the first round is sent leaves it to the other one, and would pay its own first request in
    the stream, where a worker's queue of connections waits behind it."""

    def one(path):
        started = time.monotonic()
        urllib.request.urlopen(base + path, timeout=300).read()
        return (time.monotonic() - started) * 1000

    slowest, spare = 0.0, paths[-workers * rounds :]
    with ThreadPoolExecutor(workers) as pool:
        for start in range(0, len(spare), workers):
            times = list(pool.map(one, spare[start : start + workers]))
            if start and max(times) < slowest / 4:
                break
            slowest = max(slowest, *times)
    return slowest


def measure_streams(size, args, env, workdir, tools):
    """One fresh server per stream; each row's ratio is to /healthz on that server just before.
    The first request of each worker is timed apart (first_requests) and not in the stream."""
    run, serve, wait_for, parse_wrk, log, python = tools
    files, lengths = build_paths(run, python, env, workdir)
    rows = []
    base = f"http://127.0.0.1:{args.port}"
    for label, kind in STREAMS:
        server = serve(env, args.port)
        try:
            wait_for(base + "/healthz")
            first_ms = first_requests(base, files[kind].read_text().split())
            wrk = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s", "--latency",
                   "--timeout", "10s"]  # fmt: skip
            reference = parse_wrk(run(*wrk, base + "/healthz", env=env, capture_output=True, text=True).stdout)
            stream_env = dict(env, BENCH_PATHS=str(files[kind]))
            out = run(*wrk, "-s", str(workdir / "paths.lua"), base, env=stream_env, capture_output=True, text=True)
            row = {"page": label, "kind": kind, "paths": lengths[kind], "cache": True, **parse_wrk(out.stdout)}
            row["reference_rps"], row["first_ms"] = reference["rps"], first_ms
            # Each thread stops once its half is answered; a connection's last answer may be cut.
            row["exhausted"] = row["requests"] >= lengths[kind] - args.connections
            # wrk divides by its whole duration even when the list ran out first; with a fixed number
            # of connections each waiting for its answer, the rate is connections / mean latency
            # (Little's law), which wrk's rate equals when the list lasts.
            little = args.connections / (row["average_ms"] / 1000)
            if row["exhausted"]:
                row["rps"] = little
            row["ratio"] = row["rps"] / reference["rps"]
            rows.append(row)
            log(
                f"  {label:<36} {row['rps']:>8.1f} req/s  ratio {row['ratio']:.4f}  p99 {row['p99_ms']:.0f} ms"
                f"  first {first_ms:.0f} ms  {row['requests']} requests"
                f"  (connections / mean latency: {little:.1f} req/s)" + ("  list exhausted" if row["exhausted"] else "")
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
            time.sleep(1)
    return rows


def stream_table(results):
    lines = [
        "New requests: each stream walks a shuffled list of paths built from the data, so that no "
        "request repeats; each on a freshly started server, its ratio to /healthz measured on that "
        "server just before it. First ms = the slowest of one request per worker, sent before the "
        "stream: what a worker then keeps for the publication generation (its numbering of the reports, "
        "compiled queries), paid again after each change.",
        "",
        "| reports | stream | distinct paths | first ms | req/s | /healthz req/s | ratio | p50 ms | p99 ms | non-2xx |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, rows in results.items():
        for r in rows:
            lines.append(
                f"| {int(size):,} | {r['page']} | {r['paths']:,} | {r.get('first_ms', 0):.0f} | {r['rps']:.1f}"
                f"{' *' if r.get('exhausted') else ''} | "
                f"{r['reference_rps']:.0f} | "
                f"{r['ratio']:.4f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['non_2xx']} |"
            )
    if any(r.get("exhausted") for rows in results.values() for r in rows):
        lines += [
            "",
            "\\* Every path of the list was asked before the stream's time was up (a list shorter than the "
            "stream, such as the 499 deep pages of 10,000 reports): its rate is connections / mean latency.",
        ]
    if len(results) > 1:
        small, large = (results[k] for k in sorted(results, key=int)[-2:])
        lines += ["", "| stream | cost of 10x more reports (ratio small / ratio large) |", "|---|---:|"]
        for a, b in zip(small, large, strict=True):
            lines.append(f"| {a['page']} | " + (f"{a['ratio'] / b['ratio']:.2f}x |" if b["ratio"] else "failed |"))
    lines += [
        "",
        "Targets for new requests (at 100,000 reports on PostgreSQL): tag + week 0.10, two tags 0.05, "
        "search 0.02, deep page 0.05, report page 0.10, API and feeds 0.05; 10k to 100k costs at most 1.3x.",
    ]
    return "\n".join(lines)
