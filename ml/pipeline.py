"""The default satisfaction pipeline, built in one function from its parameters."""

import json
from dataclasses import asdict, dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ml import features
from ml.text import fold

# Feature blocks whose columns are words a person can read: the ones explanations draw on.
WORD_BLOCKS = {"customer": "customer", "agent": "agent", "earlier": "customer earlier"}


@dataclass(frozen=True)
class PipelineParams:
    """Everything that shapes the model; recorded in each manifest."""

    C: float = 0.1
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 2
    # Relative weight of each feature block (the customer's last turn counts fully).
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "customer": 1.0,
            "customer_chars": 1.0,
            "agent": 0.5,
            "earlier": 0.3,
            "shape": 0.3,
        }
    )
    calibration: str = "sigmoid"
    calibration_folds: int = 3
    seed: int = 13

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def parse(cls, assignments: list[str]) -> "PipelineParams":
        """From KEY=VALUE strings (VALUE as JSON, or a bare string): the defaults with those changed."""
        data: dict[str, object] = cls().as_dict()
        for item in assignments:
            key, sep, raw = item.partition("=")
            key = key.strip()
            if not sep or key not in cls.__dataclass_fields__:
                known = ", ".join(cls.__dataclass_fields__)
                raise ValueError(f"--param {item!r}: expected KEY=VALUE with KEY one of {known}")
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
            default = data[key]
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if isinstance(default, dict) and isinstance(value, dict):
                value = {**default, **value}
            elif type(value) is not type(default) and not (isinstance(default, tuple) and isinstance(value, list)):
                raise ValueError(f"--param {key}: expected a value like {json.dumps(default)}, got {raw!r}")
            data[key] = value
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> "PipelineParams":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("word_ngrams", "char_ngrams"):
            if key in known:
                known[key] = tuple(known[key])  # type: ignore[arg-type]
        return cls(**known)  # type: ignore[arg-type]


def _text_block(name: str, vectorizer: TfidfVectorizer) -> Pipeline:
    return Pipeline(
        [("select", FunctionTransformer(features.field, kw_args={"name": name})), ("tfidf", vectorizer)]
    )


def build_pipeline(params: PipelineParams | None = None) -> Pipeline:
    """Text features over the conversation with customer and agent turns told apart, shape features,
    a class-balanced logistic regression and sigmoid calibration.

    Input: a sequence of conversations (each a sequence of `ml.conversation.Turn`), judged at their
    last customer turn. Fit with `classifier__sample_weight` set to balanced class weights (see
    `ml.train`), so that the heavy NEUTRAL majority does not drown the other two labels and the
    calibrated probabilities are those of a class-balanced population.
    """
    p = params or PipelineParams()

    def words() -> TfidfVectorizer:
        return TfidfVectorizer(
            preprocessor=fold, ngram_range=p.word_ngrams, min_df=p.min_df, sublinear_tf=True, dtype=np.float32
        )

    blocks = FeatureUnion(
        [
            ("customer", _text_block("customer_last", words())),
            (
                "customer_chars",
                _text_block(
                    "customer_last",
                    TfidfVectorizer(
                        preprocessor=fold,
                        analyzer="char_wb",
                        ngram_range=p.char_ngrams,
                        min_df=p.min_df,
                        sublinear_tf=True,
                        dtype=np.float32,
                    ),
                ),
            ),
            ("agent", _text_block("agent_before", words())),
            ("earlier", _text_block("customer_earlier", words())),
            ("shape", Pipeline([("select", FunctionTransformer(features.shape)), ("scale", StandardScaler())])),
        ],
        transformer_weights=p.weights,
    )
    classifier = CalibratedClassifierCV(
        LogisticRegression(C=p.C, class_weight="balanced", max_iter=5000, random_state=p.seed),
        method=p.calibration,
        cv=StratifiedKFold(n_splits=p.calibration_folds, shuffle=True, random_state=p.seed),
        ensemble=False,
    )
    return Pipeline([("views", FunctionTransformer(features.views)), ("features", blocks), ("classifier", classifier)])
