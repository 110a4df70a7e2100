"""Why a verdict: the terms that pushed hardest towards the predicted label, for a whole batch at once.

Each listed feature contributes its value times the label's logistic-regression weight minus the mean
weight over the three labels (softmax ignores a shift common to all labels). Word n-grams are listed
as "customer: <term>", "agent: <term>" or "customer earlier: <term>"; the lexicon's columns as one
term per group (positive, negative, negated, sarcasm) named by the entries that fired, e.g.
"customer: pesimo, que raiva". Character n-grams and shape features also count towards the label
but are not listed: they read poorly. The strongest positive contributions, at least a tenth of the
strongest, eight at most, strongest first (ties in feature order).

`explain` does this with array operations over the batch; `explain_row` does it one row at a time,
the way the first model did, and exists for `ml.reference_scoring` to check the former against.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from sklearn.pipeline import Pipeline

from ml import lexicon
from ml.pipeline import BLOCKS, LEXICON_BLOCKS, WORD_BLOCKS
from ml.protocol import TermWeight

if TYPE_CHECKING:
    from ml.prefix_features import Rows

EXPLANATION_TERMS = 8
# A term is listed only if it weighs at least this share of the strongest term.
MIN_SHARE = 0.1
MIN_WEIGHT = 1e-3
GROUPS = tuple(lexicon.GROUPS)
_GROUP_COLUMNS = [[lexicon.KINDS.index(k) for k in lexicon.GROUPS[g]] for g in GROUPS]


def _width(name: str, block: Pipeline) -> int:
    if name in LEXICON_BLOCKS:
        return len(lexicon.KINDS)
    last = block.steps[-1][1]
    return len(last.vocabulary_) if hasattr(last, "vocabulary_") else int(last.n_features_in_)


class Explainer:
    def __init__(self, pipeline: Pipeline, columns: list[int]) -> None:
        """`columns`: for each of LABELS, its index in the classifier's classes."""
        union = pipeline.named_steps["features"]
        regression = pipeline.named_steps["classifier"].calibrated_classifiers_[0].estimator
        coef = np.asarray(regression.coef_, dtype=np.float64)
        self.centered = (coef - coef.mean(axis=0, keepdims=True))[columns]  # (LABELS, features)
        names: list[str] = []
        listed: list[bool] = []
        self.lexicon_at: dict[str, int] = {}  # lexicon block -> its first column
        offset = 0
        for name, block in union.transformer_list:
            width = _width(name, block)
            if name in WORD_BLOCKS:
                names += [f"{WORD_BLOCKS[name]}: {t}" for t in block.named_steps["tfidf"].get_feature_names_out()]
                listed += [True] * width
            else:
                names += [""] * width
                listed += [False] * width
                if name in LEXICON_BLOCKS:
                    self.lexicon_at[name] = offset
            offset += width
        if offset != coef.shape[1] or tuple(n for n, _ in union.transformer_list) != BLOCKS:
            raise ValueError("feature names do not line up with the classifier's weights")
        self.names = names
        self.listed = np.asarray(listed)

    # -- the batch at once ---------------------------------------------------------------------

    def explain(self, rows: "Rows", winners: np.ndarray) -> list[tuple[TermWeight, ...]]:
        """For each row, the terms behind LABELS[winners[row]]."""
        n = rows.X.shape[0]
        found_rows, found_slots, found_weights = [], [], []
        for offset, block in rows.word_blocks:  # in column order: the word blocks only, not the many character n-grams
            row_of = np.repeat(np.arange(n), np.diff(block.indptr))
            cols = block.indices.astype(np.int64) + offset
            found_rows.append(row_of)
            found_slots.append(cols)  # a word term's slot is its column
            found_weights.append(block.data * self.centered[winners[row_of], cols])
        group_rows, group_slots, group_weights = self._lexicon_groups(rows, winners)
        item_rows = np.concatenate([*found_rows, group_rows])
        slots = np.concatenate([*found_slots, group_slots])
        weights = np.concatenate([*found_weights, group_weights])
        strongest = np.full(n, -np.inf)
        np.maximum.at(strongest, item_rows, weights)
        floor = np.maximum(MIN_SHARE * strongest, MIN_WEIGHT)
        keep = (weights >= floor[item_rows]) & (strongest[item_rows] > 0)
        order = np.flatnonzero(keep)
        # By row, strongest first, ties in feature order (words by column, then lexicon groups).
        order = order[np.lexsort((order, -weights[order], item_rows[order]))]
        item_rows, slots, weights = item_rows[order], slots[order], weights[order]
        starts = np.searchsorted(item_rows, np.arange(n + 1))
        top = (np.arange(len(item_rows)) - starts[item_rows]) < EXPLANATION_TERMS
        item_rows, slots, weights = item_rows[top], slots[top].tolist(), np.round(weights[top], 4).tolist()
        bounds = np.searchsorted(item_rows, np.arange(n + 1)).tolist()
        names, words = self.names, len(self.names)
        out: list[tuple[TermWeight, ...]] = []
        for row in range(n):
            lo, hi = bounds[row], bounds[row + 1]
            out.append(tuple(
                TermWeight(names[s] if s < words else self._term(s, rows.last_reading(row), rows.earlier_readings(row)), w)
                for s, w in zip(slots[lo:hi], weights[lo:hi], strict=True)
            ))
        return out

    def _lexicon_groups(self, rows: "Rows", winners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        found_rows, found_slots, found_weights = [], [], []
        width = len(lexicon.KINDS)
        for b, (block, values) in enumerate((("lexicon", rows.lexicon_last), ("lexicon_earlier", rows.lexicon_earlier))):
            first = self.lexicon_at[block]
            contributions = values * self.centered[:, first : first + width][winners]
            for g, kinds in enumerate(_GROUP_COLUMNS):
                total = contributions[:, kinds[0]].copy()
                for k in kinds[1:]:
                    total += contributions[:, k]
                fired = np.flatnonzero((values[:, kinds] != 0).any(axis=1))
                found_rows.append(fired)
                found_slots.append(np.full(len(fired), self._group_slot(b, g), dtype=np.int64))
                found_weights.append(total[fired])
        return np.concatenate(found_rows), np.concatenate(found_slots), np.concatenate(found_weights)

    def _group_slot(self, block: int, group: int) -> int:
        return len(self.names) + block * len(GROUPS) + group

    def _term(self, slot: int, last: lexicon.Reading, earlier: Sequence[lexicon.Reading]) -> str:
        if slot < len(self.names):
            return self.names[slot]
        block, group = divmod(slot - len(self.names), len(GROUPS))
        name = ("lexicon", "lexicon_earlier")[block]
        readings = [last] if name == "lexicon" else earlier
        entries = list(dict.fromkeys(e for r in readings for e in r.entries(GROUPS[group])))
        return f"{LEXICON_BLOCKS[name]}: {', '.join(entries)}"

    # -- one row, the way the first model did: the reference for `explain` -----------------------

    def explain_row(
        self, X: sparse.csr_matrix, row: int, winner: int, last: lexicon.Reading, earlier: Sequence[lexicon.Reading]
    ) -> tuple[TermWeight, ...]:
        start, end = X.indptr[row], X.indptr[row + 1]
        index, data = X.indices[start:end], X.data[start:end]
        items: list[tuple[int, float]] = []
        for col, value in zip(index.tolist(), data.tolist(), strict=True):
            if self.listed[col]:
                items.append((col, value * self.centered[winner, col]))
        dense = X[row].toarray()[0]
        for b, first in enumerate(self.lexicon_at[block] for block in ("lexicon", "lexicon_earlier")):
            for g, kinds in enumerate(_GROUP_COLUMNS):
                if any(dense[first + k] != 0 for k in kinds):
                    total = dense[first + kinds[0]] * self.centered[winner, first + kinds[0]]
                    for k in kinds[1:]:
                        total += dense[first + k] * self.centered[winner, first + k]
                    items.append((self._group_slot(b, g), total))
        if not items or max(w for _, w in items) <= 0:
            return ()
        floor = max(MIN_SHARE * max(w for _, w in items), MIN_WEIGHT)
        ranked = sorted(items, key=lambda item: -item[1])[:EXPLANATION_TERMS]  # sorted() is stable
        return tuple(TermWeight(self._term(slot, last, earlier), float(np.round(w, 4))) for slot, w in ranked if w >= floor)
