"""The tag vocabulary: proposing tags from a text, spotting near-duplicates, merging tags.

Tag names are compared through one normal form: case folded, accents removed (NFKD),
apostrophes (’ ' ‘ ʼ) and a possessive ’s dropped, hyphens and spacing ignored. So
"Kata’ib Hezbollah", "kata'ib  hezbollah" and "Kataib-Hezbollah" are one name written
three ways.
"""

import re
import unicodedata

from django.core.exceptions import PermissionDenied
from django.db import transaction
from taggit.models import Tag

from . import page_cache
from .models import TaggedReport, TagMerge

APOSTROPHES = "'’‘ʼ`´"
MERGE_PERMISSIONS = ("reports.publish_report", "taggit.change_tag", "taggit.delete_tag")

_POSSESSIVE = re.compile(rf"(?<=\w)[{APOSTROPHES}]s\b", re.IGNORECASE)
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_WORD = re.compile(r"\w+")


def _tokens(text):
    """The words of a text with accents, apostrophes and a possessive ’s taken off, case kept."""
    text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _WORD.findall(text.replace("_", " "))


def words(text):
    """The words of a text in normal form: ["kataib", "hezbollah"] for "Kata’ib Hezbollah's"."""
    return [token.casefold() for token in _tokens(text)]


def tag_key(name):
    """What two near-duplicate tag names have in common: their words, with no spacing."""
    return "".join(words(name))


def _is_acronym(name):
    # "US", "UN", "PMF": matched with their case, so that "us" in a sentence is not the US.
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)


def propose_tags(text, vocabulary):
    """The names of `vocabulary` that appear in `text` as whole words, in order of first appearance.

    Matching ignores case (except for acronyms such as "US"), accents, apostrophes, hyphens
    and spacing. The longest name wins: "Kata’ib Hezbollah" in the text proposes that tag,
    not also "Hezbollah", unless "Hezbollah" appears on its own elsewhere. Of names written
    with the same words (near-duplicates) only the first in `vocabulary` is proposed. Each
    name is returned as given.
    """
    raw = _tokens(text)
    folded = [token.casefold() for token in raw]
    where = {}  # each word of the text -> where it stands
    for position, word in enumerate(folded):
        where.setdefault(word, []).append(position)
    candidates = []  # (number of words, name, where it starts in the text)
    for name in dict.fromkeys(vocabulary):
        name_raw = _tokens(name)
        name_words = [token.casefold() for token in name_raw]
        size = len(name_words)
        if not size:
            continue
        exact = _is_acronym(name)
        starts = [
            start
            for start in where.get(name_words[0], ())
            if folded[start : start + size] == name_words and not (exact and raw[start : start + size] != name_raw)
        ]
        if starts:
            candidates.append((size, name, starts))
    covered, found = set(), []
    for size, name, starts in sorted(candidates, key=lambda candidate: -candidate[0]):  # stable: vocabulary order
        free = [start for start in starts if covered.isdisjoint(range(start, start + size))]
        if free:
            found.append((free[0], name))
            for start in free:
                covered.update(range(start, start + size))
    return [name for _, name in sorted(found, key=lambda item: item[0])]


def near_duplicate_groups(names):
    """Lists of two or more names that differ only in case, accents, apostrophes or spacing."""
    groups = {}
    for name in names:
        groups.setdefault(tag_key(name), []).append(name)
    return [sorted(group, key=str.casefold) for group in groups.values() if len(group) > 1]


def near_duplicates_of(name, vocabulary):
    """The names in `vocabulary` that `name` nearly duplicates (never `name` itself)."""
    key = tag_key(name)
    return [other for other in vocabulary if other != name and tag_key(other) == key]


def vocabulary():
    """Every tag name, in one order on every database (not the database's collation)."""
    return sorted(Tag.objects.values_list("name", flat=True), key=lambda name: (name.casefold(), name))


def may_merge(user):
    return user.is_active and user.has_perms(MERGE_PERMISSIONS)


class MergeRefused(Exception):
    """A merge that cannot be done; str() says why, for the person who asked."""


@transaction.atomic
def merge_tags(sources, target, *, by):
    """Move every report of each source tag to `target`, delete the sources, and record each merge.

    A report that carried both keeps one link to the target. Returns the TagMerge records.
    """
    if not may_merge(by):
        raise PermissionDenied("Only editors can merge tags.")
    # Lock the tags involved, so that no one tags a report with a source while it moves.
    wanted = {tag.pk for tag in sources} | {target.pk}
    locked = {tag.pk: tag for tag in Tag.objects.select_for_update().filter(pk__in=wanted)}
    if target.pk not in locked:
        raise MergeRefused(f"The tag “{target}” no longer exists.")
    target = locked[target.pk]
    merged = sorted((locked[pk] for pk in wanted - {target.pk} if pk in locked), key=lambda tag: tag.pk)
    if not merged:
        raise MergeRefused("Choose at least one tag other than the target to merge.")
    records = []
    for source in merged:
        links = TaggedReport.objects.filter(tag=source)
        report_ids = sorted(links.select_for_update().values_list("content_object_id", flat=True))
        already = sorted(
            TaggedReport.objects.filter(tag=target, content_object_id__in=report_ids).values_list(
                "content_object_id", flat=True
            )
        )
        links.filter(content_object_id__in=already).delete()
        links.update(tag=target)
        records.append(
            TagMerge.objects.create(
                source_name=source.name,
                source_slug=source.slug,
                target=target,
                target_name=target.name,
                report_ids=report_ids,
                already_tagged_ids=already,
                merged_by=by,
            )
        )
        source.delete()
    page_cache.public_changed()  # tag links, counts and threads on public pages changed
    return records
