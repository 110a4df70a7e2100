"""The figures an evaluation reports: UAR with a 95% bootstrap interval, macro F1, kappa and the
rest of `ml.metrics.summary`, overall and per slice (language; first customer turn or later).

The interval resamples whole conversations, not examples: the turns of one conversation are not
independent (a customer angry at turn 2 is likely angry at turn 4), and resampling them one by one
would make the interval look tighter than it is. Seeded, so the same data gives the same interval.
"""

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from ml import metrics
from ml.conversation import CUSTOMER
from ml.datasets import Example
from ml.labels import LABELS

RESAMPLES = 1000
SEED = 13
FIRST, LATER = "first customer turn", "later customer turns"


def uar_interval(truth: Sequence[str], predicted: Sequence[str], groups: Sequence[str], *, resamples: int = RESAMPLES,
                 seed: int = SEED) -> tuple[float, float]:
    """95% percentile interval of UAR over `resamples` resamplings of the groups (conversations)."""
    index = {label: i for i, label in enumerate(LABELS)}
    codes = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    cells = np.zeros((len(codes), len(LABELS) ** 2))
    np.add.at(cells, ([codes[g] for g in groups], [index[t] * 3 + index[p] for t, p in zip(truth, predicted, strict=True)]), 1)
    draws = np.random.default_rng(seed).multinomial(len(codes), np.full(len(codes), 1 / len(codes)), size=resamples)
    confusion = (draws @ cells).reshape(resamples, 3, 3)
    present = [index[label] for label in LABELS if label in set(truth)]
    support = confusion.sum(axis=2)[:, present]
    recall = np.divide(confusion[:, present, present], support, out=np.full(support.shape, np.nan), where=support > 0)
    uar = np.nanmean(recall, axis=1)
    low, high = np.percentile(uar, [2.5, 97.5])
    return float(low), float(high)


def position(example: Example) -> str:
    customer_turns = sum(1 for t in example.turns if t.role == CUSTOMER)
    return FIRST if customer_turns <= 1 else LATER


def _figures(examples: Sequence[Example], predicted: Sequence[str]) -> dict[str, Any]:
    truth = [e.label for e in examples]
    out = metrics.summary(truth, predicted)
    out["uar_ci95"] = list(uar_interval(truth, predicted, [f"{e.source}:{e.conversation_id}" for e in examples]))
    return out


def report(examples: Sequence[Example], predicted: Sequence[str]) -> dict[str, Any]:
    """`metrics.summary` plus `uar_ci95` and `slices` ({"language": {...}, "position": {...}}, and
    "file" when the examples come from several files; each slice with the headline figures, its UAR
    interval, recall per label and label counts)."""
    out = _figures(examples, predicted)
    out["slices"] = {}
    keys = [("language", lambda e: e.language or "unknown"), ("position", position)]
    if len({e.source for e in examples}) > 1:
        keys.append(("file", lambda e: e.source or "unknown"))
    for name, key in keys:
        members: dict[str, list[int]] = {}
        for i, example in enumerate(examples):
            members.setdefault(key(example), []).append(i)
        out["slices"][name] = {
            value: _slice([examples[i] for i in rows], [predicted[i] for i in rows]) for value, rows in sorted(members.items())
        }
    return out


def _slice(examples: list[Example], predicted: list[str]) -> dict[str, Any]:
    figures = _figures(examples, predicted)
    return {
        **metrics.headline(figures),
        "uar_ci95": figures["uar_ci95"],
        "recall": {label: row["recall"] for label, row in figures["per_class"].items()},
        "support": dict(sorted(Counter(e.label for e in examples).items())),
    }


def headline_text(figures: dict[str, Any]) -> str:
    low, high = figures["uar_ci95"]
    return (f"UAR {figures['uar']:.3f} (95% CI {low:.3f}-{high:.3f}), macro F1 {figures['macro_f1']:.3f},"
            f" kappa {figures['kappa']:.3f}, accuracy {figures['accuracy']:.3f}, n = {figures['n']}")
