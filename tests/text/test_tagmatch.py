"""The one tag matcher (reports.text.tagmatch): the importer's proposals, the admin's
suggestions and its near-duplicate check all read names by these rules."""

from django.test import SimpleTestCase

from reports.text import tagmatch
from reports.text.tagmatch import TagMatcher, propose_tags

VOCABULARY = [
    "Iran",
    "Kata’ib Hezbollah",
    "Hezbollah",
    "Baghdad",
    "Green Zone",
    "US",
    "UN",
    "PMF",
    "ISIS",
    "IED",
    "Sadr City",
    "Mustafa al-Kadhimi",
    "Protests",
    "Rocket attacks",
    "Proxy militias",
    "US forces",
    "COVID-19",
    "IRGC",
    "US-Iraq Strategic Dialogue",
]
MATCHER = TagMatcher(VOCABULARY)


class MatcherCase(SimpleTestCase):
    def assertFinds(self, cases, matcher=MATCHER):
        for text, expected in cases:
            with self.subTest(text=text):
                self.assertEqual(matcher.propose(text), expected)


class CaseTests(MatcherCase):
    def test_case_is_ignored_in_names_that_are_not_acronyms(self):
        self.assertFinds(
            [("IRAN said", ["Iran"]), ("iran said", ["Iran"]), ("KATAIB HEZBOLLAH", ["Kata’ib Hezbollah"])]
        )

    def test_acronyms_must_appear_with_their_case(self):
        self.assertFinds(
            [
                ("He told us so.", []),
                ("The US said so.", ["US"]),
                ("the un and the UN", ["UN"]),
                ("Let us see what the PMF and the US do.", ["PMF", "US"]),
                ("Tell us, pmf.", []),
                ("Isis, the goddess", []),
                ("anti-ISIS forces", ["ISIS"]),
                ("ISI", []),
            ]
        )

    def test_an_acronym_within_a_longer_name_keeps_its_case_too(self):
        self.assertFinds([("the US force presence", ["US forces"]), ("take us forces", [])])

    def test_an_acronym_takes_a_plural_s(self):
        self.assertFinds([("three IEDs exploded", ["IED"]), ("three ieds", [])])


class SpellingTests(MatcherCase):
    def test_accents_are_ignored(self):
        self.assertFinds([("Sádr Cíty", ["Sadr City"]), ("Irán", ["Iran"])])

    def test_apostrophes_of_every_kind_are_ignored(self):
        spellings = ("Kata'ib", "Kata’ib", "Kata‘ib", "Kataʼib", "Kata`ib", "Kataib")
        self.assertFinds([(f"{spelling} Hezbollah", ["Kata’ib Hezbollah"]) for spelling in spellings])
        self.assertEqual(propose_tags("Kataib Hezbollah", ["Kata'ib Hezbollah"]), ["Kata'ib Hezbollah"])

    def test_a_possessive_s_is_ignored(self):
        self.assertFinds(
            [
                ("Iran’s proxies", ["Iran"]),
                ("Iran's proxies", ["Iran"]),
                ("Mustafa al-Kadhimi’s government", ["Mustafa al-Kadhimi"]),
                ("Sadr City’s streets", ["Sadr City"]),
            ]
        )

    def test_hyphens_and_spacing_only_separate_words(self):
        self.assertFinds(
            [
                ("Kataib-Hezbollah", ["Kata’ib Hezbollah"]),
                ("Kata’ib\nHezbollah across a line", ["Kata’ib Hezbollah"]),
                ("Kata’ib   Hezbollah", ["Kata’ib Hezbollah"]),
                ("Mustafa al Kadhimi", ["Mustafa al-Kadhimi"]),
                ("Iran-aligned actors", ["Iran"]),
                ("a COVID-19-induced downturn", ["COVID-19"]),
                ("the US-Iraq Strategic Dialogue began", ["US-Iraq Strategic Dialogue"]),
            ]
        )

    def test_other_punctuation_in_a_name_must_be_there_and_stops_a_name_in_the_text(self):
        matcher = TagMatcher(["U.S. forces", "Basra, Iraq", "!!!", "Sadr City"])
        self.assertFinds(
            [
                ("U.S. forces left", ["U.S. forces"]),
                ("US forces left", []),
                ("in Basra, Iraq, today", ["Basra, Iraq"]),
                ("in Basra Iraq", []),
                ("They left Sadr. City life resumed.", []),
                ("Sadr City’s streets!!!", ["Sadr City"]),  # a name without words is never found
            ],
            matcher,
        )


