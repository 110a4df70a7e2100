"""Conversations as the classifier sees them: ordered turns, each by the customer or an agent."""

from collections.abc import Sequence
from dataclasses import dataclass

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
