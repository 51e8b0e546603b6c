"""Fill the database named by DATABASE_URL with N synthetic published reports.

Weekly periods across 40 series; 2 to 4 tags each from a vocabulary of 200, Zipf-skewed so a
few tags are very common; Zipf-distributed words; summaries of 60-120 words and bodies of 300-600 words. Seeded, so
every run builds the same data. Usage: python bench/populate.py N
"""

import datetime
import itertools
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitrep.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from taggit.models import Tag  # noqa: E402

from reports.editorial.actions.base import editorial_action  # noqa: E402
from reports.models import Report, Series, TaggedReport  # noqa: E402
from reports.text.periods import house_title  # noqa: E402

SERIES = 40
VOCABULARY = 200
BATCH = 2000
# Text follows Zipf's law, as real prose does: a head of common words (English stop words,
# which search ignores), then the region's words, then a long tail. With a 60-word vocabulary
# every report would contain every word and any search would match the whole archive.
STOP_WORDS = "the of and to in a on for with by at from as that was were is are has have".split()
DOMAIN_WORDS = (
    "security forces government ministry parliament election protest border crossing attack rocket drone "
    "negotiation sanctions economy electricity currency budget reform governor province coalition "
    "withdrawal delegation summit agreement pipeline refinery oil gas humanitarian displacement refugees "
    "camp aid convoy checkpoint airstrike offensive frontline tribal council court verdict campaign "
    "opposition cabinet minister president spokesman proxy militia commander brigade ceasefire"
).split()
SYLLABLES = "ka ri to mu sa le vin dor pa qu ez ni bal tor sh am ul ke ro fi".split()
TAIL_WORDS = 6000


def vocabulary(rng):
    """(words, cumulative weights): Zipf weights 1/rank over stop words, region words and a tail
    of made-up words; cumulative, so that drawing a sentence does not re-add 6,000 weights."""
    tail = set()
    while len(tail) < TAIL_WORDS:
        tail.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    words = STOP_WORDS + DOMAIN_WORDS + sorted(tail)
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


def sentence(rng, words, n):
    vocabulary, cumulative = words
    return " ".join(rng.choices(vocabulary, cum_weights=cumulative, k=n)).capitalize() + "."


def paragraph(rng, words, length):
    out, total = [], 0
    while total < length:
        n = rng.randint(12, 28)
        out.append(sentence(rng, words, n))
        total += n
    return " ".join(out)


def populate(n, seed=20200819):
    rng = random.Random(seed)
    words = vocabulary(rng)
    series = Series.objects.bulk_create(
        Series(name=f"Region {i:02d} Situation Report", slug=f"region-{i:02d}") for i in range(SERIES)
    )
    tags = Tag.objects.bulk_create(Tag(name=f"Topic {i:03d}", slug=f"topic-{i:03d}") for i in range(VOCABULARY))
    # Zipf-like weights: tag k is chosen about 1/(k+1) as often as tag 0.
    weights = [1 / (k + 1) for k in range(VOCABULARY)]
    weeks = -(-n // SERIES)
    last_monday = datetime.date(2025, 12, 29)
    published = timezone.now() - datetime.timedelta(days=1)
    made = 0
    while made < n:
        batch = []
        for i in range(made, min(made + BATCH, n)):
            s, week = series[i % SERIES], i // SERIES
            start = last_monday - datetime.timedelta(weeks=weeks - week)
            end = start + datetime.timedelta(days=6)
            title = house_title(s.name, start, end)
            batch.append(
                Report(
                    series=s,
                    title=title,
                    slug=f"{s.slug}-{start:%Y-%m-%d}",
                    period_start=start,
                    period_end=end,
                    summary=paragraph(rng, words, rng.randint(60, 120)),
                    body=paragraph(rng, words, rng.randint(300, 600)),
                    status=Report.Status.PUBLISHED,
                    published_at=published,
                    first_published_at=published,
                )
            )
        for report in batch:
            report.render_body()  # as save() would
        with transaction.atomic():
            reports = Report.objects.bulk_create(batch)
            links = []
            for report in reports:
                chosen = set()
                while len(chosen) < rng.randint(2, 4):
                    chosen.add(rng.choices(range(VOCABULARY), weights)[0])
                links.extend(TaggedReport(content_object=report, tag=tags[k]) for k in chosen)
            TaggedReport.objects.bulk_create(links)
        made += len(batch)
        print(f"\r  {made:,}/{n:,} reports", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


if __name__ == "__main__":
    count = int(sys.argv[1])
    if Report.objects.count() == count:
        print(f"  database already holds {count:,} reports; reusing it", file=sys.stderr)
        sys.exit(0)
    if Report.objects.exists():
        sys.exit("populate: the database holds other reports; give it an empty database")
    started = time.monotonic()
    populate(count)
    # Written in bulk, outside the editorial actions: announce it as one change, as an import would.
    with editorial_action("populate", actor=None) as outcome:
        outcome.public_changed()
    print(f"  populated {count:,} reports in {time.monotonic() - started:.0f} s", file=sys.stderr)
