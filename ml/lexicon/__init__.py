"""The polarity lexicon: strong and mild words and phrases, negations, intensifiers and sarcasm
markers of Spanish, Portuguese and English, read from one customer turn as nine numbers.

The numbers are features beside the n-grams, never rules: the model learns how much each counts.
They let the model read a strong word it never saw in its corpus ("estafa", "rip off") the way it
reads the ones it did, since all strong negative entries add to one column.

Columns (`KINDS`): positive and negative strength (negated entries and sarcasm excluded), negated
positive ("no me gustó", "not happy"), negated negative ("nada mal", "not bad"), sarcasm (markers
such as "gracias por nada" plus any praise in the same turn), the part of positive/negative
strength preceded by an intensifier ("muy malo"), and positive/negative strength times the turn's
emphasis. Emphasis ("!", capitals, stretched letters) only ever multiplies what the words say: on
its own it is worth nothing, so "ok!!!" reads as "ok" and "horrible!!!" as a stronger "horrible".
"""

import hashlib
import re
from dataclasses import dataclass
from types import ModuleType

from ml.lexicon import emoji, en, es, pt
from ml.stopwords import STOP_WORDS
import ml.text
from ml.text import BREAKS, TEXT_CHARS, is_stretched, normal, tokens

KINDS = (
    "positive",
    "negative",
    "negated_positive",
    "negated_negative",
    "sarcasm",
    "intensified_positive",
    "intensified_negative",
    "emphatic_positive",
    "emphatic_negative",
)
# Columns an explanation lists as one term, named by the entries that fired.
GROUPS = {
    "positive": ("positive", "intensified_positive", "emphatic_positive"),
    "negative": ("negative", "intensified_negative", "emphatic_negative"),
    "negated_positive": ("negated_positive",),
    "negated_negative": ("negated_negative",),
    "sarcasm": ("sarcasm",),
}
GROUP_OF_KIND = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
CLIP = 4.0  # one turn full of praise counts as a few strong words, not as forty
NEGATION_REACH = 3  # "no es tan bueno": a negator up to three words before an entry turns it
INTENSIFIER_REACH = 2


