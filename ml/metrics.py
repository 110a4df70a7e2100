"""Quality figures of a classifier on labelled examples: UAR first (the NEUTRAL majority makes
accuracy flattering), then macro F1, Cohen's kappa, accuracy and per-class figures."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    recall_score,
)

from ml.labels import LABELS


def summary(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    labels = list(LABELS)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    return {
        "uar": float(recall_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "kappa": float(cohen_kappa_score(y_true, y_pred, labels=labels)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "n": len(y_true),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "labels": labels,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def headline(metrics: dict[str, Any]) -> dict[str, float]:
    """The figures a model listing shows: uar, macro_f1, kappa, accuracy, n."""
    return {k: metrics[k] for k in ("uar", "macro_f1", "kappa", "accuracy", "n")}


def brier(y_true: Sequence[str], probabilities: np.ndarray) -> float:
    """Mean multi-class Brier score (lower is better) of probabilities in LABELS order."""
    onehot = np.asarray([[1.0 if t == label else 0.0 for label in LABELS] for t in y_true])
    return float(np.mean(np.sum((probabilities - onehot) ** 2, axis=1)))
