"""Readable differences between two versions of a report's content (see reports.editorial.revisions).

Text fields get a word-level diff: removed words in <del>, added words in <ins>, long unchanged
stretches shortened to their edges. Other fields show the old and the new value; tags show
which were removed and which added.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext

from reports.editorial.audit import field_label as label
from reports.editorial.revisions import CONTENT_FIELDS, TEXT_FIELDS
from reports.models import Series

# Words, runs of white space, and single other characters (punctuation) are the diff's units.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
# Unchanged text longer than this many tokens on each side of a change is shortened.
CONTEXT = 12


def comparable(name, value):
    """What counts in a field: tags differing only in case are one tag (TAGGIT_CASE_INSENSITIVE),
    and text differing only in line ends or surrounding white space reads the same."""
    if name == "tags":
        return {tag.casefold() for tag in value or ()}
    if name in TEXT_FIELDS:
        return normalize_newlines(value or "").strip()
    return value


def changed_fields(old, new):
    """The content fields that differ, in form order."""
    return [name for name in CONTENT_FIELDS if comparable(name, old.get(name)) != comparable(name, new.get(name))]


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    kind: str  # "text" (word diff), "value" (old and new) or "tags"
    diff: str = ""
    old: str = ""
    new: str = ""
    removed: tuple = field(default=())
    added: tuple = field(default=())


def compare(old, new):
    """The FieldChanges that turn content `old` into content `new` (dicts from reports.editorial.revisions)."""
    names = changed_fields(old, new)
    series = {}
    if "series" in names:
        series = dict(Series.objects.filter(pk__in=[old["series"], new["series"]]).values_list("pk", "name"))
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if name in TEXT_FIELDS:
            changes.append(FieldChange(name, label(name), "text", diff=word_diff(before or "", after or "")))
        elif name == "tags":
            folded_before = {t.casefold() for t in before}
            folded_after = {t.casefold() for t in after}
            removed = tuple(t for t in before if t.casefold() not in folded_after)
            added = tuple(t for t in after if t.casefold() not in folded_before)
            changes.append(FieldChange(name, label(name), "tags", removed=removed, added=added))
        else:
            show = {
                "series": lambda pk: series.get(pk, gettext("a deleted series (#%(id)s)") % {"id": pk}),
                "period_start": lambda day: formats.date_format(day, "DATE_FORMAT"),
                "period_end": lambda day: formats.date_format(day, "DATE_FORMAT"),
            }.get(name, str)
            changes.append(FieldChange(name, label(name), "value", old=show(before), new=show(after)))
    return changes


def word_diff(old, new):
    """HTML showing how text `old` became `new`, word by word."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    parts = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            parts.append(_unchanged(a[i1:i2], first=index == 0, last=index == len(opcodes) - 1))
            continue
        if i2 > i1:
            parts.append(f'<del><span class="visually-hidden">removed: </span>{escape("".join(a[i1:i2]))}</del>')
        if j2 > j1:
            parts.append(f'<ins><span class="visually-hidden">added: </span>{escape("".join(b[j1:j2]))}</ins>')
    return mark_safe("".join(parts))


def _unchanged(tokens, *, first, last):
    """Unchanged text, keeping only CONTEXT tokens next to the changes around it."""
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    if len(tokens) <= keep_head + keep_tail + CONTEXT:
        return escape("".join(tokens))
    skipped = format_html('<span class="diff-skip" title="{}">…</span>', gettext("unchanged text"))
    return escape("".join(tokens[:keep_head])) + skipped + escape("".join(tokens[len(tokens) - keep_tail :]))
