"""Matching tag names: proposing tags from a text, spotting near-duplicates.

Tag names are compared through one normal form: case folded, accents removed (NFKD),
apostrophes (’ ' ‘ ʼ) and a possessive ’s dropped, hyphens and spacing ignored. So
"Kata’ib Hezbollah", "kata'ib  hezbollah" and "Kataib-Hezbollah" are one name written
three ways.
"""

import re
import unicodedata

APOSTROPHES = "'’‘ʼ`´"

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


class TagVocabulary:
    """Proposes tags for a text from the tags that exist; it never invents one.

    A tag applies when its name appears in the text: case-insensitively, on word boundaries
    ("Iran" is found in "Iran’s" and "Iran-aligned" but not in "Iranian"), with ’ and '
    alike ("Kata'ib Hezbollah") and any run of spaces between words. The last word of the
    name may take a simple plural or agent ending, so "Protests" is found in "protest",
    "protests" and "protesters", and "Rocket attacks" in "rocket attack"; acronyms, numbers
    and names with hyphens ("ISIS", "COVID-19", "al-Kadhimi") must appear as written.
    Nothing is read into the text beyond the name: "IRGC" is not found in "Islamic
    Revolutionary Guard Corps".
    """

    APOSTROPHES = "'’ʼ‘`"
    HYPHENS = "-\u2010\u2011"

    def __init__(self, names):
        self.matchers = []
        for name in sorted(set(names), key=str.lower):
            if re.search(r"\w", name):  # a name without letters or digits has no word boundaries
                self.matchers.append((name, *self._matcher(name)))

    def propose(self, text):
        """The names of the vocabulary's tags found in `text`, in alphabetical order."""
        words = set(re.findall(r"\w+", text.lower()))
        return [
            name
            for name, required, last_forms, pattern in self.matchers
            if required <= words and not last_forms.isdisjoint(words) and pattern.search(text)
        ]

    @classmethod
    def _matcher(cls, name):
        """The words any match of the name must have in the text, the forms its last word may
        take there, and the regular expression. The words are a cheap first test: most tags
        are not in most texts."""
        *leading, last = name.split()
        stem, endings = last, ("",)
        if last.isalpha() and not last.isupper() and len(last) > 3:
            stem = last[:-1] if last.endswith("s") and not last.endswith("ss") else last
            endings = ("", "s", "es", "er", "ers")
        optional_ending = f"(?:{'|'.join(endings[1:])})?" if len(endings) > 1 else ""
        words = [cls._word(word) for word in leading] + [cls._word(stem) + optional_ending]
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
        tokens = re.findall(r"\w+", " ".join([*leading, stem]).lower())
        return frozenset(tokens[:-1]), frozenset(tokens[-1] + ending for ending in endings), pattern

    @classmethod
    def _word(cls, word):
        return "".join(
            f"[{cls.APOSTROPHES}]" if char in cls.APOSTROPHES else f"[{cls.HYPHENS}]" if char in cls.HYPHENS
            else re.escape(char)
            for char in word
        )  # fmt: skip
