"""The default pipeline's features for every customer-turn prefix of a batch, in linear time.

The reference way (`ml.features` through the fitted pipeline) builds a view of each prefix and
analyses its texts again: a conversation with k customer turns is read k times over, so scoring
every turn costs O(k²). Here each turn is read once: its words become word ids (one dictionary look-up
per word), and the n-gram columns of every block are found for the whole batch at once with array
operations (a pair of words is a number, looked up in the block's sorted pairs). A prefix's row is
then the judged turn's row, the row of the agent turn before it, and a banded sum (a sparse matrix
product) over the rows of the customer's few earlier turns. The numbers are the reference's to the
last bit (same counts, then the same TF-IDF arithmetic in the same order):
`tests/ml/test_prefix_features.py` checks it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
from scipy import sparse
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize

from ml import lexicon
from ml.analysis import pieces_of
from ml.conversation import AGENT, CUSTOMER, Conversation
from ml.pipeline import BLOCKS
from ml.text import read

TABLE_WORDS = 500_000  # distinct words remembered between batches (ids, character n-grams)
_KINDS = len(lexicon.KINDS)


@dataclass(frozen=True)
class Rows:
    """The feature rows of a batch and what each stands for (plain ints and arrays: a batch of a
    thousand conversations should not leave tens of thousands of small objects for the garbage
    collector to walk)."""

    X: sparse.csr_matrix
    # Conversation c's rows are starts[c]:starts[c + 1] (none when the customer never wrote, in
    # `every_turn` mode); positions[row] is the turn position a row judges.
    starts: list[int]
    positions: list[int]
    # Per row: the lexicon blocks as they stand in X; the analysed customer turn it judges (an index
    # into `readings`, -1 for none) and how many turns before that one its history sums.
    lexicon_last: np.ndarray
    lexicon_earlier: np.ndarray
    judged_turn: list[int]
    history: list[int]
    readings: list[lexicon.Reading]  # per analysed customer turn, then lexicon.NOTHING
    # The word blocks as they stand in X, with the column each starts at (what explanations list).
    word_blocks: list[tuple[int, sparse.csr_matrix]]

    def last_reading(self, row: int) -> lexicon.Reading:
        return self.readings[self.judged_turn[row]]

    def earlier_readings(self, row: int) -> list[lexicon.Reading]:
        turn = self.judged_turn[row]
        return self.readings[turn - self.history[row] : turn] if turn >= 0 else []


class _Block:
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
        return _count_matrix(np.concatenate(rows), np.concatenate(columns), turns, self.width)

    def tfidf(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        return _tfidf(counts, self.idf)


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """TfidfTransformer.transform's arithmetic (sublinear tf, idf, l2) on canonical counts."""
    np.log(counts.data, counts.data)
    counts.data += 1.0
    counts.data *= idf[counts.indices]
    return normalize(counts, norm="l2", copy=False)


def _count_matrix(rows: np.ndarray, columns: np.ndarray, height: int, width: int) -> sparse.csr_matrix:
    """A CSR count matrix with sorted, summed indices (as CountVectorizer gives)."""
    matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(height, width))
    matrix.sum_duplicates()
    return matrix


class _WordTable:
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


