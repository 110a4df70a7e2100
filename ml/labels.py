"""The three satisfaction labels and how annotators' 1-5 scores map onto them."""

from collections.abc import Iterable
from statistics import fmean

DISSATISFIED = "DISSATISFIED"
NEUTRAL = "NEUTRAL"
SATISFIED = "SATISFIED"

# Order of every probability vector and confusion matrix the package writes.
LABELS: tuple[str, ...] = (DISSATISFIED, NEUTRAL, SATISFIED)


class LabelError(ValueError):
    """A label or score that is not one of ours."""


def check_label(value: object) -> str:
    if not isinstance(value, str) or value.strip().upper() not in LABELS:
        raise LabelError(f"unknown label {value!r}; expected one of {', '.join(LABELS)}")
    return value.strip().upper()


def label_from_scores(scores: Iterable[int]) -> str:
    """Mean annotator score below 2.5 is DISSATISFIED, above 3.5 SATISFIED, otherwise NEUTRAL."""
    values = list(scores)
    if not values:
        raise LabelError("no scores")
    if any(not 1 <= s <= 5 for s in values):
        raise LabelError(f"scores must be 1-5, got {values}")
    mean = fmean(values)
    if mean < 2.5:
        return DISSATISFIED
    if mean > 3.5:
        return SATISFIED
    return NEUTRAL
