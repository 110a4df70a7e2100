"""`rapport model train` and `rapport model evaluate`: the ML engineer's commands, needing no database.

`api/cli_model.py` adds the commands that do (list, activate, rescore) to the same `model_app`, and
tells this module where models and evaluations go by default (`DEFAULTS`).
"""

import json
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ml.registry import DEFAULT_MODELS_DIR

model_app = typer.Typer(help="Train, evaluate, list, activate and rescore satisfaction models.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

FORMAT_HELP = "jsonl, csv or uss (default: from the file extension: .jsonl, .csv, .txt/.uss)."
LEVEL_HELP = "turn: one example per labelled customer turn; conversation: one per conversation."

# Where versions live and where evaluations are written when no option says otherwise.
DEFAULTS: dict[str, Callable[[], Path]] = {
    "models_dir": lambda: DEFAULT_MODELS_DIR,
    "evaluations_dir": lambda: Path("var") / "evaluations",
}


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def models_dir_or_default(option: Path | None) -> Path:
    return option or DEFAULTS["models_dir"]()


def _steps() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console, transient=True)


@model_app.command()
def train(
    data: Path = typer.Option(..., "--data", help="A data file, or a directory of files of one format."),
    format: str = typer.Option(None, "--format", help=FORMAT_HELP),
    level: str = typer.Option("turn", "--level", help=LEVEL_HELP),
    version: str = typer.Option(None, "--version", help="Name of the new version (default: <data name>-<hash>)."),
    holdout: float = typer.Option(0.2, "--holdout", help="Share of conversations held out for the metrics (0 for none)."),
    param: list[str] = typer.Option(
        None, "--param", help="Pipeline parameter as KEY=VALUE (JSON value), repeatable, e.g. --param C=1.0 --param min_df=1."
    ),
    models_dir: Path = typer.Option(None, "--models-dir", help="Where versions are written (default MODELS_DIR or models/)."),
) -> None:
    """Train the default pipeline and write models/<version>/ (artifact, manifest, model card)."""
    from ml import datasets
    from ml import train as training
    from ml.pipeline import PipelineParams
    from ml.registry import ModelError

    try:
        params = PipelineParams.parse(param or [])
    except ValueError as exc:
        raise fail(str(exc), 2) from None
    target = models_dir_or_default(models_dir)
    command = "rapport model " + " ".join(shlex.quote(a) for a in sys.argv[sys.argv.index("train") :]) if "train" in sys.argv else None
    try:
        with _steps() as progress:
            task = progress.add_task(f"reading {data}", total=None)
            dataset = datasets.load(data, fmt=format, level=level)
            result = training.train(
                dataset, models_dir=target, version=version, params=params, holdout=holdout, data_name=data.stem or data.name,
                command=command, step=lambda text: progress.update(task, description=text),
            )
    except (datasets.DatasetError, training.TrainingError) as exc:
        raise fail(str(exc), 2) from None
    except ModelError as exc:
        raise fail(exc.message, 2) from None
    manifest = result.manifest
    console.print(f"trained [bold]{result.version}[/bold] in {manifest['training_seconds']} s -> {result.directory}", highlight=False)
    console.print(f"data: {dataset.describe()}", highlight=False)
    held = manifest["metrics"]["heldout"]
    if held:
        console.print(_metrics_table(held, title="held-out"))


def _metrics_table(metrics: dict, *, title: str) -> Table:  # type: ignore[type-arg]
    low, high = metrics.get("uar_ci95") or (float("nan"), float("nan"))
    table = Table(title=f"{title}: UAR {metrics['uar']:.3f} (95% CI {low:.3f}-{high:.3f})  macro F1 {metrics['macro_f1']:.3f}"
                  f"  kappa {metrics['kappa']:.3f}  accuracy {metrics['accuracy']:.3f}  n {metrics['n']}")
    for column in ("label", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, row in metrics["per_class"].items():
        table.add_row(label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]))
    return table


def _slice_lines(metrics: dict) -> list[str]:  # type: ignore[type-arg]
    lines = ["slices (UAR with its 95% bootstrap interval over conversations):"]
    for kind, slices in (metrics.get("slices") or {}).items():
        for value, row in slices.items():
            low, high = row["uar_ci95"]
            recall = "/".join(f"{row['recall'][label]:.2f}" for label in metrics["labels"])
            lines.append(f"  {kind}: {value}: n {row['n']}, UAR {row['uar']:.3f} (95% CI {low:.3f}-{high:.3f}),"
                         f" macro F1 {row['macro_f1']:.3f}, kappa {row['kappa']:.3f}, recall D/N/S {recall}")
    return lines


@model_app.command()
def evaluate(
    model: str = typer.Option(..., "--model", help="A version in models/, a model directory, or package.module:factory."),
    data: Path = typer.Option(..., "--data", help="Labelled data: a file or a directory of files of one format."),
    format: str = typer.Option(None, "--format", help=FORMAT_HELP),
    level: str = typer.Option("turn", "--level", help=LEVEL_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout instead of a table."),
    output: Path = typer.Option(None, "--output", help="Where metrics.json and the plots go (default var/evaluations/...)."),
    models_dir: Path = typer.Option(None, "--models-dir", help="Where versions live (default MODELS_DIR or models/)."),
) -> None:
    """Score labelled data: UAR with a 95% bootstrap interval, macro F1, kappa, accuracy, per-class figures,
    per-language and per-position slices, confusion matrix and calibration plots."""
    from ml import datasets
    from ml.evaluate import evaluate as run_evaluation
    from ml.registry import ModelError
    from ml.serving import ModelServer

    try:
        loaded = ModelServer(models_dir=models_dir_or_default(models_dir), default_spec=model).model(model)
        dataset = datasets.load(data, fmt=format, level=level)
    except datasets.DatasetError as exc:
        raise fail(str(exc), 2) from None
    except ModelError as exc:
        raise fail(exc.message, 2) from None
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in loaded.version)
    target = output or DEFAULTS["evaluations_dir"]() / safe / f"{data.stem or data.name}-{level}"
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("scoring", total=len(dataset.examples))
        result = run_evaluation(loaded, dataset, output=target, progress=lambda done, total: progress.update(task, completed=done))
    if as_json:
        print(json.dumps(result.metrics))
        return
    console.print(f"model {loaded.version} on {dataset.describe()}", highlight=False)
    console.print(_metrics_table(result.metrics, title="evaluation"))
    matrix = Table(title="confusion matrix (rows true, columns predicted)")
    matrix.add_column("")
    for label in result.metrics["labels"]:
        matrix.add_column(label, justify="right")
    for label, row in zip(result.metrics["labels"], result.metrics["confusion_matrix"], strict=True):
        matrix.add_row(label, *[str(v) for v in row])
    console.print(matrix)
    for line in _slice_lines(result.metrics):
        console.print(line, highlight=False)
    console.print(f"Brier score {result.metrics['brier']:.4f}; files in {target}", highlight=False)
