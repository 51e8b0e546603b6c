"""Matching tag names: finding the vocabulary's tags in a text, spotting near-duplicates.

One set of rules, used by the importer (tags proposed for imported listings), the admin's
tag suggestions and its near-duplicate check:

- Names and texts are read as words, through one normal form: accents removed (NFKD),
  apostrophes (’ ' ‘ ʼ ` ´) and a possessive ’s dropped, so "Kata’ib Hezbollah",
  "Kata'ib Hezbollah" and "Kataib Hezbollah" are the same words, and "Iran" is a word of
  "Iran’s". Hyphens and spacing only separate words: "Kataib-Hezbollah" is
  "Kataib Hezbollah" and "Iran-aligned" holds the word "Iran".
- Case is ignored, except in acronyms: a word of a name written all in capitals, up to
  five letters ("US", "UN", "PMF", "ISIS", the "US" of "US forces"), must appear in
  capitals, so "told us" is not the US; an acronym takes a plural "s" ("IEDs").
- Whole words only: "Iran" is not found in "Iranian", nor "Green Zone" in "greenzone".
- The last word of a name may be singular or plural (-s, -es, -ies): "Rocket attacks" is
  found in "rocket attack", "Protests" in "protest", "Proxy militias" in "proxy militia".
  An agent noun is another word: "Protests" is not found in "protesters". Numbers are
  exact ("COVID-19").
- Other punctuation between the words of a name is part of it: "Basra, Iraq" must appear
  with its comma, "U.S. forces" with its full stops, and no name is found across a comma or
  a full stop ("Sadr. City" is not "Sadr City").
- The longest name wins where names overlap: "Kata’ib Hezbollah" in the text proposes that
  tag, not also "Hezbollah", unless "Hezbollah" stands alone elsewhere. Of names found at
  the same place (near-duplicates such as "Kata’ib Hezbollah" and "Kata'ib Hezbollah"),
  only the first in the vocabulary is proposed.
- The result is in order of first appearance in the text (the admin shows it so); callers
  that want another order sort it (the importer sorts alphabetically). Each name is given
  back exactly as the vocabulary writes it.

Two names nearly duplicate each other when they have the same words in this normal form,
case folded, whatever the spacing ("SadrCity" and "Sadr City"): see tag_key.
"""

import functools
import itertools
import re
import unicodedata

APOSTROPHES = "'’‘ʼ`´"
HYPHENS = "\u2010\u2011-"  # the plain hyphen last, where a character class takes it literally

_POSSESSIVE = re.compile(rf"(?<=\w)[{APOSTROPHES}]s\b", re.IGNORECASE)
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WORD = re.compile(r"[^\W_]+")
# What may stand between two words of a name in a text, beyond the name's own punctuation.
_SOFT = re.compile(rf"[\s_{HYPHENS}]+")
# Plural endings of a last word, and what replaces them: "attacks" -> "attack", "militias"
# -> "militia", "proxies" -> "proxy", "crosses" -> "cross", "protesters" -> "protester".
_PLURAL = re.compile(r"(?<=[^aeiou])(ies)$|(?<=ss|sh|ch)(es)$|(?<=[xz])(es)$|(?<=[^s])(s)$")


def _plain(text):
    """The text with possessives, apostrophes and accents taken off, case kept."""
    text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    return _NON_ASCII.sub(_strip_accents, text) if not text.isascii() else text


def _strip_accents(match):
    decomposed = unicodedata.normalize("NFKD", match.group())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text):
    """The words of a text in normal form: ["kataib", "hezbollah"] for "Kata’ib Hezbollah's"."""
    return [word.casefold() for word in _WORD.findall(_plain(text))]


def tag_key(name):
    """What two near-duplicate tag names have in common: their words, with no spacing."""
    return "".join(words(name))


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


def _is_acronym(word):
    return word.isalpha() and word.isupper() and len(word) <= 5


@functools.lru_cache(maxsize=65536)  # texts repeat their words; an import reads thousands
def _singular(word):
    """A folded word with a plural ending taken off, for comparing last words."""
    if len(word) <= 3 or not word.endswith("s") or not word.isalpha():
        return word
    return _PLURAL.sub(lambda match: "y" if match.group(1) else "", word)