class PrefixFeaturizer:
    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        blocks = dict(union.transformer_list)
        if tuple(blocks) != BLOCKS:
            raise ValueError(f"the pipeline's feature blocks are {tuple(blocks)}, expected {BLOCKS}")
        self.weights = {name: (union.transformer_weights or {}).get(name) for name in BLOCKS}
        self.earlier_turns = int(pipeline.named_steps["views"].kw_args["earlier_turns"])
        vectorizers = {name: blocks[name].named_steps["tfidf"] for name in ("customer", "agent", "earlier")}
        words = sorted({w for v in vectorizers.values() for gram in v.vocabulary_ for w in gram.split(" ")})
        self.word_ids = {w: i for i, w in enumerate(words)}
        self.blocks = {name: _Block(v, self.word_ids) for name, v in vectorizers.items()}
        chars = blocks["customer_chars"].named_steps["tfidf"]
        self.char_idf = chars.idf_
        self.table = _WordTable(self.word_ids, chars.vocabulary_)
        self.scaler = blocks["shape"].named_steps["scale"]
        self.width = int(pipeline.named_steps["classifier"].n_features_in_)
        widths = {"customer": len(self.blocks["customer"].idf), "customer_chars": len(self.char_idf),
                  "agent": len(self.blocks["agent"].idf), "earlier": len(self.blocks["earlier"].idf),
                  "lexicon": _KINDS, "lexicon_earlier": _KINDS}
        self.offsets = dict(zip(BLOCKS, np.cumsum([0] + [widths[name] for name in BLOCKS[:-1]]).tolist(), strict=True))

    def rows(self, conversations: Sequence[Conversation], *, every_turn: bool) -> Rows:
        """Rows for every customer turn of each conversation (`every_turn`), or for its last one only."""
        if len(self.table.slot) > TABLE_WORDS:
            self.table.reset()
        slots = self.table.slots
        said: list[int] = []  # the words (slots in the table) of every analysed customer turn, in a row
        said_sizes: list[int] = []
        chars_read: list[bool] = []  # whether a customer turn's character n-grams are read (it is judged)
        readings: list[lexicon.Reading] = []
        lengths: list[int] = []
        answered: list[int] = []  # the same for agent turns
        answered_sizes: list[int] = []
        # Per row: the customer turn judged (-1: none), the agent turn before it (-1: none), how many
        # customer turns before it count (they are the rows just before it), raw shape counts.
        judged_turn: list[int] = []
        agent_turn: list[int] = []
        history: list[int] = []
        shapes: list[int] = []  # customer turns so far, turn position + 1, words of the judged turn
        starts: list[int] = [0]
        positions: list[int] = []
        reach = max(self.earlier_turns, 0)

        def customer(text: str, judged: bool) -> int:
            folded, words, stretched = read(text)
            found = slots(words)
            said.extend(found)
            said_sizes.append(len(found))
            chars_read.append(judged)
            readings.append(lexicon.read_turn(text, folded, words, stretched))
            lengths.append(len(words))
            return len(said_sizes) - 1

        def agent(text: str) -> int:
            found = slots(read(text)[1])
            answered.extend(found)
            answered_sizes.append(len(found))
            return len(answered_sizes) - 1

        def judge(row: int, agent_row: int, before: int, position: int, customers: int) -> None:
            judged_turn.append(row)
            agent_turn.append(agent_row)
            history.append(before)
            shapes.extend((customers, position + 1, lengths[row]))
            positions.append(position)

        for turns in conversations:
            if every_turn:
                seen, pending, agent_row = 0, None, -1  # the agent turn before a customer's is read when needed
                for position, turn in enumerate(turns):
                    if turn.role == AGENT:
                        pending = turn.text
                    elif turn.role == CUSTOMER:
                        if pending is not None:
                            agent_row, pending = agent(pending), None
                        judge(customer(turn.text, True), agent_row, min(seen, reach), position, seen + 1)
                        seen += 1
            else:
                last = max((i for i, t in enumerate(turns) if t.role == CUSTOMER), default=None)
                if last is None:  # no customer turn: the reference's empty view
                    judged_turn.append(-1)
                    agent_turn.append(-1)
                    history.append(0)
                    shapes.extend((0, 0, 0))
                    positions.append(-1)
                else:
                    before = [i for i in range(last) if turns[i].role == CUSTOMER]
                    kept = before[max(len(before) - reach, 0) :] if reach else []
                    for i in kept:
                        customer(turns[i].text, False)
                    row = customer(turns[last].text, True)
                    at = next((i for i in range(last - 1, -1, -1) if turns[i].role == AGENT), None)
                    judge(row, -1 if at is None else agent(turns[at].text), len(kept), last, len(before) + 1)
            starts.append(len(judged_turn))
        readings.append(lexicon.NOTHING)  # what row -1 reads
        if not judged_turn:  # not one customer turn in the batch
            nothing = np.zeros((0, _KINDS))
            return Rows(sparse.csr_matrix((0, self.width)), starts, positions, nothing, nothing, [], [], readings, [])
        X, weighted = self._assemble(
            (said, said_sizes), chars_read, readings, (answered, answered_sizes), judged_turn, agent_turn, history, shapes
        )
        words = [(self.offsets[name], weighted[name]) for name in ("customer", "agent", "earlier")]
        return Rows(X, starts, positions, weighted["lexicon"], weighted["lexicon_earlier"], judged_turn, history, readings, words)

    def _words(self, words: tuple[list[int], list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(turn, slot) of every word, and (turn, word id) of those the word blocks read (two letters or more)."""
        flat, sizes = words
        slot = np.asarray(flat, dtype=np.int64)
        turn_of = np.repeat(np.arange(len(sizes)), sizes)
        long = self.table.length[slot] > 1
        return turn_of, slot, turn_of[long], self.table.word[slot[long]]

    def _assemble(self, said, chars_read, readings, answered, judged_turn, agent_turn, history, shapes):  # type: ignore[no-untyped-def]
        n, size, blocks = len(judged_turn), len(self.word_ids), self.blocks
        turns, agents = len(said[1]), len(answered[1])
        # Index -1 (no customer turn, no agent turn) picks the all-zero row at the end.
        turn_of, slot, word_turn, ids = self._words(said)
        own = blocks["customer"].tfidf(blocks["customer"].counts(word_turn, ids, turns + 1, size))
        history_counts = blocks["earlier"].counts(word_turn, ids, turns + 1, size)
        read_chars = np.asarray([*chars_read, False], dtype=bool)[turn_of]
        char_turn, columns = self.table.char_columns(turn_of[read_chars], slot[read_chars])
        char_rows = _tfidf(_count_matrix(char_turn, columns, turns + 1, len(self.char_idf)), self.char_idf)
        _, _, word_turn, ids = self._words(answered)
        agent_rows = blocks["agent"].tfidf(blocks["agent"].counts(word_turn, ids, agents + 1, size))
        pick = np.asarray(judged_turn, dtype=np.int64)
        pick_agent = np.asarray(agent_turn, dtype=np.int64)
        pick[pick < 0] = turns
        pick_agent[pick_agent < 0] = agents
        # The customer's earlier turns are the `history` rows just before the judged one: a banded
        # 0/1 matrix (prefix x turn) times the per-turn rows sums them.
        counts = np.asarray(history, dtype=np.int64)
        band_rows = np.repeat(np.arange(n), counts)
        band_turns = np.repeat(pick - counts, counts) + (np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts))
        band = sparse.csr_matrix((np.ones(len(band_turns)), (band_rows, band_turns)), shape=(n, turns + 1))
        earlier = sparse.csr_matrix(band @ history_counts)
        earlier.sort_indices()
        values = np.zeros((turns + 1, _KINDS))
        values[:-1] = [r.values for r in readings[:-1]]
        parts = {
            "customer": own[pick],
            "customer_chars": char_rows[pick],
            "agent": agent_rows[pick_agent],
            "earlier": blocks["earlier"].tfidf(earlier),
            "lexicon": values[pick],
            "lexicon_earlier": np.asarray(band @ values),
            "shape": self.scaler.transform(np.log1p(np.asarray(shapes, dtype=np.float64).reshape(n, 3))),
        }
        weighted = {name: parts[name] if self.weights[name] is None else parts[name] * self.weights[name] for name in BLOCKS}
        # All blocks as CSR, so that scipy stacks them without a detour through COO (FeatureUnion's
        # way, which gives the same matrix).
        weighted = {name: sparse.csr_matrix(part) if sparse.issparse(part) else part for name, part in weighted.items()}
        X = sparse.hstack([sparse.csr_matrix(weighted[name]) for name in BLOCKS], format="csr")
        return X, weighted
