"""Free text → ranked services of the national catalogue.

Citizens say "Hund anmelden", "Perso", "Anwohnerparkausweis"; the catalogue says
"Hundesteuer", "Personalausweis", "Bewohnerparkausweis". The finder bridges that with
four measured steps (figures in data/knowledge/LEISTUNGSKATALOG.md):

1. **Words**: tokens are lemmatised with the lookup table of ``spacy-lookups-data``
   ("Hunde" → "Hund", "melde" → "melden"; the table only, no spaCy pipeline), folded to
   plain letters so "Führerschein", "Fuehrerschein" and "Fuhrerschein" meet, and function
   words are dropped.
   Inflected catalogue words count as their lemma too ("Plakaten" → "Plakat"), so the
   catalogue's and the citizen's forms of a word meet; English function words are dropped too.
2. **Synonyms** from ``data/knowledge/finder_synonyme.yml``: a colloquial word or phrase
   adds the catalogue's words ("perso" → "personalausweis"), each rule with its reason, and
   optionally words that block it ("gestorben" → "Sterbefall", unless a pet died). A written
   word that another rule also points to counts once more ("Impfung" + "Masern").
   A longer word that neither the catalogue nor the German lemma table knows, one edit away
   from exactly one word the finder knows, is read as that word ("Testamnet" → "testament").
3. **Compounds and character 4-grams**: a word neither the catalogue nor the German lemma
   table knows is split into two known words ("Bafögantrag" → "bafög" + "antrag", which then
   triggers the synonyms of "bafög"), or else counts as its longest known start and end
   ("Zweithund" → "hund"; a part a rule names counts more); 4-grams inside words catch
   typos and near-compounds ("anwohnerparkausweis" ~ "bewohnerparkausweis", "hund" ~
   "hundesteuer").
4. **Ranking**: TF-IDF cosine between the query and each service (its name, and its OZG
   service with a lower weight), as one sparse matrix (feature x service): a lookup sums
   the rows of the query's features and touches only services that share one.

Pure: the index is built once from the catalogue; :meth:`Finder.search` has no side effects.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy import sparse

from bot.knowledge.catalogue import CatalogueService, Hit
from bot.knowledge.sources import KNOWLEDGE_DIR, KnowledgeError, read_yaml
from bot.knowledge.text import normalise_plain

__all__ = [
    "CONFIDENT_SCORE",
    "FALLBACK_SCORE",
    "SERVICE_QUESTION_SCORE",
    "Finder",
    "Synonym",
    "canonical_tokens",
    "is_confident",
    "load_synonyms",
]

SYNONYMS_PATH = KNOWLEDGE_DIR / "finder_synonyme.yml"
NGRAM = 4
# Whole-word matches count more than shared character runs: "Hund" should prefer
# "Hund" over every word that merely contains "und".
WORD_WEIGHT = 3.0
# The OZG service ("Hundehaltung") helps to find a LeiKa service ("Hundesteuer"), but a
# service's own name must decide between services of the same OZG group.
OZG_FIELD_WEIGHT = 0.4
MAX_TOKENS = 40
# Minimum scores of the best hit, by how sure the NLU is that the message is about a service.
# Measured on tests/finder_dev.yml (645 service questions, 30 chit-chat negatives); figures in
# data/knowledge/LEISTUNGSKATALOG.md.
# NLU said "out of scope": answer only when no negative reaches the score (0/30 at 0.6;
# 283/645 questions answered, 96.1 % of them right; re-measured after the tuning.yml rounds).
CONFIDENT_SCORE = 0.6
# Candidates ranked per requested hit, so that variants of one service can be skipped.
POOL_FACTOR = 8
# NLU was unsure (nlu_fallback): 492/645 answered, 94.1 % right; 1/30 negatives (an opinion
# question about an election, which the NLU classifies as out of scope anyway).
FALLBACK_SCORE = 0.45
# NLU said "a service question" (online_beantragen) but no detailed service matched: a weak
# hit is still the best answer; below this, generic questions get the list of online services.
SERVICE_QUESTION_SCORE = 0.2
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Particles of separable verbs at the end of a clause ("Wie melde ich mein Auto ab?").
_PARTICLES = frozenset({"ab", "an", "um", "aus", "ein", "auf", "zuruck", "weg"})
_CLAUSE_BREAK = re.compile(r"[,.;:!?()]+|\s(?:und|oder|aber|weil|denn|wenn|dass)\s", re.IGNORECASE)
_CLAUSE_BREAK_KEPT = re.compile(f"({_CLAUSE_BREAK.pattern})", re.IGNORECASE)
# Function words, question words and request verbs: they occur in questions about every
# service and carry no hint which one is meant. Compared after folding (see _fold).
_STOPWORDS_RAW = """
a ab aber abgeben alle allem allen aller alles als also am an andere anderen auch auf aus bei beim
bin bis bitte bzw da damit dann das dass dem den denen der des dessen die dies diese diesem diesen
dieser dieses doch dort du durch ein eine einem einen einer eines er es etwas euch euer fuer für gegen
gibt geht gehen habe haben hat hatte hier hin ich ihm ihn ihr ihre ihrem ihren ihrer im in ins ist ja
jetzt kann kein keine koennen können könnte machen mache man mein meine meinem meinen meiner meines
mich mir mit moechte möchte muss müssen nach nicht noch nun nur ob oder ohne schon sein seine sich sie
sind so soll sollte sollen ueber über um und uns unser unsere unter vom von vor wann war warum was
weil welche welchem welchen welcher welches wenn wer werde werden wie wieder will wir wird wo woher
wohin wollen würde zu zum zur zwar hallo guten tag danke brauche brauchen benötige benötigen bekomme
bekommen kriege kriegen erhalten beantragen beantrage antrag anträge online internet digital
stelle stellen tun erledigen hilfe helfen frage fragen infos info information informationen gerne
bzw. eigentlich eigentl also mal denn halt einfach genau bitte wissen weiß wo kriegt man dafür dazu
leistung leistungen dienstleistung dienstleistungen service amt ämter behörde behörden verwaltung
formular formulare sachen dinge alles erledigen
""".split()  # noqa: SIM905 - a word list reads better as text
# The same for English questions of newcomers ("How do I register my dog?"): without them, every
# English function word counts as an unknown word and pulls the score under the answer gates.
# Not "it": the catalogue writes "IT-Verfahren".
_STOPWORDS_EN = """
how do does did i my me we our us you your the a an to for of on at after with can could would
should want need get got apply applying where what when who which why is are am be been its this
that there please hello hi thanks thank have has from about or and if
""".split()  # noqa: SIM905


# Who demands a document is not the document: in "Mein Arbeitgeber will ein Führungszeugnis" or
# "Mein neuer Job im Kindergarten will ein Führungszeugnis", the words before the demanding verb
# (employer, kindergarten) would outrank the service the citizen needs. A clause that starts
# with a possessive and demands something counts from the verb's object on. Not "braucht"
# ("Mein Hund braucht eine Marke" is about the dog), and not an article: in "die Botschaft will
# eine Erklärung" the embassy tells which declaration (measured on tests/finder/tuning.yml).
_REQUESTER = re.compile(
    r"^\s*(?:mein|meine|meinem|unser|unsere|my|our)\s.{0,60}?"
    r"\b(?:will|verlangt|fordert|möchte|moechte|wants|asks\s+for|requires)\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)


def _fold(word: str) -> str:
    # Plain letters and no "ae/oe/ue" digraphs, so umlaut, transliteration and dropped dots
    # meet: "Führerschein", "Fuehrerschein", "Fuhrerschein" -> "fuhrerschein".
    plain = normalise_plain(word).replace(" ", "")
    return plain.replace("ae", "a").replace("oe", "o").replace("ue", "u")


_STOPWORDS = frozenset(_fold(w) for w in (*_STOPWORDS_RAW, *_STOPWORDS_EN))
# Linking sounds between the parts of a compound ("Hund-e-anmeldung", "Hochzeit-s-anmeldung").
_FUGEN = ("", "s", "e", "n", "en", "es")
MIN_COMPOUND = 7
MIN_PART = 3
# A part found by splitting counts less than a word the citizen wrote: the split may be wrong.
PART_WEIGHT = 0.5
# The one known part of a compound whose other part is unknown must be a word of its own.
MIN_KNOWN_PART = 4
# A typo is corrected to a known word at one edit (deleted, added, changed or swapped letter):
# "Testamnet" -> "testament". Only longer words (short ones have too many neighbours) and only
# when exactly one known word is that close.
MIN_TYPO = 6
# Same weight as a part of a two-part split: measured 0.15–0.5, 0.5 best on tuning + dev together.
LONE_PART_WEIGHT = PART_WEIGHT
# A known part that a synonym rule names on its own ("Musik|festival") is a word, not a chance
# syllable: measured 0.75 and 1.0 on tuning + dev; 0.75 gains one query and loses none.
NAMED_PART_WEIGHT = 0.75


@dataclass(frozen=True)
class Synonym:
    """A colloquial word or phrase (all words present) → words the catalogue uses."""

    when: tuple[str, ...]
    add: tuple[str, ...]
    reason: str
    # Words that block the rule ("gestorben" is a death to register, unless it was the dog).
    unless: tuple[str, ...] = ()

    def applies(self, words: set[str]) -> bool:
        """True if all ``when`` words and no ``unless`` word are among ``words``."""
        return set(self.when) <= words and not words.intersection(self.unless)


def _lemma_path() -> Path:
    return Path(
        str(resources.files("spacy_lookups_data").joinpath("data").joinpath("de_lemma_lookup.json.gz"))
    )


@lru_cache(maxsize=1)
def full_lemma_table() -> dict[str, str]:
    """The German lookup table of spacy-lookups-data: surface form -> lemma (355k entries)."""
    with gzip.open(_lemma_path(), "rt", encoding="utf-8") as handle:
        table: dict[str, str] = json.load(handle)
    return table


def _reduce_lemmas(table: dict[str, str], vocabulary: set[str]) -> dict[str, str]:
    # Only lemmas that can matter (words of the catalogue and of the synonym rules) are kept:
    # a few thousand entries instead of 355k, and no lemma can turn a word into one that
    # matches nothing.
    reduced: dict[str, str] = {}
    for surface, lemma in table.items():
        folded_lemma = _fold(lemma)
        if folded_lemma in vocabulary:
            folded_surface = _fold(surface)
            if folded_surface != folded_lemma:
                reduced.setdefault(folded_surface, folded_lemma)
    return reduced


def _catalogue_lemmas(table: dict[str, str], words: set[str]) -> set[str]:
    # The lemmas of inflected catalogue words ("Plakaten" -> "Plakat", "Klassenfahrten" ->
    # "Klassenfahrt"): with them in the vocabulary, the catalogue's and the citizen's forms of a
    # word ("Plakate") meet at the same lemma.
    # Only plain endings are removed (the lemma begins the word) and only for longer words: the
    # table's guesses for short or irregular forms ("Alter" -> "alt", "gelber" -> "Geld") would
    # make unrelated services match.
    lemmas: set[str] = set()
    for surface, lemma in table.items():
        folded, folded_lemma = _fold(surface), _fold(lemma)
        if folded in words and len(folded_lemma) >= MIN_COMPOUND - 1 and folded.startswith(folded_lemma):
            lemmas.add(folded_lemma)
    return lemmas


def _raw_tokens(text: str) -> list[str]:
    return [t for t in (_fold(m) for m in _TOKEN.findall(text[:2000])) if t][:MAX_TOKENS]


def canonical_tokens(text: str, lemmas: dict[str, str]) -> list[str]:
    """Folded, lemmatised content words of ``text`` (function words dropped)."""
    tokens = (lemmas.get(t, t) for t in _raw_tokens(text))
    return [t for t in tokens if t not in _STOPWORDS and (len(t) > 1 or t.isdigit())]


def _features(tokens: Iterable[str], weight: float = 1.0) -> dict[str, float]:
    features: dict[str, float] = {}
    for token in tokens:
        word = "w:" + token
        features[word] = features.get(word, 0.0) + WORD_WEIGHT * weight
        padded = f"#{token}#"
        for i in range(max(1, len(padded) - NGRAM + 1)):
            gram = padded[i : i + NGRAM]
            features[gram] = features.get(gram, 0.0) + weight
    return features


def _merge(first: dict[str, float], second: dict[str, float]) -> dict[str, float]:
    merged = dict(first)
    for feature, weight in second.items():
        merged[feature] = merged.get(feature, 0.0) + weight
    return merged


class Finder:
    """Index over catalogue services; :meth:`search` ranks them for a question."""

    def __init__(self, services: tuple[CatalogueService, ...], synonyms: tuple[Synonym, ...]) -> None:
        self._services = services
        vocabulary = {t for s in services for t in _raw_tokens(f"{s.name} {s.ozg_leistung}")} | {
            w for syn in synonyms for w in (*syn.when, *syn.add, *syn.unless)
        }
        vocabulary |= _catalogue_lemmas(full_lemma_table(), vocabulary)
        self._lemmas = _reduce_lemmas(full_lemma_table(), vocabulary)
        self._synonyms = tuple(
            Synonym(
                when=tuple(self._lemmas.get(w, w) for w in syn.when),
                add=tuple(self._lemmas.get(w, w) for w in syn.add),
                reason=syn.reason,
                unless=tuple(self._lemmas.get(w, w) for w in syn.unless),
            )
            for syn in synonyms
        )
        self._rule_words = tuple((syn, frozenset(syn.when)) for syn in self._synonyms)
        docs = [
            _merge(
                _features(canonical_tokens(s.name, self._lemmas)),
                _features(canonical_tokens(s.ozg_leistung, self._lemmas), OZG_FIELD_WEIGHT),
            )
            for s in services
        ]
        n_docs = len(docs)
        df: Counter[str] = Counter(f for doc in docs for f in doc)
        self._idf = {f: math.log((n_docs + 1) / (count + 1)) + 1.0 for f, count in df.items()}
        # One row per feature, one column per service: a query sums the rows of its features.
        self._column = {f: i for i, f in enumerate(df)}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for index, doc in enumerate(docs):
            weights = {f: tf * self._idf[f] for f, tf in doc.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for f, w in weights.items():
                rows.append(self._column[f])
                cols.append(index)
                values.append(w / norm)
        self._matrix = sparse.csr_matrix(
            (np.asarray(values, dtype=np.float32), (rows, cols)), shape=(len(df), n_docs)
        )
        # Short names first among equal scores: the general service ("Hundesteuer") before
        # its special cases ("Hundesteuer Befreiung").
        self._tiebreak = np.asarray([len(s.name) for s in services], dtype=np.float32) * 1e-6
        self._max_idf = math.log(n_docs + 1) + 1.0
        # Words a compound of the question may be made of: the catalogue's, the synonym rules'
        # and function words ("Bafög|antrag", "Hunde|anmeldung", "Kita|gebühren").
        self._known = (
            {t for s in services for t in canonical_tokens(f"{s.name} {s.ozg_leistung}", self._lemmas)}
            | {w for syn in self._synonyms for w in syn.when}
            | _STOPWORDS
        )
        # Content words only: a function word alone ("und", "mit") says nothing about a service.
        self._known_content = self._known - _STOPWORDS
        self._catalogue_words = {f[2:] for f in self._column if f.startswith("w:")}
        # Words of the German lemma table are words in their own right ("vereinbaren",
        # "Jagdhund"): only unknown words are split.
        self._dictionary = {_fold(w) for w in full_lemma_table()} | {
            _fold(w) for w in full_lemma_table().values()
        }
        self._near = _deletion_index(w for w in self._known_content if len(w) >= MIN_TYPO - 1)

    def correct(self, token: str) -> str:
        """The one known word ``token`` is a typo of (one edit away), else ``token`` itself."""
        if len(token) < MIN_TYPO or token in self._known or token in self._dictionary:
            return token
        candidates = {
            word
            for variant in (token, *_deletions(token))
            for word in self._near.get(variant, ())
            if _one_edit_apart(token, word)
        }
        return candidates.pop() if len(candidates) == 1 else token

    def split(self, token: str) -> tuple[str, ...]:
        """(modifier, head) of a compound the catalogue does not know, both known words, or ()."""
        if len(token) < MIN_COMPOUND or token in self._catalogue_words or token in self._dictionary:
            return ()
        best: tuple[str, ...] = ()
        best_balance = 0
        for cut in range(MIN_PART, len(token) - MIN_PART + 1):
            head = self._lemmas.get(token[cut:], token[cut:])
            if head not in self._known:
                continue
            for stem in self._modifier_stems(token[:cut]):
                # The most balanced split wins: "Grundsteuer|erklärung", not "Grund|steuererklärung".
                balance = min(len(stem), len(head))
                if len(stem) >= MIN_PART and stem in self._known and balance > best_balance:
                    best, best_balance = (stem, head), balance
                    break
        return best

    def _modifier_stems(self, modifier: str) -> Iterator[str]:
        """The first part of a compound without each possible linking element ("Fugen-s"), as lemmas."""
        for fuge in _FUGEN:
            if fuge and not modifier.endswith(fuge):
                continue
            stem = modifier[: len(modifier) - len(fuge)]
            yield self._lemmas.get(stem, stem)

    def known_part(self, token: str) -> tuple[str, ...]:
        """The longest known part of an unknown compound that :meth:`split` cannot split, or ()."""
        if len(token) < MIN_COMPOUND or token in self._catalogue_words or token in self._dictionary:
            return ()
        # A compound with one known part and one the catalogue never uses ("Zweit|hund",
        # "Hunde|haftpflicht", "Wasser|zähler"): the known part still says what it is about.
        # The longest known part wins (more specific); it must be a real word, not a syllable.
        # The longest known end and the longest known start both count when they do not overlap:
        # "Hunde|haft|pflicht" is about a dog and a duty.
        head_best, head_cut = "", len(token)
        modifier_best, modifier_cut = "", 0
        for cut in range(MIN_PART, len(token) - MIN_PART + 1):
            head = self._lemmas.get(token[cut:], token[cut:])
            if len(head) >= MIN_KNOWN_PART and head in self._known_content and len(head) > len(head_best):
                head_best, head_cut = head, cut
            for stem in self._modifier_stems(token[:cut]):
                if (
                    len(stem) >= MIN_KNOWN_PART
                    and stem in self._known_content
                    and len(stem) > len(modifier_best)
                ):
                    modifier_best, modifier_cut = stem, cut
        if head_best and modifier_best and modifier_cut <= head_cut:
            return (modifier_best, head_best)
        best = max((head_best, modifier_best), key=len)
        return (best,) if best else ()

    def _drop_requesters(self, text: str) -> str:
        """Each clause without the one who demands the service (see ``_REQUESTER``)."""
        # Clauses and their breaks alternate; the breaks stay for _join_separable.
        pieces = _CLAUSE_BREAK_KEPT.split(text)
        for index in range(0, len(pieces), 2):
            match = _REQUESTER.match(pieces[index])
            # The rest must still name something: "Meine Frau will das" keeps the wife.
            if match and canonical_tokens(match["rest"], self._lemmas):
                pieces[index] = match["rest"]
        return "".join(pieces)

    def _join_separable(self, text: str) -> str:
        """Rejoin a separable verb split by the clause: "Wie melde ich mein Auto ab?" → "abmelden".

        The particle ends the clause; the verb is the first word before it that makes a known
        word with it ("ab" + "melden"), so "Ich melde mein Gewerbe ab" finds "Gewerbe
        Abmeldung", not the bare "Gewerbe".
        """
        clauses = _CLAUSE_BREAK.split(text)
        for index, clause in enumerate(clauses):
            words = _TOKEN.findall(clause)
            if len(words) < 2 or _fold(words[-1]) not in _PARTICLES:
                continue
            particle = _fold(words[-1])
            for word in words[:-1]:
                verb = self._separable_verb(particle, word)
                if verb:
                    # The verb's own word stays: rules may name it ("erkennen" + "Kind").
                    clauses[index] = " ".join([*words[:-1], verb])
                    break
        return " ".join(clauses)

    def _separable_verb(self, particle: str, word: str) -> str | None:
        """``particle`` + the infinitive of ``word``, if the finder knows that verb."""
        folded = _fold(word)
        lemma = _fold(full_lemma_table().get(word.lower(), full_lemma_table().get(folded, folded)))
        for infinitive in (lemma, folded + "en", folded + "n"):
            if particle + infinitive in self._known:
                return particle + infinitive
        return None

    def _rejoined(self, raw: list[str]) -> list[str]:
        """Compounds the citizen wrote as two words ("Schwerbehinderten Ausweis", "Hunde Steuer").

        Joined, they are the catalogue's word; apart, the second word alone ("Ausweis") points
        to the wrong service ("Personalausweis").
        """
        joined = []
        for first, second in pairwise(raw):
            word = first + second
            if len(word) >= MIN_COMPOUND and self._lemmas.get(word, word) in self._catalogue_words:
                joined.append(word)
        return joined

    def query_tokens(self, text: str) -> list[str]:
        """The query's content words after lemmas and synonym expansion (for tests and tuning)."""
        tokens, parts, lone, _ = self._query(text)
        return tokens + parts + lone

    def _query(self, text: str) -> tuple[list[str], list[str], list[str], frozenset[str]]:
        # (words and synonym additions, parts of unknown compounds, lone known parts, the lone
        # parts a rule names), each word once: a repeated word ("bla bla bla …") must not
        # outweigh the one that matters.
        raw = _raw_tokens(self._join_separable(self._drop_requesters(text)))
        corrected = {t: self.correct(t) for t in raw}
        text = " ".join([*(corrected[t] for t in raw), *self._rejoined(raw)])
        words = [self._lemmas.get(t, t) for t in _raw_tokens(text)]
        splits = {w: self.split(w) for w in words}
        # A compound the catalogue does not know counts as its parts too ("Bafögantrag").
        parts = [p for w in words for p in splits[w]]
        # ... or, failing that, as its one known part ("Zweithund"), with a lower weight.
        lone = [p for w in words if not splits[w] for p in self.known_part(w)]
        tokens = list(dict.fromkeys(canonical_tokens(text, self._lemmas)))
        # Synonym phrases may contain function words ("Führerschein machen"), so they are
        # matched against every word of the text, not only the content words.
        written = set(words)
        # Only rules whose words all occur somewhere can apply (one pass over all rules).
        universe = written | set(parts) | set(lone)
        rules = [syn for syn, when in self._rule_words if when <= universe]
        added = [w for syn in rules if syn.applies(written) for w in syn.add]
        # A word the citizen wrote that another of their words also points to ("Impfung" and
        # "Masern" -> "Impfung") has two pieces of evidence: it counts once more, as a part.
        confirmed = [
            w for syn in rules if syn.applies(written) for w in syn.add if w in tokens and w not in syn.when
        ]
        tokens += [w for w in dict.fromkeys(added) if w not in tokens]
        # Rules that only a split part triggers are as uncertain as the split itself.
        present = written | set(parts)
        via_parts = [w for syn in rules if syn.applies(present) for w in syn.add]
        extra = [p for p in dict.fromkeys(parts + via_parts) if p not in _STOPWORDS and p not in tokens]
        extra += [w for w in dict.fromkeys(confirmed) if w not in extra]
        # The known part triggers its synonyms too ("Zweithund" → "hund" → "Hundesteuer").
        via_lone = [w for syn in rules if syn.applies(present | set(lone)) for w in syn.add]
        lone = [
            p
            for p in dict.fromkeys(lone + via_lone)
            if p not in _STOPWORDS and p not in tokens and p not in extra
        ]
        # A known part that a synonym rule names on its own ("Musik|festival": "festival" ->
        # "Veranstaltung") is a word with a meaning of its own, not a chance syllable: it and
        # what it adds count more than an unexplained part.
        own_rules = {
            w
            for syn in rules
            if len(syn.when) == 1 and syn.when[0] in lone and syn.applies(present | set(lone))
            for w in (*syn.when, *syn.add)
        }
        return tokens, extra, lone, frozenset(own_rules)

    def content_words(self, text: str) -> list[str]:
        """The words of ``text`` the finder searches with (lemmas, function words dropped)."""
        return canonical_tokens(text, self._lemmas)

    def search(self, text: str, limit: int = 4) -> list[Hit]:
        """Up to ``limit`` services for ``text``, best first, each with a score in 0..1.

        Each service appears once (:func:`same_service`): the variants of one service would
        otherwise fill the first places and push the other candidates out.

        The score is the cosine between query and service; words of the query that the
        catalogue never uses count in the query's length, so "Wetter morgen" scores low
        even if one service mentions weather.
        """
        tokens, parts, lone, named = self._query(text)
        if not (tokens or parts or lone) or limit <= 0:
            return []
        query = _features(tokens)
        for feature, weight in _features(parts, PART_WEIGHT).items():
            query[feature] = query.get(feature, 0.0) + weight
        for feature, weight in _features([p for p in lone if p in named], NAMED_PART_WEIGHT).items():
            query[feature] = query.get(feature, 0.0) + weight
        for feature, weight in _features([p for p in lone if p not in named], LONE_PART_WEIGHT).items():
            query[feature] = query.get(feature, 0.0) + weight
        rows: list[int] = []
        weights: list[float] = []
        norm_sq = 0.0
        for feature, tf in query.items():
            row = self._column.get(feature)
            if row is None:
                # Unknown whole words lower the score; unknown n-grams are just noise.
                if feature.startswith("w:"):
                    norm_sq += (tf * self._max_idf) ** 2
                continue
            weight = tf * self._idf[feature]
            norm_sq += weight * weight
            rows.append(row)
            weights.append(weight)
        if not rows:
            return []
        scores = np.asarray(self._matrix[rows].T @ np.asarray(weights, dtype=np.float32)).ravel()
        if not scores.any():
            return []
        scores /= math.sqrt(norm_sq)
        positive = int(np.count_nonzero(scores > 0))
        count = min(limit, positive)
        width = count * POOL_FACTOR
        while True:
            hits = self._distinct_best(scores, width, count)
            # The variants of one service can fill a whole pool ("Personalausweis"): widen it.
            if len(hits) == count or width >= positive:
                return hits
            width *= 4

    def _distinct_best(self, scores: np.ndarray, width: int, count: int) -> list[Hit]:
        """The ``count`` best services among the ``width`` best rows, one row per service."""
        pool = np.argpartition(-scores, width - 1)[:width] if len(scores) > width else np.arange(len(scores))
        ranked = sorted(pool.tolist(), key=lambda i: (-scores[i] + self._tiebreak[i], i))
        hits: list[Hit] = []
        for i in ranked:
            if scores[i] <= 0 or len(hits) == count:
                break
            if not any(same_service(self._services[i], hit.service) for hit in hits):
                hits.append(Hit(self._services[i], round(float(scores[i]), 4)))
        return hits


