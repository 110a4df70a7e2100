"""A custom satisfaction model, as a deployment plugs one in: SATISFACTION_MODEL=tests.api.keyword_model:build.

Rule-based: the customer's last words decide. Thanks make a SATISFIED verdict, complaints a
DISSATISFIED one, anything else is NEUTRAL; it cannot explain itself.
"""

from collections.abc import Sequence

from ml.conversation import CUSTOMER, Conversation
from ml.protocol import Prediction

VERSION = "keywords-1"
HAPPY_WORDS = ("gracias", "obrigado", "thanks", "perfecto")
ANGRY_WORDS = ("pésimo", "péssimo", "terrible", "vergüenza")

SATISFIED = {"SATISFIED": 0.8, "NEUTRAL": 0.15, "DISSATISFIED": 0.05}
DISSATISFIED = {"SATISFIED": 0.1, "NEUTRAL": 0.2, "DISSATISFIED": 0.7}
NEUTRAL = {"SATISFIED": 0.25, "NEUTRAL": 0.5, "DISSATISFIED": 0.25}


class KeywordModel:
    version = VERSION

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        return [self._one(turns) for turns in conversations]

    def _one(self, turns: Conversation) -> Prediction:
        last = [t.text.lower() for t in turns if t.role == CUSTOMER][-1]
        if any(word in last for word in ANGRY_WORDS):
            return Prediction("DISSATISFIED", DISSATISFIED, VERSION)
        if any(word in last for word in HAPPY_WORDS):
            return Prediction("SATISFIED", SATISFIED, VERSION)
        return Prediction("NEUTRAL", NEUTRAL, VERSION)


def build() -> KeywordModel:
    return KeywordModel()
