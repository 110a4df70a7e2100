"""The n-grams a turn yields: what the word and character blocks count, read once per turn.

Word n-grams are single words and pairs of neighbouring words (of two letters or more), except
those made only of function words (`ml.stopwords`). Character n-grams are 4-letter pieces of each
word padded with a space at both ends (" ruim " gives " rui", "ruim", "uim "), which catch
spellings the word n-grams never saw ("pessimo", "pésssimo", "obgd"). (3-5 and 4-5 letters scored
no better on the held-out corpus, MWOZ or SGD, and cost two and three times as much to score.)

The functions here are the analyzers of the pipeline's vectorizers (the reference path) and the
building blocks of `ml.prefix_features` (the fast path), so both count exactly the same things.
"""

from collections.abc import Sequence

from ml.stopwords import STOP_WORDS
from ml.text import read

CHAR_RANGE = (4, 4)


def grams_of(words: list[str]) -> list[str]:
    kept = [w for w in words if len(w) > 1]
    out = [w for w in kept if w not in STOP_WORDS]
    out += [f"{a} {b}" for a, b in zip(kept, kept[1:]) if a not in STOP_WORDS or b not in STOP_WORDS]
    return out


def pieces_of(word: str, low: int = CHAR_RANGE[0], high: int = CHAR_RANGE[1]) -> list[str]:
    padded = f" {word} "
    size = len(padded)
    return [padded[i : i + n] for n in range(low, high + 1) for i in range(size - n + 1)]


def word_grams(text: str) -> list[str]:
    """Analyzer of one turn's word block."""
    return grams_of(read(text)[1])


def word_grams_of_turns(texts: Sequence[str]) -> list[str]:
    """Analyzer of several turns counted together (the customer's earlier turns): no pair spans two turns."""
    return [g for text in texts for g in word_grams(text)]


def char_grams(text: str) -> list[str]:
    """Analyzer of one turn's character block."""
    return [p for word in read(text)[1] for p in pieces_of(word)]
