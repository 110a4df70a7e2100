"""Evaluation: a model against labelled data, with the figures (`ml.report`: UAR with its bootstrap
interval, macro F1, kappa, per-language and per-position slices), a confusion matrix and a
calibration plot."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ml import metrics
from ml.datasets import Dataset
from ml.report import report
from ml.labels import LABELS
from ml.protocol import SatisfactionModel
from ml.serving import ModelServer

BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Evaluation:
    metrics: dict[str, Any]
    probabilities: np.ndarray  # (n, 3) in LABELS order
    files: dict[str, Path]


def predict_all(model: SatisfactionModel, dataset: Dataset, progress: Progress | None = None) -> list[Any]:
    inputs = [e.turns for e in dataset.examples]
    out: list[Any] = []
    for start in range(0, len(inputs), BATCH):
        out.extend(ModelServer.predict(model, inputs[start : start + BATCH]))
        if progress:
            progress(min(start + BATCH, len(inputs)), len(inputs))
    return out


def evaluate(model: SatisfactionModel, dataset: Dataset, *, output: Path, progress: Progress | None = None) -> Evaluation:
    predictions = predict_all(model, dataset, progress)
    truth = dataset.labels
    probabilities = np.asarray([[p.probabilities[label] for label in LABELS] for p in predictions])
    result = report(dataset.examples, [p.label for p in predictions])
    result["brier"] = metrics.brier(truth, probabilities)
    result["model"] = model.version
    result["data"] = dataset.describe()
    result["data_sha256"] = dataset.sha256
    output.mkdir(parents=True, exist_ok=True)
    files = {
        "metrics": output / "metrics.json",
        "confusion_matrix": output / "confusion_matrix.png",
        "calibration": output / "calibration.png",
    }
    result["files"] = {k: str(v) for k, v in files.items()}
    files["metrics"].write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    plot_confusion(result, files["confusion_matrix"])
    plot_calibration(truth, probabilities, files["calibration"], title=model.version)
    return Evaluation(result, probabilities, files)


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def plot_confusion(result: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    matrix = np.asarray(result["confusion_matrix"], dtype=float)
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
    fig, ax = plt.subplots(figsize=(5.2, 4.4), dpi=120)
    image = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=20)
    ax.set_yticks(range(len(LABELS)), LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(len(LABELS)):
        for j in range(len(LABELS)):
            ax.text(j, i, f"{int(matrix[i, j])}\n{share[i, j]:.0%}", ha="center", va="center",
                    color="white" if share[i, j] > 0.55 else "black", fontsize=9)
    ax.set_title(f"{result['model']}: UAR {result['uar']:.3f}, n={result['n']}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of the true label")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def calibration_curve(truth: list[str], probabilities: np.ndarray, label_index: int, bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean predicted, observed share, count) per probability bin for one label; empty bins left out.

    The observed share is class-balanced (each example weighted by the inverse frequency of its true
    label), because the default pipeline calibrates its probabilities on balanced weights: a
    well-calibrated model lies on the diagonal whatever the data's label mix.
    """
    p = probabilities[:, label_index]
    hit = np.asarray([t == LABELS[label_index] for t in truth], dtype=float)
    counts = {label: truth.count(label) for label in set(truth)}
    weight = np.asarray([1.0 / counts[t] for t in truth])
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        inside = which == b
        if inside.any():
            share = float(np.average(hit[inside], weights=weight[inside]))
            out.append((float(p[inside].mean()), share, int(inside.sum())))
    return out


def plot_calibration(truth: list[str], probabilities: np.ndarray, path: Path, *, title: str) -> None:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 4.4), dpi=120)
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    for i, label in enumerate(LABELS):
        curve = calibration_curve(truth, probabilities, i)
        if curve:
            xs, ys, _ = zip(*curve, strict=True)
            ax.plot(xs, ys, marker="o", label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted probability")
    ax.set_ylabel("observed share (class-balanced)")
    ax.set_title(f"{title}: calibration (one-vs-rest)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
