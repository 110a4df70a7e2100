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
from ml.pipeline import PipelineParams, build_pipeline
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
    import joblib
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
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
        held_metrics = metrics.summary([e.label for e in held], [p.label for p in predictions])
        held_ids = {e.conversation_id for e in held}
        whole = [e for e in dataset.whole if e.conversation_id in held_ids]
        if dataset.level == "turn" and whole:
            # The verdict Rapport stores per conversation: the model on the whole conversation.
            predictions = model.predict([e.turns for e in whole])
            whole_metrics = metrics.summary([e.label for e in whole], [p.label for p in predictions])

    note("writing")
    manifest = {
        "version": version,
        "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "kind": "ml.sklearn_model:PipelineModel",
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
    card = model_card(manifest)
    _forget_process_state(pipeline)
    written = registry.write(directory, model, manifest, card)
    return TrainResult(version, directory, written, model)


def model_labels() -> tuple[str, ...]:
    from ml.labels import LABELS

    return LABELS


def model_card(manifest: dict[str, Any]) -> str:
    data = manifest["training_data"]
    params = manifest["parameters"]
    held = manifest["metrics"]["heldout"]
    lines = [
        f"# Satisfaction model `{manifest['version']}`",
        "",
        "Labels a customer-service conversation SATISFIED, NEUTRAL or DISSATISFIED from its text, with",
        "calibrated probabilities and the terms behind the label.",
        "",
        "## Intended use",
        f"- Trained at **{manifest['level']} level**: each example is a conversation up to a customer turn.",
        "  Rapport labels a whole conversation from all of it and each customer turn from the conversation",
        "  up to that turn.",
        "- A signal for prioritising follow-up and tracking trends, not a verdict on a person. Check it on",
        "  your own conversations (`rapport model evaluate`) before relying on it.",
        "",
        "## Training data",
        f"- {data['description']}",
        f"- sha256 of the data: `{data['sha256']}`",
        f"- Examples per label: {', '.join(f'{k} {v}' for k, v in data['class_counts'].items())}",
        f"- Trained on {data['train_examples']} examples; {data['heldout_examples']} held out"
        f" ({params['holdout']:.0%} of the conversations, whole conversations, seed {params['seed']}).",
        "",
        "## Pipeline",
        "TF-IDF word n-grams of the customer's last turn, of the agent's turn before it and of the",
        "customer's earlier turns (kept apart), character n-grams of the customer's last turn, a few shape",
        "features (position, length, question and exclamation marks, capitals); text folded for case,",
        "accents and digits. Class-balanced logistic regression with sigmoid calibration on balanced",
        "weights, so probabilities are those of a population with the three labels equally common.",
        "",
        "Parameters: " + ", ".join(f"`{k}={v}`" for k, v in params.items()),
        "",
        "## Held-out metrics",
    ]
    if held:
        lines += [
            f"UAR (macro recall) **{held['uar']:.3f}**, macro F1 {held['macro_f1']:.3f}, Cohen's kappa"
            f" {held['kappa']:.3f}, accuracy {held['accuracy']:.3f}, n = {held['n']}.",
            "",
            "| label | precision | recall | f1 | support |",
            "|---|---|---|---|---|",
        ]
        for label, row in held["per_class"].items():
            lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |")
        lines += ["", "Confusion matrix (rows true, columns predicted; " + ", ".join(held["labels"]) + "):", ""]
        lines += ["    " + " ".join(f"{v:5d}" for v in row) for row in held["confusion_matrix"]]
    else:
        lines.append("None: trained without a held-out part (`--holdout 0`).")
    whole = manifest["metrics"].get("heldout_conversations")
    if whole:
        lines += [
            "",
            "Whole held-out conversations against their conversation labels (the verdict Rapport stores per",
            f"conversation): UAR **{whole['uar']:.3f}**, macro F1 {whole['macro_f1']:.3f}, kappa {whole['kappa']:.3f},"
            f" accuracy {whole['accuracy']:.3f}, n = {whole['n']}.",
        ]
    lines += [
        "",
        "## Limitations",
        "- Bag-of-words: negation and sarcasm are caught only as far as word pairs and the agent's",
        "  preceding turn reveal them.",
        "- Languages and registers missing from the training data are guessed at poorly.",
        "",
        "## Reproduce",
        f"`{manifest['command']}`" if manifest.get("command") else "(command not recorded)",
        "",
        f"Libraries: {', '.join(f'{k} {v}' for k, v in manifest['libraries'].items())}. Created {manifest['created_at']}.",
        "",
    ]
    return "\n".join(lines)
