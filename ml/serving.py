"""The one door into `ml` for the rest of Rapport: load models once, score conversations.

A `ModelServer` belongs to a process. It loads each model the first time it is asked for (checking
the artifact against its manifest), keeps it, and scores conversations and their customer turns in
one batch. Which version is active is decided outside (`domain` keeps that in the database, so every
process follows an activation); the server only remembers, per scope, the last model that served so
that a version failing to load here does not stop scoring.
"""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ml.conversation import AGENT, CUSTOMER, ROLES, Conversation, Turn, customer_turn_positions, judge_by_prefixes
from ml.gc_pause import cyclic_gc_paused
from ml.labels import LABELS
from ml.protocol import Prediction, SatisfactionModel, TermWeight, TurnScoringModel, checked
from ml.registry import DEFAULT_MODELS_DIR, ModelError, ModelInfo, check_version, find, list_models, load

__all__ = [
    "AGENT",
    "CUSTOMER",
    "LABELS",
    "ROLES",
    "ModelError",
    "ModelInfo",
    "ModelServer",
    "Prediction",
    "SatisfactionModel",
    "Scored",
    "TermWeight",
    "Turn",
    "check_version",
]

log = logging.getLogger(__name__)

# A spec that failed to load is not tried again for this long (each try hashes the artifact).
RETRY_FAILED_SECONDS = 30.0


@dataclass(frozen=True)
class Scored:
    """A conversation's verdict and, per turn position, the verdicts of its customer turns."""

    conversation: Prediction
    turns: dict[int, Prediction]


class ModelServer:
    def __init__(self, *, models_dir: Path = DEFAULT_MODELS_DIR, default_spec: str) -> None:
        self.models_dir = models_dir
        self.default_spec = default_spec
        self._loaded: dict[str, SatisfactionModel] = {}
        self._failed: dict[str, tuple[float, ModelError]] = {}
        self._serving: dict[object, SatisfactionModel] = {}
        self._lock = threading.Lock()

    def model(self, spec: str) -> SatisfactionModel:
        """The model for a version, model directory or import spec; loaded on first use only."""
        with self._lock:
            if spec in self._loaded:
                return self._loaded[spec]
            failed = self._failed.get(spec)
            if failed is not None and time.monotonic() - failed[0] < RETRY_FAILED_SECONDS:
                raise failed[1]
            try:
                model = load(spec, self.models_dir)
            except ModelError as exc:
                if exc.code == "MODEL_INVALID":
                    self._failed[spec] = (time.monotonic(), exc)
                raise
            self._failed.pop(spec, None)
            self._loaded[spec] = model
            log.info("satisfaction model %s loaded", model.version)
            return model

    def check(self, spec: str) -> SatisfactionModel:
        """Load `spec` now, ignoring an earlier failure: what an activation calls before it records."""
        with self._lock:
            self._failed.pop(spec, None)
        return self.model(spec)

    def serve(self, scope: object, spec: str) -> SatisfactionModel:
        """The model to use for `scope`: `spec`, or, when it fails to load, the scope's previous model."""
        try:
            model = self.model(spec)
        except ModelError as exc:
            previous = self._serving.get(scope)
            if previous is None:
                raise
            log.error("satisfaction model %s cannot serve (%s); %s keeps serving", spec, exc.message, previous.version)
            return previous
        self._serving[scope] = model
        return model

    def versions(self) -> list[ModelInfo]:
        return list_models(self.models_dir)

    def info(self, version: str) -> ModelInfo:
        return find(version, self.models_dir)

    @staticmethod
    def predict(model: SatisfactionModel, conversations: Sequence[Conversation]) -> list[Prediction]:
        predictions = model.predict(conversations) if conversations else []
        if len(predictions) != len(conversations):
            raise ModelError(f"model {model.version} returned {len(predictions)} verdicts for {len(conversations)} conversations")
        return [checked(p, version=model.version) for p in predictions]

    @classmethod
    def score(cls, model: SatisfactionModel, conversations: Sequence[Conversation]) -> list[Scored | None]:
        """Each conversation as a whole and at each customer turn (the conversation up to that turn).

        None for a conversation in which the customer never wrote: there is nothing to judge. A model
        that can judge every customer turn in one pass (`TurnScoringModel`, as the default one does)
        is asked to; any other gets the whole conversations and every prefix as one batch.
        """
        if isinstance(model, TurnScoringModel):
            return cls._score_in_one_pass(model, conversations)
        judged = judge_by_prefixes(lambda batch: cls.predict(model, batch), conversations)
        return [None if j is None else Scored(conversation=j[0], turns=j[1]) for j in judged]

    @staticmethod
    def _score_in_one_pass(model: TurnScoringModel, conversations: Sequence[Conversation]) -> list[Scored | None]:
        with cyclic_gc_paused():
            return ModelServer._check_turns(model, conversations, model.predict_turns(conversations) if conversations else [])

    @staticmethod
    def _check_turns(model: TurnScoringModel, conversations: Sequence[Conversation], results: list) -> list[Scored | None]:  # type: ignore[type-arg]
        if len(results) != len(conversations):
            raise ModelError(f"model {model.version} returned {len(results)} verdicts for {len(conversations)} conversations")
        out: list[Scored | None] = []
        for turns, result in zip(conversations, results, strict=True):
            positions = customer_turn_positions(turns)
            if result is None or not positions:
                out.append(None)
                continue
            whole, by_turn = result
            if len(by_turn) != len(positions) or set(by_turn) != set(positions):
                raise ModelError(f"model {model.version} did not judge every customer turn")
            version = model.version
            out.append(Scored(checked(whole, version=version), {p: checked(v, version=version) for p, v in by_turn.items()}))
        return out
