"""The shape of a dialogue template and how one is rendered into turns.

A template is a topic with a sequence of turns; each turn offers a few interchangeable wordings so
that conversations built from the same template still read differently.
"""

from dataclasses import dataclass

from domain.enums import TurnRole


@dataclass(frozen=True)
class Turn:
    role: TurnRole
    wordings: tuple[str, ...]


@dataclass(frozen=True)
class Dialogue:
    topic: str
    turns: tuple[Turn, ...]


def customer(*wordings: str) -> Turn:
    """A turn written by the contact."""
    return Turn(TurnRole.CUSTOMER, wordings)


def agent(*wordings: str) -> Turn:
    """A turn written by an agent of the workspace."""
    return Turn(TurnRole.AGENT, wordings)


def render(rng, dialogue: Dialogue, values: dict[str, str]) -> list[tuple[TurnRole, str]]:
    """Pick one wording per turn and fill in the placeholders."""
    return [(turn.role, rng.choice(turn.wordings).format_map(values)) for turn in dialogue.turns]
