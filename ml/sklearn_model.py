"""The default model: a fitted pipeline, scored in linear time, with the terms behind each verdict."""

from collections.abc import Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from ml.conversation import Conversation
from ml.explain import Explainer
from ml.gc_pause import cyclic_gc_paused
from ml.labels import LABELS
from ml.prefix_features import PrefixFeaturizer, Rows
from ml.protocol import Prediction


class PipelineModel:
    """A `SatisfactionModel` around a fitted `ml.pipeline.build_pipeline` pipeline.

    `predict` judges each conversation at its last customer turn; `predict_turns` judges every
    customer turn and gives the conversation the verdict of its last one (the features of a whole
    conversation are those of its last customer turn: later agent turns are not read). Both read
    each turn once (`ml.prefix_features`) and explain a batch at once (`ml.explain`);
    `ml.reference_scoring` is the per-prefix way they must agree with.
    """

    def __init__(self, pipeline: Pipeline, *, version: str, level: str) -> None:
        self.pipeline = pipeline
        self.version = version
        self.level = level
        classes = [str(c) for c in pipeline.classes_]
        if sorted(classes) != sorted(LABELS):
            raise ValueError(f"a satisfaction pipeline must know the labels {LABELS}, this one knows {classes}")
        self.columns = [classes.index(label) for label in LABELS]
        self.featurizer = PrefixFeaturizer(pipeline)
        self.explainer = Explainer(pipeline, self.columns)

    def __getstate__(self) -> dict[str, object]:
        raise TypeError("a PipelineModel is not pickled: ml.registry writes its pipeline (skops) and rebuilds it")

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        if not conversations:
            return []
        with cyclic_gc_paused():
            return self.verdicts(self.featurizer.rows(conversations, every_turn=False))

    def predict_turns(self, conversations: Sequence[Conversation]) -> list[tuple[Prediction, dict[int, Prediction]] | None]:
        """Per conversation: (its verdict, {turn position: verdict} for each customer turn), or None
        for a conversation in which the customer never wrote."""
        if not conversations:
            return []
        with cyclic_gc_paused():
            rows = self.featurizer.rows(conversations, every_turn=True)
            verdicts, starts, positions = self.verdicts(rows), rows.starts, rows.positions
            out: list[tuple[Prediction, dict[int, Prediction]] | None] = []
            for c in range(len(conversations)):
                lo, hi = starts[c], starts[c + 1]
                out.append((verdicts[hi - 1], dict(zip(positions[lo:hi], verdicts[lo:hi], strict=True))) if hi > lo else None)
            return out

    def probabilities(self, rows: Rows) -> np.ndarray:
        """(rows, 3) in LABELS order."""
        return self.pipeline.named_steps["classifier"].predict_proba(rows.X)[:, self.columns]

    def verdicts(self, rows: Rows) -> list[Prediction]:
        if rows.X.shape[0] == 0:
            return []
        probabilities = self.probabilities(rows)
        winners = probabilities.argmax(axis=1)
        explanations = self.explainer.explain(rows, winners)
        version, labels = self.version, LABELS
        return [
            Prediction(labels[w], dict(zip(labels, p, strict=True)), version, e)
            for p, w, e in zip(probabilities.tolist(), winners.tolist(), explanations, strict=True)
        ]
