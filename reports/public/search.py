"""Searching reports by words, on PostgreSQL and on SQLite, and marking the matches.

PostgreSQL: full-text search in English with stemming ("attacked" finds "attacks"), the
title weighing more than the summary and the summary more than the body, ranked by
ts_rank. The weighted tsvector is stored in the generated column
reports_report.search_document (migration 0009), which a GIN index serves; both the @@
filter and the rank read that column (`StoredSearchDocument`), so no query recomputes
to_tsvector over report bodies. The column is not a model field, so nothing else selects
it. SQLite has no full-text search here, so every word of the query must start a word of
the title, summary, body or PDF text, case-insensitively, and the same weights give a simpler rank.

Highlighting escapes the summary first and adds only our own <mark> elements.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import Case, Expression, IntegerField, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

SEARCH_CONFIG = "english"
# (field, PostgreSQL weight (as migration 0009 stores it), SQLite score): what a match is worth where it is found.
# The PDF's text counts least: on SQLite a match there is worth less than one in the body.
WEIGHTED_FIELDS = (("title", "A", 6), ("summary", "B", 4), ("body", "C", 2), ("pdf_text", "D", 1))
WORD = re.compile(r"\w+")
# ts_headline marks matches with these; no summary contains them (checked on use).
MARK_START, MARK_STOP = "\x02", "\x03"


class StoredSearchDocument(Expression):
    """The stored weighted tsvector reports_report.search_document (PostgreSQL only).

    Migration 0009 creates the column outside the model, so it is named here, qualified
    with the query's alias of reports_report: the alias is taken when the expression is
    resolved and relabelled with the query's other columns, e.g. in a subquery (U0).
    """

    def __init__(self, alias=None):
        super().__init__(output_field=SearchVectorField())
        self.alias = alias

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        if self.alias is not None:
            # Already resolved: a subquery's WHERE is resolved again against the outer
            # query, but this still names the subquery's own table.
            return self
        table = query.get_meta().db_table
        if table != "reports_report":
            raise ValueError(f"StoredSearchDocument is a column of reports_report, not of {table}.")
        return StoredSearchDocument(query.get_initial_alias())

    def relabeled_clone(self, relabels):
        return StoredSearchDocument(relabels.get(self.alias, self.alias))

    def get_group_by_cols(self):
        return [self]

    def as_sql(self, compiler, connection):
        if self.alias is None:
            raise ValueError("StoredSearchDocument must be resolved against a query of reports.")
        return f"{compiler.quote_name_unless_alias(self.alias)}.{connection.ops.quote_name('search_document')}", []


def query_words(text):
    return WORD.findall(text)


def _word_start(word):
    # Python's re runs Django's REGEXP on SQLite, so a lookbehind serves as a word start.
    return r"(?<!\w)" + re.escape(word)


def search_reports(reports, text):
    """Reports matching `text`, annotated with `search_rank` and ordered by it."""
    if connections[reports.db].vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # alias(), not annotate(): the document is filtered on (@@), never selected.
        reports = (
            reports.alias(search_document=StoredSearchDocument())
            .filter(search_document=query)
            .annotate(
                search_rank=SearchRank(StoredSearchDocument(), query),
                summary_headline=SearchHeadline(
                    "summary", query, config=SEARCH_CONFIG, start_sel=MARK_START, stop_sel=MARK_STOP, highlight_all=True
                ),
            )
        )
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