@dataclass(frozen=True, slots=True)
class Entry:
    words: tuple[str, ...]
    polarity: str  # positive, negative, sarcasm or neutral
    strength: float

    @property
    def phrase(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class Reading:
    values: tuple[float, ...]  # in KINDS order
    shown: tuple[tuple[str, str], ...]  # (group, entry as read), in the turn's order

    def entries(self, group: str) -> list[str]:
        return [text for g, text in self.shown if g == group]


NOTHING = Reading((0.0,) * len(KINDS), ())


def _phrases(block: str) -> list[tuple[str, ...]]:
    out = []
    for raw in block.replace("\n", " ").split(","):
        words = tuple(tokens(normal(raw.strip())))
        if words:
            out.append(words)
    return out


def _build(languages: tuple[ModuleType, ...]) -> tuple[dict[str, list[Entry]], frozenset[str], frozenset[str]]:
    strongest: dict[tuple[str, ...], Entry] = {}
    for language in languages:
        for block, polarity, strength in (
            ("STRONG_NEGATIVE", "negative", 2.0), ("NEGATIVE", "negative", 1.0),
            ("STRONG_POSITIVE", "positive", 2.0), ("POSITIVE", "positive", 1.0),
            ("SARCASM", "sarcasm", 2.0), ("NEUTRAL", "neutral", 0.0),
        ):
            for words in _phrases(getattr(language, block)):
                known = strongest.get(words)
                # A word two languages share keeps its strongest reading; neutral phrases win (greetings).
                if known is None or polarity == "neutral" or (known.polarity != "neutral" and strength > known.strength):
                    strongest[words] = Entry(words, polarity, strength)
    index: dict[str, list[Entry]] = {}
    for entry in strongest.values():
        index.setdefault(entry.words[0], []).append(entry)
    for entries in index.values():
        entries.sort(key=lambda e: -len(e.words))  # the longest phrase first
    negators = frozenset(w for language in languages for (w,) in _phrases(language.NEGATORS))
    intensifiers = frozenset(w for language in languages for (w,) in _phrases(language.INTENSIFIERS))
    return index, negators, intensifiers


LANGUAGES = (es, pt, en)
INDEX, NEGATORS, INTENSIFIERS = _build(LANGUAGES)
EMOJIS: dict[str, tuple[str, float]] = {
    **{e: ("negative", float(s)) for e, s in emoji.NEGATIVE.items()},
    **{e: ("positive", float(s)) for e, s in emoji.POSITIVE.items()},
}
_EMOJI_CHARS = frozenset(EMOJIS)
_WATCHED = frozenset(INDEX) | NEGATORS | INTENSIFIERS | BREAKS
# Matching looks up a one-word entry by its word, a longer one by its first two words.
_SINGLE = {first: e for first, entries in INDEX.items() for e in entries if len(e.words) == 1}
_LONGER: dict[tuple[str, str], list[Entry]] = {}
for _entries in INDEX.values():
    for _entry in _entries:  # longest first, as INDEX keeps them
        if len(_entry.words) > 1:
            _LONGER.setdefault(_entry.words[:2], []).append(_entry)
_KNOWN = frozenset(w for entries in INDEX.values() for e in entries for w in e.words) | NEGATORS | INTENSIFIERS


def _anchor(words: tuple[str, ...]) -> str:
    """The word of an entry least likely to occur by chance: a turn without it cannot hold the entry."""
    plain = [w for w in words if w not in STOP_WORDS and w not in NEGATORS and w not in INTENSIFIERS] or list(words)
    return max(plain, key=len)


# One set test tells most turns (a question about opening hours) that they hold no entry at all; for
# the others, an entry is possible only if all its words are there.
_BY_ANCHOR: dict[str, list[frozenset[str]]] = {}
for _entries in INDEX.values():
    for _entry in _entries:
        _BY_ANCHOR.setdefault(_anchor(_entry.words), []).append(frozenset(_entry.words))
_ANCHORS = frozenset(_BY_ANCHOR)


def _may_hold_an_entry(words: list[str]) -> bool:
    present = _ANCHORS.intersection(words)
    if not present:
        return False
    have = set(words)
    return any(needed <= have for anchor in present for needed in _BY_ANCHOR[anchor])


def digest() -> str:
    """sha256 of everything the lexicon reads: a model records it, and is refused if it changes."""
    parts = []
    for first in sorted(INDEX):
        parts += [f"{' '.join(e.words)}|{e.polarity}|{e.strength}" for e in INDEX[first]]
    parts += sorted(NEGATORS) + ["--"] + sorted(INTENSIFIERS) + ["--"]
    parts += [f"{e}|{p}|{s}" for e, (p, s) in sorted(EMOJIS.items())]
    parts += [f"{NEGATION_REACH},{INTENSIFIER_REACH},{CLIP}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


_TWO_CAPITALS = re.compile(r"[A-ZÀ-ÖØ-Þ]{2}")  # without them no word is written in capitals


def emphasis(text: str, stretched: bool | None = None) -> float:
    """0, 0.5 or 1: how loudly a turn is written ("!", words in capitals, stretched letters)."""
    marks = text.count("!")
    capitals = sum(1 for w in text.split() if len(w) > 1 and w.isupper()) if _TWO_CAPITALS.search(text) else 0
    if stretched is None:
        stretched = is_stretched(ml.text.fold(text))
    if marks >= 2 or capitals >= 2 or stretched:
        return 1.0
    if marks == 1 or capitals == 1:
        return 0.5
    return 0.0


def _unstretched(word: str) -> str:
    """A word whose stretched letters were cut to two ("horribleeee" -> "horriblee") as the lexicon
    knows it: each doubled letter made single in turn, then all of them; the word itself otherwise."""
    if word in _KNOWN:
        return word
    doubles = [i for i in range(1, len(word)) if word[i] == word[i - 1]]
    candidates = [word[:i] + word[i + 1 :] for i in doubles]
    if len(doubles) > 1:
        candidates.append("".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1]))
    return next((c for c in candidates if c in _KNOWN), word)


