"""Searching reports by words, on PostgreSQL and on SQLite, and marking the matches.

A report matches when every word of the query is found in its title, summary, body or PDF
text. The relevance rule, the same on both databases: first the reports whose title holds
every word, then those whose title and summary together hold them, then the rest (the words
reach into the body or the PDF's text); within each class, the newest period first (then the
highest id). So the best 20 are found from indexes, without scoring every match.

PostgreSQL: full-text search with stemming in each report's own language ("attacked" finds
"attacks"; `english` for English reports, `arabic` for Arabic ones), websearch syntax
(quoted phrases, -exclusions). Migration 0018 keeps three stored documents per row, each with a
GIN index: the title, the title with the summary, and the whole document (0017: title A,
summary B, body C, PDF text D); and three functions, report_search_title(words),
report_search_head(words) and report_search_document(words), that return the ids whose
document of that class matches the query in the row's language, always from the GIN index.
Filtering is `id IN (SELECT report_search_document(q))` and the class is two more such sets,
each computed once per query and hashed, so neither counting, faceting nor ordering
decompresses a document. Only a page's own 20 summaries are passed to ts_headline.

SQLite has no full-text search here, so every word of the query must start a word of the
title, summary, body or PDF text, case-insensitively, with the same classes.

Highlighting escapes the summary first and adds only our own <mark> elements.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connections
from django.db.models import Case, Expression, IntegerField, Q, Value, When
from django.db.models.fields import BigIntegerField
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Each language's text search configuration; a row is searched in its own.
SEARCH_CONFIGS = {"en": "english", "ar": "arabic"}
# The classes of the relevance rule, best first: (class, the fields that must hold every word).
# PostgreSQL reads each from migration 0018's function of the same part.
CLASSES = ((1, "title", ("title",)), (2, "head", ("title", "summary")))
ANYWHERE = 3  # the class of the rest: body or PDF text needed
SEARCHED_FIELDS = ("title", "summary", "body", "pdf_text")
WORD = re.compile(r"\w+")
# ts_headline marks matches with these; no summary contains them (checked on use).
MARK_START, MARK_STOP = "\x02", "\x03"


class SearchMatches(Expression):
    """The ids of the reports whose document of one class (title, head or document) matches
    the words, in the row's language: `SELECT * FROM report_search_<part>(words)` (migration 0018),
    served by that document's GIN index. For `pk__in`; PostgreSQL only."""

    PARTS = ("title", "head", "document")

    def __init__(self, part, words):
        if part not in self.PARTS:
            raise ValueError(f"No search document {part!r}; the parts are {self.PARTS}.")
        super().__init__(output_field=BigIntegerField())
        self.part, self.words = part, words

    def as_sql(self, compiler, connection):
        # FROM, not the select list: a function scan collects the ids in one call.
        return f"SELECT * FROM report_search_{self.part}(%s)", [self.words]


def query_words(text):
    return WORD.findall(text)


def _word_start(word):
    # Python's re runs Django's REGEXP on SQLite, so a lookbehind serves as a word start.
    return r"(?<!\w)" + re.escape(word)


def row_config():
    """The row's text search configuration, for ts_headline."""
    whens = [When(language=code, then=Value(config)) for code, config in SEARCH_CONFIGS.items()]
    return Case(*whens, default=Value(SEARCH_CONFIGS["en"]))


def search_reports(reports, text):
    """Reports matching `text`, annotated with `search_class` (the relevance rule's class,
    1 to 3) and ordered by it, then newest period first."""
    if connections[reports.db].vendor == "postgresql":
        reports = with_headline(reports.filter(pk__in=SearchMatches("document", text)), text).annotate(
            search_class=Case(
                *(When(pk__in=SearchMatches(part, text), then=number) for number, part, _ in CLASSES),
                default=ANYWHERE,
                output_field=IntegerField(),
            ),
        )
    else:
        words = query_words(text)

        def everywhere(fields):
            # Every word starts a word of one of the fields.
            matches = Q()
            for word in words:
                matches &= Q(*(Q(**{f"{field}__iregex": _word_start(word)}) for field in fields), _connector=Q.OR)
            return matches

        reports = reports.filter(everywhere(SEARCHED_FIELDS)).annotate(
            search_class=Case(
                *(When(everywhere(fields), then=number) for number, _, fields in CLASSES),
                default=ANYWHERE,
                output_field=IntegerField(),
            )
        )
    return reports.order_by("search_class", "-period_start", "-pk")


def with_headline(reports, text):
    """`reports` with their summaries' matches of `text` marked by PostgreSQL (stemmed, in each
    row's language) as `summary_headline`; elsewhere `reports` as they are (highlight() marks them)."""
    if connections[reports.db].vendor != "postgresql":
        return reports
    config = row_config()
    query = SearchQuery(text, config=config, search_type="websearch")
    return reports.annotate(
        summary_headline=SearchHeadline(
            "summary", query, config=config, start_sel=MARK_START, stop_sel=MARK_STOP, highlight_all=True
        )
    )


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
