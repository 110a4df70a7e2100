"""The default model: a fitted pipeline plus what it needs to explain its verdicts."""

from collections.abc import Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from ml.conversation import Conversation
from ml.labels import LABELS
from ml.pipeline import WORD_BLOCKS
from ml.protocol import Prediction, TermWeight

EXPLANATION_TERMS = 8
# A term is listed only if it weighs at least this share of the strongest term.
MIN_SHARE = 0.1


class PipelineModel:
    """A `SatisfactionModel` around a fitted `ml.pipeline.build_pipeline` pipeline.

    Explanations come from the logistic regression's weights: for the predicted label, each word
    feature present contributes its TF-IDF value (as weighted by its block) times the label's weight
    minus the mean weight over the three labels (softmax ignores a shift common to all labels). The
    strongest positive contributions (at least a tenth of the strongest) are listed as
    "customer: <term>", "agent: <term>" or "customer earlier: <term>". Character n-grams and shape
    features also count towards the label but are not listed: they read poorly.
    """

    def __init__(self, pipeline: Pipeline, *, version: str, level: str) -> None:
        self.pipeline = pipeline
        self.version = version
        self.level = level
        classes = [str(c) for c in pipeline.classes_]
        if sorted(classes) != sorted(LABELS):
            raise ValueError(f"a satisfaction pipeline must know the labels {LABELS}, this one knows {classes}")
        self._columns = [classes.index(label) for label in LABELS]
        self._terms, self._centered = self._explainable_weights()

    def _explainable_weights(self) -> tuple[np.ndarray, np.ndarray]:
        union = self.pipeline.named_steps["features"]
        regression = self.pipeline.named_steps["classifier"].calibrated_classifiers_[0].estimator
        coef = np.asarray(regression.coef_, dtype=np.float64)  # (labels, features) in classes_ order
        centered = coef - coef.mean(axis=0, keepdims=True)
        names: list[str] = []
        scale: list[float] = []
        for name, block in union.transformer_list:
            if name in WORD_BLOCKS:
                terms = block.named_steps["tfidf"].get_feature_names_out()
                names.extend(f"{WORD_BLOCKS[name]}: {t}" for t in terms)
                scale.extend([1.0] * len(terms))  # the union's block weights are already in the features
            else:
                width = self._block_width(block)
                names.extend([""] * width)
                scale.extend([0.0] * width)  # not listed
        if len(names) != coef.shape[1]:
            raise ValueError("feature names do not line up with the classifier's weights")
        return np.asarray(names, dtype=object), centered * np.asarray(scale)

    @staticmethod
    def _block_width(block: Pipeline) -> int:
        last = block.steps[-1][1]
        if hasattr(last, "vocabulary_"):
            return len(last.vocabulary_)
        return int(last.n_features_in_)

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        if not conversations:
            return []
        views = self.pipeline.named_steps["views"].transform(conversations)
        features = self.pipeline.named_steps["features"].transform(views)
        probabilities = self.pipeline.named_steps["classifier"].predict_proba(features)[:, self._columns]
        winners = probabilities.argmax(axis=1)
        features = features.tocsr()
        out = []
        for row, (probs, winner) in enumerate(zip(probabilities, winners, strict=True)):
            label = LABELS[winner]
            out.append(
                Prediction(
                    label=label,
                    probabilities={lab: float(p) for lab, p in zip(LABELS, probs, strict=True)},
                    version=self.version,
                    explanation=self._explain(features, row, self._columns[winner]),
                )
            )
        return out

    def _explain(self, features, row: int, column: int) -> tuple[TermWeight, ...]:  # type: ignore[no-untyped-def]
        start, end = features.indptr[row], features.indptr[row + 1]
        index = features.indices[start:end]
        contributions = features.data[start:end] * self._centered[column, index]
        if not len(contributions) or contributions.max() <= 0:
            return ()
        # Terms that barely moved the verdict (function words, mostly) would only be noise.
        kept = contributions >= max(MIN_SHARE * contributions.max(), 1e-3)
        index, contributions = index[kept], contributions[kept]
        top = np.argsort(-contributions, kind="stable")[:EXPLANATION_TERMS]
        return tuple(TermWeight(term=str(self._terms[index[i]]), weight=round(float(contributions[i]), 4)) for i in top)
