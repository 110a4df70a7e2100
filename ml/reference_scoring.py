"""The reference way to score with the default model: each prefix through the fitted pipeline as a
plain scikit-learn pipeline would take it, one explanation per row in a Python loop, and the whole
conversation judged apart from its last customer turn (O(k²) in the customer turns).

Not used to serve. It is what `PipelineModel` must agree with (`tests/ml/test_prefix_features.py`
checks the same labels, probabilities and explanations) and the baseline
`bench/satisfaction_model.py` measures it against.
"""

from collections.abc import Sequence

from ml import features, lexicon
from ml.conversation import Conversation, judge_by_prefixes
from ml.labels import LABELS
from ml.protocol import Prediction
from ml.sklearn_model import PipelineModel


def predict(model: PipelineModel, conversations: Sequence[Conversation]) -> list[Prediction]:
    if not conversations:
        return []
    pipeline = model.pipeline
    views = pipeline.named_steps["views"].transform(conversations)
    X = pipeline.named_steps["features"].transform(views).tocsr()
    probabilities = pipeline.named_steps["classifier"].predict_proba(X)[:, model.columns]
    out = []
    for row, (probs, view) in enumerate(zip(probabilities, views, strict=True)):
        winner = int(probs.argmax())
        last = lexicon.read(view.customer_last) if view is not features.EMPTY else lexicon.NOTHING
        earlier = [lexicon.read(t) for t in view.customer_earlier]
        out.append(
            Prediction(
                label=LABELS[winner],
                probabilities={label: float(p) for label, p in zip(LABELS, probs, strict=True)},
                version=model.version,
                explanation=model.explainer.explain_row(X, row, winner, last, earlier),
            )
        )
    return out


def predict_turns(model: PipelineModel, conversations: Sequence[Conversation]) -> list[tuple[Prediction, dict[int, Prediction]] | None]:
    """What `ModelServer.score` did before: the whole conversation plus every prefix, each judged afresh."""
    return judge_by_prefixes(lambda batch: predict(model, batch), conversations)
