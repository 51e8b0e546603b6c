"""Print, as JSON, the SQL queries each given path makes for an anonymous reader.

Each path is requested twice and the second request counted, so that per-process warm-up
(content types, cached settings) does not count, and a page served from the cache shows as
such. Usage: python bench/count_queries.py PATH [PATH ...]
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitrep.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

client = Client(HTTP_HOST="127.0.0.1")
counts = {}
for path in sys.argv[1:]:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    counts[path] = {"queries": len(queries), "status": status}
print(json.dumps(counts))
