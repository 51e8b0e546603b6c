"""Searching reports by words, on PostgreSQL and on SQLite, and marking the matches.

PostgreSQL: full-text search in English with stemming ("attacked" finds "attacks"), the
title weighing more than the summary and the summary more than the body, ranked by
ts_rank and backed by a GIN index over exactly the expression in `search_document()`
(migration 0003). SQLite has no full-text search here, so every word of the query must
start a word of the title, summary or body, case-insensitively, and the same weights give
a simpler rank.

Highlighting escapes the summary first and adds only our own <mark> elements.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "english"
# (field, PostgreSQL weight, SQLite score): what a match is worth where it is found.
WEIGHTED_FIELDS = (("title", "A", 3), ("summary", "B", 2), ("body", "C", 1))
WORD = re.compile(r"\w+")
# ts_headline marks matches with these; no summary contains them (checked on use).
MARK_START, MARK_STOP = "\x02", "\x03"


def search_document():
    """The weighted tsvector the GIN index is built on; the index is used only while
    the query's expression is exactly this one."""
    vectors = [SearchVector(field, weight=weight, config=SEARCH_CONFIG) for field, weight, _ in WEIGHTED_FIELDS]
    document = vectors[0]
    for vector in vectors[1:]:
        document = document + vector
    return document


def query_words(text):
    return WORD.findall(text)


def _word_start(word):
    # Python's re runs Django's REGEXP on SQLite, so a lookbehind serves as a word start.
    return r"(?<!\w)" + re.escape(word)


def search_reports(reports, text):
    """Reports matching `text`, annotated with `search_rank` and ordered by it."""
    if connections[reports.db].vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        reports = reports.annotate(
            search_document=search_document(),
            search_rank=SearchRank(search_document(), query),
            summary_headline=SearchHeadline(
                "summary", query, config=SEARCH_CONFIG, start_sel=MARK_START, stop_sel=MARK_STOP, highlight_all=True
            ),
        ).filter(search_document=query)
    else:
        matches_all_words = Q()
        score = Value(0, output_field=IntegerField())
        for word in query_words(text):
            pattern = _word_start(word)
            matches_all_words &= Q(
                *(Q(**{f"{field}__iregex": pattern}) for field, _, _ in WEIGHTED_FIELDS), _connector=Q.OR
            )
            for field, _, points in WEIGHTED_FIELDS:
                score += Case(When(**{f"{field}__iregex": pattern}, then=points), default=0)
        reports = reports.filter(matches_all_words).annotate(search_rank=score)
    return reports.order_by("-search_rank", "-period_start", "-pk")


def _marked(pieces):
    """Escaped text from (text, is_match) pieces, each match wrapped in <mark>."""
    return mark_safe("".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in pieces))


def highlight(text, query):
    """`text` as safe HTML with every word that starts with a query word marked."""
    words = sorted(set(query_words(query or "")), key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\w*", re.IGNORECASE)
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces += [(text[position : match.start()], False), (match.group(), True)]
        position = match.end()
    pieces.append((text[position:], False))
    return _marked(pieces)


def highlighted_summary(report, query):
    """The summary with the search matches marked: PostgreSQL's own (stemmed) matches when it
    gave them, otherwise the word-start matches that SQLite searches by."""
    headline = getattr(report, "summary_headline", None)
    if headline and headline.replace(MARK_START, "").replace(MARK_STOP, "") == report.summary:
        pieces = []
        for index, chunk in enumerate(re.split(f"[{MARK_START}{MARK_STOP}]", headline)):
            pieces.append((chunk, index % 2 == 1))
        return _marked(pieces)
    return highlight(report.summary, query)
