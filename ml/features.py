"""What the default pipeline reads from a conversation (up to the turn being judged): the reference
way, one conversation prefix at a time. `ml.prefix_features` computes the same numbers for every
prefix of a batch at once; this module is what it must agree with.

The customer's last turn says most about how they feel now; the agent's turn just before it says
what they are reacting to (an apology, a failure, a solution); the customer's few turns before give
the history. They are kept apart so that "sorry" from an agent and "sorry" from a customer are
different features. Shape features say how far into the conversation the turn is and how long it
is (in words: "!!!" and emojis do not make a turn longer).
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ml import lexicon
from ml.conversation import AGENT, CUSTOMER, Conversation
from ml.text import read

SHAPE_FEATURES = ("customer_turns", "turns", "last_words")
# The customer's earlier turns count only as far back as this (a pipeline parameter's default).
EARLIER_TURNS = 4


class View(NamedTuple):
    customer_last: str
    agent_before: str
    customer_earlier: tuple[str, ...]
    shape: tuple[int, ...]  # raw counts; `shape()` takes their logarithm


EMPTY = View("", "", (), (0, 0, 0))


def view(turns: Conversation, earlier_turns: int = EARLIER_TURNS) -> View:
    last = max((i for i, t in enumerate(turns) if t.role == CUSTOMER), default=None)
    if last is None:
        return EMPTY
    text = turns[last].text
    agent_before = next((t.text for t in reversed(turns[:last]) if t.role == AGENT), "")
    earlier = [t.text for t in turns[:last] if t.role == CUSTOMER]
    kept = tuple(earlier[-earlier_turns:]) if earlier_turns > 0 else ()
    return View(text, agent_before, kept, (len(earlier) + 1, last + 1, len(read(text)[1])))


def views(conversations: Sequence[Conversation], earlier_turns: int = EARLIER_TURNS) -> list[View]:
    return [view(c, earlier_turns) for c in conversations]


def field(items: Sequence[View], name: str) -> list:  # type: ignore[type-arg]
    return [getattr(v, name) for v in items]


def shape(items: Sequence[View]) -> np.ndarray:
    return np.log1p(np.asarray([v.shape for v in items], dtype=np.float64).reshape(len(items), len(SHAPE_FEATURES)))


def lexicon_of(texts: Sequence[str]) -> np.ndarray:
    """The lexicon's columns of each text (`ml.lexicon.KINDS`)."""
    return np.asarray([lexicon.read(t).values for t in texts], dtype=np.float64).reshape(len(texts), len(lexicon.KINDS))


def lexicon_of_turns(groups: Sequence[Sequence[str]]) -> np.ndarray:
    """The lexicon's columns summed over each group of turns (the customer's earlier turns)."""
    out = np.zeros((len(groups), len(lexicon.KINDS)), dtype=np.float64)
    for row, texts in enumerate(groups):
        for text in texts:
            out[row] += lexicon.read(text).values
    return out