class _Name:
    """One vocabulary name, read as the matcher compares it."""

    def __init__(self, name, order):
        plain = _plain(name)
        spans = [match.span() for match in _WORD.finditer(plain)]
        raw = [plain[start:end] for start, end in spans]
        self.name, self.order, self.size = name, order, len(raw)
        self.folded = [word.casefold() for word in raw]
        self.acronyms = [word if _is_acronym(word) else None for word in raw]
        # Whether the last word may be singular or plural: a word, not a number ("COVID-19").
        self.inflects = bool(raw) and raw[-1].isalpha()
        if self.inflects and self.acronyms[-1] is None:
            self.folded[-1] = _singular(self.folded[-1])
        self.gaps = [_SOFT.sub("", plain[end:start]) for (_, end), (start, _) in itertools.pairwise(spans)]

    def matches_at(self, text, position):
        """Whether the name's words stand in `text` (a _Text) from `position` on."""
        if position + self.size > len(text.folded):
            return False
        for offset in range(self.size):
            at = position + offset
            if not self._word_matches(offset, text.raw[at], text.folded[at]):
                return False
            if offset and text.gap_before(at) != self.gaps[offset - 1]:
                return False
        return True

    def _word_matches(self, offset, raw, folded):
        last = self.inflects and offset == self.size - 1
        if (acronym := self.acronyms[offset]) is not None:
            return raw == acronym or (last and raw == f"{acronym}s")  # "IEDs"
        if last:
            return _singular(folded) == self.folded[offset]
        return folded == self.folded[offset]


class _Text:
    def __init__(self, text):
        self.plain = _plain(text)
        self.raw = _WORD.findall(self.plain)
        self.folded = [word.casefold() for word in self.raw]
        self.spans = None  # where each word stands: only wanted for names of several words

    def gap_before(self, position):
        """The punctuation between a word and the one before it, spacing and hyphens left out."""
        if self.spans is None:
            self.spans = [match.span() for match in _WORD.finditer(self.plain)]
        return _SOFT.sub("", self.plain[self.spans[position - 1][1] : self.spans[position][0]])


class TagMatcher:
    """Finds a vocabulary's tag names in texts (see the module's docstring for the rules).

    Built once for a vocabulary, it looks each word of a text up in an index of the names'
    first words, so a text costs about the same however large the vocabulary is.
    """

    def __init__(self, vocabulary):
        self.index = {}  # the first word of names (singular, for one-word names) -> the names
        self.singles = {}  # one-word names that may be plural, by their singular
        for order, name in enumerate(dict.fromkeys(vocabulary)):
            entry = _Name(name, order)
            if entry.size:
                self.index.setdefault(entry.folded[0], []).append(entry)
            if entry.size == 1 and entry.inflects:
                self.singles.setdefault(entry.folded[0], []).append(entry)

    def propose(self, text):
        """The vocabulary's names found in `text`, in order of first appearance."""
        words = _Text(text)
        found = []  # (size, vocabulary order, start, name)
        index, singles = self.index, self.singles
        for position, word in enumerate(words.folded):
            candidates = index.get(word, ())
            if singles and word[-1] == "s" and (singular := _singular(word)) in singles:
                candidates = [*candidates, *singles[singular]]
            if not candidates:
                continue
            found.extend(
                (entry.size, entry.order, position, entry.name)
                for entry in candidates
                if entry.matches_at(words, position)
            )
        covered, first_seen = set(), {}
        for size, _, start, name in sorted(found, key=lambda item: (-item[0], item[1], item[2])):
            where = range(start, start + size)
            if covered.isdisjoint(where):
                covered.update(where)
                first_seen[name] = min(start, first_seen.get(name, start))
        return sorted(first_seen, key=first_seen.get)


def propose_tags(text, vocabulary):
    """The names of `vocabulary` found in `text`, in order of first appearance (see TagMatcher)."""
    return TagMatcher(vocabulary).propose(text)
