"""The report page with a figure against the same page without, p50 of rendering it.

Makes two copies of one published report in a scratch SQLite database (one given a figure with
its renditions), then times N anonymous GETs of each with the page cache off (the view's whole
work: queries, the kept report page, the template) and with it on (what most readers get).
Usage: python bench/figures_bench.py [N]   (default 200)
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = tempfile.mkdtemp(prefix="sitrep-figures-bench-")
os.environ.update(DATABASE_URL=f"sqlite:///{scratch}/bench.sqlite3", MEDIA_ROOT=f"{scratch}/media",
                  DEBUG="1", TASKS_BACKEND="immediate")  # fmt: skip
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitrep.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from reports.caching import state  # noqa: E402
from tests.helpers import make_report, make_series  # noqa: E402
from tests.public_pages import add_demo_figures  # noqa: E402

BODY = "## The week\n\n" + "Clashes near Mosul and in Anbar. " * 40 + "\n\n![](figure:2)\n\nMore text.\n"


def p50(client, path, n):
    client.get(path)  # warm: templates compiled, report page kept
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times)


def main(n):
    call_command("migrate", verbosity=0)
    series = make_series()
    common = {"series": series, "body": BODY, "tags": ["Iraq", "Mosul", "Anbar"]}
    plain = make_report("Without figures", slug="without-figures", **common)
    figured = make_report("With figures", slug="with-figures", start=(2020, 7, 1), end=(2020, 7, 7), **common)
    add_demo_figures(figured)
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for label, seconds in (("page cache off", 0), ("page cache on", 600)):
        with override_settings(PAGE_CACHE_SECONDS=seconds):
            cache.clear()
            state.forget()
            results[label] = {name: p50(client, report.get_absolute_url(), n)
                              for name, report in (("without", plain), ("with", figured))}  # fmt: skip
    for label, row in results.items():
        print(f"{label:15} p50 without a figure {row['without']:6.2f} ms, with figures {row['with']:6.2f} ms "
              f"({row['with'] - row['without']:+.2f} ms), n={n}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
