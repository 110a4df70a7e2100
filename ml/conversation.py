"""Conversations as the classifier sees them: ordered turns, each by the customer or an agent."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

V = TypeVar("V")

CUSTOMER = "CUSTOMER"
AGENT = "AGENT"
ROLES = (CUSTOMER, AGENT)


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    text: str


Conversation = Sequence[Turn]


def customer_turn_positions(turns: Conversation) -> list[int]:
    return [i for i, turn in enumerate(turns) if turn.role == CUSTOMER]


def prefixes_at_customer_turns(turns: Conversation) -> list[tuple[int, Conversation]]:
    """(position, turns up to and including it) for every customer turn: the turn-level inputs."""
    return [(i, turns[: i + 1]) for i in customer_turn_positions(turns)]


def judge_by_prefixes(
    judge: Callable[[list[Conversation]], Sequence[V]], conversations: Sequence[Conversation]
) -> list[tuple[V, dict[int, V]] | None]:
    """Each conversation's verdict and one per customer turn, from a judge of whole inputs: every
    conversation and every prefix ending at a customer turn go to `judge` in one batch (None where the
    customer never wrote). The generic way, for models that cannot judge turns in one pass."""
    batch: list[Conversation] = []
    plan: list[tuple[int, list[int]] | None] = []
    for turns in conversations:
        positions = customer_turn_positions(turns)
        if not positions:
            plan.append(None)
            continue
        plan.append((len(batch), positions))
        batch.append(turns)
        batch.extend(turns[: i + 1] for i in positions)
    verdicts = judge(batch)
    out: list[tuple[V, dict[int, V]] | None] = []
    for entry in plan:
        if entry is None:
            out.append(None)
            continue
        start, positions = entry
        out.append((verdicts[start], {pos: verdicts[start + 1 + k] for k, pos in enumerate(positions)}))
    return out
