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

import numpy as np
from scipy import sparse
from sklearn.pipeline import Pipeline

from ml import lexicon
from ml.batch_vocabulary import BlockVocabulary, WordTable, count_matrix, tfidf
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
        self.blocks = {name: BlockVocabulary(v, self.word_ids) for name, v in vectorizers.items()}
        chars = blocks["customer_chars"].named_steps["tfidf"]
        self.char_idf = chars.idf_
        self.table = WordTable(self.word_ids, chars.vocabulary_)
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
        char_rows = tfidf(count_matrix(char_turn, columns, turns + 1, len(self.char_idf)), self.char_idf)
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