def read(text: str) -> Reading:
    """The lexicon's reading of one turn's raw text."""
    return read_turn(text, *ml.text.read(text))


def read_turn(raw: str, folded: str, words: list[str], stretched: bool) -> Reading:
    """The same from a turn already read by `ml.text.read` (raw text for capitals, "!" and emojis)."""
    raw = raw[:TEXT_CHARS]
    emojis = _EMOJI_CHARS.intersection(raw) if not raw.isascii() else ()
    if not emojis and not stretched and not _may_hold_an_entry(words):
        return NOTHING  # most turns
    words = tokens(folded)  # now with the marks that end a negation's reach
    if stretched:
        words = [_unstretched(w) for w in words]
    # Only words that can start an entry, negate, intensify or end a clause matter.
    watched = [i for i, w in enumerate(words) if w in _WATCHED]
    hits: list[tuple[Entry, str | None, bool]] = []  # (entry, negator word or None, intensified)
    negator, negator_at, intensifier_at = None, -99, -99
    n, resume = len(words), 0
    for i in watched:
        if i < resume:  # inside a phrase already matched
            continue
        word = words[i]
        if word in BREAKS:
            negator_at = intensifier_at = -99
            continue
        matched = None
        if i + 1 < n:
            for entry in _LONGER.get((word, words[i + 1]), ()):
                size = len(entry.words)
                if size == 2 or tuple(words[i : i + size]) == entry.words:
                    matched = entry
                    break
        if matched is None:
            matched = _SINGLE.get(word)
            # "bem ruim", "bien malo": an intensifier that is also a word of its own leans on the next one.
            if matched is not None and word in INTENSIFIERS and i + 1 < n and words[i + 1] in INDEX:
                matched = None
        if matched is not None:
            if matched.polarity != "neutral":
                negated = negator if i - negator_at <= NEGATION_REACH else None
                hits.append((matched, negated, i - intensifier_at <= INTENSIFIER_REACH))
            resume = i + len(matched.words)
        elif word in NEGATORS:
            negator, negator_at = word, i
        elif word in INTENSIFIERS:
            intensifier_at = i
    for ch in sorted(emojis):
        polarity, strength = EMOJIS[ch]
        hits.append((Entry((ch,), polarity, strength), None, False))
    if not hits:
        return NOTHING
    return _reading(hits, emphasis(raw, stretched))


_AT = {kind: i for i, kind in enumerate(KINDS)}


def _reading(hits: list[tuple[Entry, str | None, bool]], loudness: float) -> Reading:
    values = [0.0] * len(KINDS)
    shown: list[tuple[str, str]] = []
    sarcastic = any(e.polarity == "sarcasm" for e, _, _ in hits)
    for entry, negated, intensified in hits:
        phrase = entry.phrase
        if entry.polarity == "sarcasm" or (sarcastic and entry.polarity == "positive" and not negated):
            kind = "sarcasm"  # praise beside a sarcasm marker is read as part of it
        elif negated:
            kind = "negated_positive" if entry.polarity == "positive" else "negated_negative"
            phrase = f"{negated} {phrase}"
        else:
            kind = entry.polarity
            if intensified:
                values[_AT["intensified_" + kind]] += entry.strength
            values[_AT["emphatic_" + kind]] += entry.strength * loudness
        values[_AT[kind]] += entry.strength
        shown.append((GROUP_OF_KIND[kind], phrase))
    return Reading(tuple(values) if max(values) <= CLIP else tuple(min(v, CLIP) for v in values), tuple(shown))