class WordTests(MatcherCase):
    def test_whole_words_only(self):
        self.assertFinds(
            [
                ("Iranian officials", []),
                ("Iranian proxies in Baghdadi markets; a greenzone nearby.", []),
                ("Kadhimi", []),
                ("the Strategic Dialogue", []),
                ("Islamic Revolutionary Guard Corps", []),  # nothing read into the text
            ]
        )

    def test_the_last_word_may_be_singular_or_plural(self):
        self.assertFinds(
            [
                ("one rocket attack", ["Rocket attacks"]),
                ("five rocket attacks", ["Rocket attacks"]),
                ("a protest broke out", ["Protests"]),
                ("protests broke out", ["Protests"]),
                ("a proxy militia", ["Proxy militias"]),
            ]
        )
        self.assertFinds(
            [("proxies", ["Proxy"]), ("a proxy", ["Proxy"]), ("crosses", ["Cross"]), ("militias", ["Militia"])],
            TagMatcher(["Proxy", "Cross", "Militia"]),
        )

    def test_an_agent_noun_is_another_word(self):
        self.assertFinds([("protesters demanded services", []), ("a protester", []), ("protestations", [])])

    def test_only_the_last_word_inflects(self):
        self.assertFinds([("rockets attack", []), ("Proxies militias", [])])


class OverlapAndOrderTests(MatcherCase):
    def test_the_longest_name_wins(self):
        self.assertFinds(
            [
                ("Kata’ib Hezbollah fired.", ["Kata’ib Hezbollah"]),
                ("Kata’ib Hezbollah fired; Hezbollah in Lebanon did not.", ["Kata’ib Hezbollah", "Hezbollah"]),
                ("the US-Iraq Strategic Dialogue", ["US-Iraq Strategic Dialogue"]),
                ("US forces", ["US forces"]),
            ]
        )

    def test_names_come_in_order_of_first_appearance_as_the_vocabulary_writes_them(self):
        text = "Rockets hit the Green Zone in Baghdad. Kata'ib Hezbollah, backed by Iran, denied it. Baghdad again."
        self.assertEqual(MATCHER.propose(text), ["Green Zone", "Baghdad", "Kata’ib Hezbollah", "Iran"])

    def test_of_near_duplicates_found_at_one_place_the_first_in_the_vocabulary_is_proposed(self):
        both = ["Kata'ib Hezbollah", "Kata’ib Hezbollah"]
        self.assertEqual(propose_tags("Kata’ib Hezbollah", both), ["Kata'ib Hezbollah"])
        self.assertEqual(propose_tags("a protest", ["Protests", "Protest"]), ["Protests"])

    def test_nothing_to_propose(self):
        self.assertEqual(propose_tags("", VOCABULARY), [])
        self.assertEqual(propose_tags("Iran", []), [])
        self.assertEqual(propose_tags("Iran and Iran", ["Iran", "Iran", ""]), ["Iran"])
        self.assertEqual(MATCHER.propose("Protesters in Basra and a new Baghdad Brigade."), ["Baghdad"])

    def test_the_matcher_can_be_reused(self):
        self.assertEqual(MATCHER.propose("Iran"), ["Iran"])
        self.assertEqual(MATCHER.propose("Baghdad"), ["Baghdad"])
        self.assertEqual(MATCHER.propose("Iran"), propose_tags("Iran", VOCABULARY))


class NearDuplicateTests(SimpleTestCase):
    def test_near_duplicates_share_a_key(self):
        groups = [
            ["Kata’ib Hezbollah", "Kata'ib Hezbollah", "kata‘ib hezbollah", "Kataʼib  Hezbollah", "KATAIB HEZBOLLAH"],
            ["Sadr City", "Sádr Cíty", "sadr-city", "SadrCity"],
            ["Al-Qaeda", "Al Qaeda", "al qaeda"],
            ["Iran’s", "Iran", "IRAN's"],
        ]
        for group in groups:
            with self.subTest(group[0]):
                self.assertEqual({tagmatch.tag_key(name) for name in group}, {tagmatch.tag_key(group[0])})

    def test_different_names_keep_different_keys(self):
        for a, b in (("Iran", "Iraq"), ("Iran", "Iranian"), ("Kurdistan", "Kurdistan Region"), ("US", "USA")):
            with self.subTest(a=a, b=b):
                self.assertNotEqual(tagmatch.tag_key(a), tagmatch.tag_key(b))

    def test_near_duplicate_groups_and_lookup(self):
        names = ["Kata’ib Hezbollah", "Kata'ib Hezbollah", "Baghdad", "baghdad ", "Iran"]
        self.assertEqual(
            tagmatch.near_duplicate_groups(names),
            [["Kata'ib Hezbollah", "Kata’ib Hezbollah"], ["Baghdad", "baghdad "]],
        )
        self.assertEqual(
            tagmatch.near_duplicates_of("kataib hezbollah", names), ["Kata’ib Hezbollah", "Kata'ib Hezbollah"]
        )
        self.assertEqual(tagmatch.near_duplicates_of("Iran", names), [])

    def test_names_the_matcher_reads_alike_are_near_duplicates(self):
        # The same normal form: a text that proposes one would propose the other.
        for a, b in (("Kata’ib Hezbollah", "Kataib-Hezbollah"), ("Mustafa al-Kadhimi", "Mustafa al Kadhimi")):
            with self.subTest(a=a, b=b):
                self.assertEqual(tagmatch.tag_key(a), tagmatch.tag_key(b))
                self.assertEqual(propose_tags(a, [b]), [b])
