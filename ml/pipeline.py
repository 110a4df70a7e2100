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

from ml import analysis, features

# Feature blocks whose columns are words a person can read, and who wrote them: explanations list
# these (the lexicon's by the entries that fired), never character n-grams or shape features.
WORD_BLOCKS = {"customer": "customer", "agent": "agent", "earlier": "customer earlier"}
LEXICON_BLOCKS = {"lexicon": "customer", "lexicon_earlier": "customer earlier"}
BLOCKS = ("customer", "customer_chars", "agent", "earlier", "lexicon", "lexicon_earlier", "shape")


@dataclass(frozen=True)
class PipelineParams:
    """Everything that shapes the model; recorded in each manifest."""

    C: float = 0.1
    min_df: int = 2
    # How many of the customer's turns before the judged one count as its history.
    earlier_turns: int = features.EARLIER_TURNS
    # Relative weight of each feature block (the customer's last turn counts fully).
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "customer": 1.0,
            "customer_chars": 1.0,
            "agent": 0.5,
            "earlier": 0.3,
            "lexicon": 0.5,
            "lexicon_earlier": 0.2,
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
        return cls(**known)  # type: ignore[arg-type]


def _block(name: str, step: tuple[str, object]) -> Pipeline:
    return Pipeline([("select", FunctionTransformer(features.field, kw_args={"name": name})), step])


def _counts(analyzer: object, min_df: int) -> TfidfVectorizer:
    # float64 so that the fast path (ml.prefix_features) computes bit for bit the same numbers.
    return TfidfVectorizer(analyzer=analyzer, min_df=min_df, sublinear_tf=True, dtype=np.float64)


def build_pipeline(params: PipelineParams | None = None) -> Pipeline:
    """Word and character n-grams and lexicon columns of the conversation with customer and agent
    turns told apart, shape features, a class-balanced logistic regression and sigmoid calibration.

    Input: a sequence of conversations (each a sequence of `ml.conversation.Turn`), judged at their
    last customer turn. Fit with `classifier__sample_weight` set to balanced class weights (see
    `ml.train`), so that the heavy NEUTRAL majority does not drown the other two labels and the
    calibrated probabilities are those of a class-balanced population.
    """
    p = params or PipelineParams()
    blocks = FeatureUnion(
        [
            ("customer", _block("customer_last", ("tfidf", _counts(analysis.word_grams, p.min_df)))),
            ("customer_chars", _block("customer_last", ("tfidf", _counts(analysis.char_grams, p.min_df)))),
            ("agent", _block("agent_before", ("tfidf", _counts(analysis.word_grams, p.min_df)))),
            ("earlier", _block("customer_earlier", ("tfidf", _counts(analysis.word_grams_of_turns, p.min_df)))),
            ("lexicon", _block("customer_last", ("read", FunctionTransformer(features.lexicon_of)))),
            ("lexicon_earlier", _block("customer_earlier", ("read", FunctionTransformer(features.lexicon_of_turns)))),
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
    views = FunctionTransformer(features.views, kw_args={"earlier_turns": p.earlier_turns})
    return Pipeline([("views", views), ("features", blocks), ("classifier", classifier)])
