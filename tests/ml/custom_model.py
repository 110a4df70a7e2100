"""Custom models named by import spec (`tests.ml.custom_model:build`), as a team would plug in its own."""

from collections.abc import Sequence

from ml.conversation import CUSTOMER, Conversation
from ml.labels import DISSATISFIED, LABELS, NEUTRAL, SATISFIED
from ml.protocol import Prediction, TermWeight

KEYWORDS = {
    SATISFIED: ("thanks", "gracias", "obrigado", "great"),
    DISSATISFIED: ("terrible", "pésimo", "péssimo", "refund", "broken", "roto"),
}


class KeywordModel:
    """Labels a conversation by the words of the customer's last turn."""

    version = "keywords-1"

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        return [self._one(turns) for turns in conversations]

    def _one(self, turns: Conversation) -> Prediction:
        last = [t for t in turns if t.role == CUSTOMER][-1].text.lower()
        label, word = NEUTRAL, None
        for candidate, words in KEYWORDS.items():
            found = next((w for w in words if w in last), None)
            if found:
                label, word = candidate, found
        probabilities = {lab: (0.8 if lab == label else 0.1) for lab in LABELS}
        explanation = (TermWeight(f"customer: {word}", 1.0),) if word else None
        return Prediction(label=label, probabilities=probabilities, version=self.version, explanation=explanation)


class BadProbabilitiesModel(KeywordModel):
    version = "bad-probabilities-1"

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        return [Prediction(SATISFIED, {lab: 0.6 for lab in LABELS}, self.version) for _ in conversations]


class UnknownLabelModel(KeywordModel):
    version = "unknown-label-1"

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        return [Prediction("HAPPY", {"HAPPY": 1.0}, self.version) for _ in conversations]


class ForgetfulModel(KeywordModel):
    """Drops the last conversation of every batch."""

    version = "forgetful-1"

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        return super().predict(conversations)[:-1]


def build() -> KeywordModel:
    return KeywordModel()


def build_bad_probabilities() -> KeywordModel:
    return BadProbabilitiesModel()


def build_unknown_label() -> KeywordModel:
    return UnknownLabelModel()


def build_forgetful() -> KeywordModel:
    return ForgetfulModel()


def build_not_a_model() -> object:
    return {"version": "dict-1", "predict": "not callable"}


def build_failing() -> KeywordModel:
    raise RuntimeError("keyword list not found")
