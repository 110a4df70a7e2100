"""What the default pipeline reads from a conversation (up to the turn being judged).

The customer's last turn says most about how they feel now; the agent's turn just before it says
what they are reacting to (an apology, a failure, a solution); the customer's earlier turns give
the history. They are kept apart so that "sorry" from an agent and "sorry" from a customer are
different features. A few shape features (how far into the conversation, how long and how
emphatic the last turn is) complete them.
"""

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ml.conversation import AGENT, CUSTOMER, Conversation


class View(NamedTuple):
    customer_last: str
    agent_before: str
    customer_earlier: str
    shape: tuple[float, ...]


SHAPE_FEATURES = ("customer_turns", "turns", "last_length", "questions", "exclamations", "capitals")
# Bounds that keep one judgement cheap however long the conversation: the customer's earlier turns
# count only as far back as this, and each text only this far.
EARLIER_TURNS = 10
TEXT_CHARS = 2000


def view(turns: Conversation) -> View:
    last = max((i for i, t in enumerate(turns) if t.role == CUSTOMER), default=None)
    if last is None:
        return View("", "", "", (0.0,) * len(SHAPE_FEATURES))
    text = turns[last].text[:TEXT_CHARS]
    agent_before = next((t.text[:TEXT_CHARS] for t in reversed(turns[:last]) if t.role == AGENT), "")
    earlier_count = sum(1 for t in turns[:last] if t.role == CUSTOMER)
    earlier = [t.text[:TEXT_CHARS] for t in turns[:last] if t.role == CUSTOMER][-EARLIER_TURNS:]
    letters = [c for c in text if c.isalpha()]
    capitals = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    shape = (
        math.log1p(earlier_count + 1),
        math.log1p(last + 1),
        math.log1p(len(text)),
        float(min(text.count("?"), 5)),
        float(min(text.count("!"), 5)),
        capitals,
    )
    return View(text, agent_before, " \n ".join(earlier), shape)


def views(conversations: Sequence[Conversation]) -> list[View]:
    return [view(c) for c in conversations]


def field(items: Sequence[View], name: str) -> list[str]:
    return [getattr(v, name) for v in items]


def shape(items: Sequence[View]) -> np.ndarray:
    return np.asarray([v.shape for v in items], dtype=np.float64)
