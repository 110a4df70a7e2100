"""A fitted pipeline's vocabularies as arrays, so that the n-gram columns of a whole batch are found
with array operations (`ml.prefix_features`), and the TF-IDF arithmetic applied the way
scikit-learn applies it."""

from itertools import repeat

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from ml.analysis import pieces_of


class BlockVocabulary:
    """One word block's vocabulary as arrays over a word table shared by the blocks."""

    def __init__(self, vectorizer, words: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
        self.idf = vectorizer.idf_
        self.width = len(self.idf)
        self.single = np.full(len(words), -1, dtype=np.int64)
        pairs: list[tuple[int, int]] = []
        for gram, column in vectorizer.vocabulary_.items():
            first, _, second = gram.partition(" ")
            if second:
                pairs.append((words[first] * len(words) + words[second], column))
            else:
                self.single[words[first]] = column
        pairs.sort()
        self.pair_keys = np.asarray([k for k, _ in pairs], dtype=np.int64)
        self.pair_columns = np.asarray([c for _, c in pairs], dtype=np.int64)

    def counts(self, turn_of: np.ndarray, ids: np.ndarray, turns: int, table_size: int) -> sparse.csr_matrix:
        """Counts of this block's n-grams in each turn, from the word ids of all turns in a row."""
        singles = self.single[np.maximum(ids, 0)]
        keep = (ids >= 0) & (singles >= 0)
        rows, columns = [turn_of[keep]], [singles[keep]]
        if len(ids) > 1 and len(self.pair_keys):
            left, right = ids[:-1], ids[1:]
            paired = (turn_of[:-1] == turn_of[1:]) & (left >= 0) & (right >= 0)
            keys = left[paired] * table_size + right[paired]
            at = np.minimum(np.searchsorted(self.pair_keys, keys), len(self.pair_keys) - 1)
            found = self.pair_keys[at] == keys
            rows.append(turn_of[:-1][paired][found])
            columns.append(self.pair_columns[at[found]])
        return count_matrix(np.concatenate(rows), np.concatenate(columns), turns, self.width)

    def tfidf(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        return tfidf(counts, self.idf)


def tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """TfidfTransformer.transform's arithmetic (sublinear tf, idf, l2) on canonical counts."""
    np.log(counts.data, counts.data)
    counts.data += 1.0
    counts.data *= idf[counts.indices]
    return normalize(counts, norm="l2", copy=False)


def count_matrix(rows: np.ndarray, columns: np.ndarray, height: int, width: int) -> sparse.csr_matrix:
    """A CSR count matrix with sorted, summed indices (as CountVectorizer gives)."""
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(height, width))
    matrix.sum_duplicates()
    return matrix


class WordTable:
    """Every word seen, once: its id in the word blocks' table (-1 if none), its length, and its
    character n-gram columns, so that a turn costs one dictionary look-up per word."""

    def __init__(self, word_ids: dict[str, int], char_ids: dict[str, int]) -> None:
        self.word_ids, self.char_ids = word_ids, char_ids
        self.reset()

    def reset(self) -> None:
        self.slot: dict[str, int] = {}
        self.word = np.zeros(1024, dtype=np.int64)
        self.length = np.zeros(1024, dtype=np.int64)
        self.piece_start = np.zeros(1025, dtype=np.int64)
        self.pieces = np.zeros(8192, dtype=np.int64)

    def slots(self, words: list[str]) -> list[int]:
        found = list(map(self.slot.get, words, repeat(-1)))
        if -1 in found:
            found = [s if s >= 0 else self._add(w) for s, w in zip(found, words, strict=True)]
        return found

    def _add(self, word: str) -> int:
        known = self.slot.get(word)  # a new word seen twice in one turn
        if known is not None:
            return known
        n = len(self.slot)
        if n + 1 >= len(self.word):
            self.word, self.length = np.resize(self.word, 2 * n), np.resize(self.length, 2 * n)
            self.piece_start = np.resize(self.piece_start, 2 * n + 1)
        columns = [i for i in map(self.char_ids.get, pieces_of(word)) if i is not None]
        start = self.piece_start[n]
        if start + len(columns) > len(self.pieces):
            self.pieces = np.resize(self.pieces, 2 * (start + len(columns)))
        self.pieces[start : start + len(columns)] = columns
        self.piece_start[n + 1] = start + len(columns)
        self.word[n] = self.word_ids.get(word, -1)
        self.length[n] = len(word)
        self.slot[word] = n
        return n

    def char_columns(self, turn_of: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(turn, column) of every character n-gram of the words at `slots`."""
        starts, ends = self.piece_start[slots], self.piece_start[slots + 1]
        counts = ends - starts
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        return np.repeat(turn_of, counts), self.pieces[offsets]
