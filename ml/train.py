"""Training: the default pipeline fitted on a dataset, checked on a held-out part, written as a version.

Deterministic: the split, the folds and the solver are seeded, so the same data and parameters give
the same model (the same predictions; the artifact's bytes too on the same library versions).
"""

import hashlib
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.utils.class_weight import compute_sample_weight

from ml import metrics, registry
from ml.datasets import Dataset, Example
from ml.model_card import model_card
from ml.pipeline import PipelineParams, build_pipeline
from ml.report import report
from ml.sklearn_model import PipelineModel

Step = Callable[[str], None]


class TrainingError(ValueError):
    """Data that cannot train a model (too few examples of a label, say)."""


@dataclass(frozen=True)
class TrainResult:
    version: str
    directory: Path
    manifest: dict[str, Any]
    model: PipelineModel


def library_versions() -> dict[str, str]:
    import scipy
    import skops
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
    }


def default_version(dataset: Dataset, params: PipelineParams, holdout: float, stem: str) -> str:
    """`<data name>-<8 hex>`: the same data and parameters give the same name."""
    digest = hashlib.sha256(
        json.dumps([dataset.sha256, dataset.level, params.as_dict(), holdout], sort_keys=True).encode()
    ).hexdigest()
    clean = "".join(c if c.isalnum() or c in "._-" else "-" for c in stem).strip("-._") or "model"
    return f"{clean[:40]}-{digest[:8]}"


def split(examples: list[Example], holdout: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of (train, held-out): whole conversations go to one side, labels stratified."""
    if holdout <= 0:
        return list(range(len(examples))), []
    folds = max(2, round(1 / holdout))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    labels = [e.label for e in examples]
    groups = [e.conversation_id for e in examples]
    train_idx, test_idx = next(splitter.split(np.zeros(len(examples)), labels, groups))
    return train_idx.tolist(), test_idx.tolist()


def fit(examples: list[Example], params: PipelineParams) -> Any:
    labels = [e.label for e in examples]
    counts = {label: labels.count(label) for label in set(labels)}
    if len(counts) < 3 or min(counts.values()) < params.calibration_folds:
        raise TrainingError(
            f"every label needs at least {params.calibration_folds} training examples; got {dict(sorted(counts.items()))}"
        )
    pipeline = build_pipeline(params)
    pipeline.fit(
        [e.turns for e in examples], labels, classifier__sample_weight=compute_sample_weight("balanced", labels)
    )
    return pipeline


def _forget_process_state(pipeline: Any) -> None:
    """Drop what a fit remembers of this process only, so the same data gives the same artifact bytes.

    TfidfVectorizer caches `id(stop_words)` (a memory address) whenever it builds its analyzer.
    """
    union = pipeline.named_steps["features"]
    for _, block in union.transformer_list:
        for _, step in block.steps:
            if hasattr(step, "_stop_words_id"):
                del step._stop_words_id


def train(
    dataset: Dataset,
    *,
    models_dir: Path,
    version: str | None = None,
    params: PipelineParams | None = None,
    holdout: float = 0.2,
    data_name: str = "model",
    command: str | None = None,
    step: Step | None = None,
    now: datetime | None = None,
) -> TrainResult:
    params = params or PipelineParams()
    if not 0 <= holdout < 1:
        raise TrainingError("--holdout must be at least 0 and below 1")
    version = registry.check_version(version or default_version(dataset, params, holdout, data_name))
    directory = models_dir / version
    if directory.exists():
        raise registry.ModelError(f"model version {version!r} already exists in {models_dir}", code="CONFLICT")
    note = step or (lambda _: None)

    note("splitting")
    train_idx, held_idx = split(dataset.examples, holdout, params.seed)
    train_examples = [dataset.examples[i] for i in train_idx]
    held = [dataset.examples[i] for i in held_idx]

    note(f"fitting on {len(train_examples)} examples")
    started = datetime.now(UTC)
    pipeline = fit(train_examples, params)
    seconds = (datetime.now(UTC) - started).total_seconds()
    model = PipelineModel(pipeline, version=version, level=dataset.level)

    held_metrics: dict[str, Any] | None = None
    whole_metrics: dict[str, Any] | None = None
    if held:
        note(f"evaluating on {len(held)} held-out examples")
        predictions = model.predict([e.turns for e in held])
        held_metrics = report(held, [p.label for p in predictions])
        held_ids = {e.conversation_id for e in held}
        whole = [e for e in dataset.whole if e.conversation_id in held_ids]
        if dataset.level == "turn" and whole:
            # The verdict Rapport stores per conversation: the model on the whole conversation.
            predictions = model.predict([e.turns for e in whole])
            whole_metrics = report(whole, [p.label for p in predictions])

    note("writing")
    manifest = {
        "version": version,
        "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "kind": registry.KIND,
        "labels": list(model_labels()),
        "level": dataset.level,
        "libraries": library_versions(),
        "training_data": {
            "description": dataset.describe(),
            "files": dataset.files,
            "format": dataset.format,
            "sha256": dataset.sha256,
            "conversations": dataset.conversations,
            "examples": len(dataset.examples),
            "class_counts": dataset.class_counts(),
            "train_examples": len(train_examples),
            "heldout_examples": len(held),
        },
        "parameters": {**params.as_dict(), "holdout": holdout},
        "training_seconds": round(seconds, 2),
        "metrics": {
            "heldout": held_metrics,
            "heldout_headline": metrics.headline(held_metrics) if held_metrics else None,
            "heldout_conversations": whole_metrics,
        },
        "command": command,
    }
    card = model_card({**manifest, "features": registry.features_record()})
    _forget_process_state(pipeline)
    written = registry.write(directory, pipeline, manifest, card)
    return TrainResult(version, directory, written, model)


def model_labels() -> tuple[str, ...]:
    from ml.labels import LABELS

    return LABELS