def same_service(first: CatalogueService, second: CatalogueService) -> bool:
    """Whether two catalogue rows are one service for the citizen.

    A LeiKa key is the service object (8 digits), the "Verrichtung" (3) and its detail (3).
    The object alone ("Gesundheitszeugnis", Verrichtung 000) and its details ("… Ausstellung
    für Personen") are one service; two Verrichtungen of one object ("Wohnsitz Anmeldung",
    "Wohnsitz Abmeldung") are two. Rows without a key are compared by name.
    """
    a, b = first.leika_schluessel, second.leika_schluessel
    if not (a and b):
        return first.name.casefold() == second.name.casefold()
    if a[:8] != b[:8]:
        return False
    return a[8:11] == b[8:11] or "000" in (a[8:11], b[8:11])


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _deletion_index(words: Iterable[str]) -> dict[str, frozenset[str]]:
    # Each word and each of its one-letter deletions point to the word: two words one edit
    # apart share a key (symmetric deletion), so a lookup needs no scan over the vocabulary.
    index: dict[str, set[str]] = {}
    for word in words:
        for key in (word, *_deletions(word)):
            index.setdefault(key, set()).add(word)
    return {key: frozenset(found) for key, found in index.items()}


def _one_edit_apart(first: str, second: str) -> bool:
    """True if one deleted, added, changed or swapped (adjacent) letter turns one into the other."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diff = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and first[diff[0]] == second[diff[1]]
            and first[diff[1]] == second[diff[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def is_confident(hits: list[Hit], threshold: float = CONFIDENT_SCORE) -> bool:
    """True if the best hit reaches ``threshold`` (default: good enough for an out-of-scope message)."""
    return bool(hits) and hits[0].score >= threshold


def _words(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: expected a non-empty string")
    words = tuple(_raw_tokens(value))
    if not words:
        raise KnowledgeError(f"{where}: no words in {value!r}")
    return words


def parse_synonyms(path: Path) -> tuple[Synonym, ...]:
    """Read and validate a synonym file; every rule needs ``wenn``, ``dann`` and ``grund``.

    An optional ``ausser`` lists words that block the rule when one of them occurs. A phrase
    has one rule: a second rule for the same ``wenn`` is refused (its words belong in the first).
    """
    entries = read_yaml(path).get("synonyme")
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError(f"{path}: 'synonyme' must be a non-empty list")
    rules: list[Synonym] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(entries, start=1):
        where = f"{path}: rule {number}"
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{where}: must be a mapping")
        reason = raw.get("grund")
        if not isinstance(reason, str) or len(reason.split()) < 3:
            raise KnowledgeError(f"{where}: 'grund' must say why (a sentence)")
        targets = raw.get("dann")
        if not isinstance(targets, list) or not targets:
            raise KnowledgeError(f"{where}: 'dann' must be a non-empty list")
        added = tuple(w for t in targets for w in _words(t, f"{where} dann"))
        unless = raw.get("ausser")
        when = _words(raw.get("wenn"), f"{where} wenn")
        if when in seen:
            raise KnowledgeError(f"{where}: 'wenn: {' '.join(when)}' already has rule {seen[when]}")
        seen[when] = number
        rules.append(
            Synonym(
                when=when,
                add=added,
                reason=reason,
                unless=() if unless is None else _words(unless, f"{where} ausser"),
            )
        )
    return tuple(rules)


@lru_cache(maxsize=4)
def load_synonyms(path: Path | None = None) -> tuple[Synonym, ...]:
    """Load the finder's synonym rules once (cached per path)."""
    return parse_synonyms(path or SYNONYMS_PATH)
