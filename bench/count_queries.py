"""Print, as JSON, the SQL queries each given path makes for an anonymous reader.

Each path is counted on the first request of a publication generation (caches emptied; the
generation, which a process reads at most once a second whatever the traffic, read before)
and on the next request, as "first / next". Usage: python bench/count_queries.py PATH [PATH ...]
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitrep.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reports.caching import state  # noqa: E402

client = Client(HTTP_HOST="127.0.0.1")
counts = {}
client.get("/healthz")  # per-process warm-up (content types, settings) is not a page's
for path in sys.argv[1:]:
    cache.clear()
    state.forget()
    state.current_state()
    numbers = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            status = client.get(path).status_code
        numbers.append(len(queries))
    counts[path] = {"queries": " / ".join(map(str, numbers)), "status": status}
print(json.dumps(counts))
