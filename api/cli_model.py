"""`rapport model ...`: train, evaluate, list, activate and rescore satisfaction models."""

import asyncio
import json
import shlex
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from domain.settings import PROJECT_ROOT, get_settings

model_app = typer.Typer(help="Train, evaluate, list, activate and rescore satisfaction models.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

FORMAT_HELP = "jsonl, csv or uss (default: from the file extension: .jsonl, .csv, .txt/.uss)."
LEVEL_HELP = "turn: one example per labelled customer turn; conversation: one per conversation."


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _models_dir(option: Path | None) -> Path:
    return option or get_settings().models_dir


def _serving_models():  # type: ignore[no-untyped-def]
    from ml.serving import ModelServer

    settings = get_settings()
    return ModelServer(models_dir=settings.models_dir, default_spec=settings.satisfaction_model)


def _with_database(work):  # type: ignore[no-untyped-def]
    """Run `await work(engine)` against DATABASE_URL, closing the engine afterwards."""
    from domain.db import create_engine

    async def _run():  # type: ignore[no-untyped-def]
        engine = create_engine(get_settings().database_url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(_run())


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
        raise _fail(str(exc), 2) from None
    target = _models_dir(models_dir)
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
        raise _fail(str(exc), 2) from None
    except ModelError as exc:
        raise _fail(exc.message, 2) from None
    manifest = result.manifest
    console.print(f"trained [bold]{result.version}[/bold] in {manifest['training_seconds']} s -> {result.directory}", highlight=False)
    console.print(f"data: {dataset.describe()}", highlight=False)
    held = manifest["metrics"]["heldout"]
    if held:
        console.print(_metrics_table(held, title="held-out"))


def _metrics_table(metrics: dict, *, title: str) -> Table:  # type: ignore[type-arg]
    table = Table(title=f"{title}: UAR {metrics['uar']:.3f}  macro F1 {metrics['macro_f1']:.3f}  kappa {metrics['kappa']:.3f}"
                  f"  accuracy {metrics['accuracy']:.3f}  n {metrics['n']}")
    for column in ("label", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, row in metrics["per_class"].items():
        table.add_row(label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]))
    return table


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
    """Score labelled data: UAR, macro F1, kappa, accuracy, per-class figures, confusion matrix and calibration plots."""
    from ml import datasets
    from ml.evaluate import evaluate as run_evaluation
    from ml.registry import ModelError
    from ml.serving import ModelServer

    try:
        loaded = ModelServer(models_dir=_models_dir(models_dir), default_spec=model).model(model)
        dataset = datasets.load(data, fmt=format, level=level)
    except datasets.DatasetError as exc:
        raise _fail(str(exc), 2) from None
    except ModelError as exc:
        raise _fail(exc.message, 2) from None
    safe = "".join(c if c.isalnum() or c in "._-" else "-" for c in loaded.version)
    target = output or PROJECT_ROOT / "var" / "evaluations" / safe / f"{data.stem or data.name}-{level}"
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
    console.print(f"Brier score {result.metrics['brier']:.4f}; files in {target}", highlight=False)


async def _deployment_version(engine) -> str | None:  # type: ignore[no-untyped-def]
    from sqlalchemy.ext.asyncio import AsyncSession

    from domain.repositories.satisfaction import deployment_version

    async with engine.connect() as connection, AsyncSession(bind=connection) as session:
        return await deployment_version(session)


@model_app.command("list")
def list_versions(
    models_dir: Path = typer.Option(None, "--models-dir", help="Where versions live (default MODELS_DIR or models/)."),
) -> None:
    """The versions in models/, newest first, with held-out metrics and which one serves by default."""
    from ml.registry import list_models

    settings = get_settings()
    infos = list_models(_models_dir(models_dir))
    try:
        activated = _with_database(_deployment_version)
        note = None
    except Exception as exc:  # noqa: BLE001 - a listing works without a database
        activated, note = None, f"(database not readable, activations not shown: {type(exc).__name__})"
    table = Table(title=f"satisfaction models in {_models_dir(models_dir)} (UAR, F1: on the held-out part)")
    for column in ("version", "serves", "created", "level", "data", "UAR", "F1"):
        table.add_column(column, no_wrap=column in ("version", "created"))
    for info in infos:
        serves = []
        if info.version == activated:
            serves.append("activated")
        if info.version == settings.satisfaction_model:
            serves.append("default" if activated is None else "default (overridden)")
        metrics = info.metrics
        data = info.manifest.get("training_data") or {}
        table.add_row(
            info.version, ", ".join(serves), (info.created_at or "")[:16].replace("T", " "), info.manifest.get("level", ""),
            f"{data.get('conversations', '?')} conv." if data else "",
            f"{metrics['uar']:.3f}" if "uar" in metrics else "", f"{metrics['macro_f1']:.3f}" if "macro_f1" in metrics else "",
        )
    console.print(table)
    if not infos:
        console.print("no versions; train one with `rapport model train --data PATH`")
    console.print(
        "serves: 'activated' = `rapport model activate` (every workspace without its own activation);"
        " 'default' = SATISFACTION_MODEL", highlight=False,
    )
    if note:
        err_console.print(note, highlight=False)


@model_app.command()
def activate(
    version: str = typer.Argument(..., help="A version in models/."),
    workspace: str = typer.Option(None, "--workspace", "-w", help="Only this workspace (slug); default: every workspace without its own."),
) -> None:
    """Serve VERSION from now on, in every running server process (no restart). Checks the artifact first."""
    from domain.clock import SystemClock
    from domain.db import session_factory
    from domain.errors import DomainError
    from domain.services.satisfaction_models import activate_from_cli

    models = _serving_models()

    async def _activate(engine):  # type: ignore[no-untyped-def]
        async with session_factory(engine)() as session:
            return await activate_from_cli(session=session, models=models, version=version, now=SystemClock().now(), slug=workspace)

    try:
        info = _with_database(_activate)
    except DomainError as exc:
        raise _fail(f"{exc.message} ({exc.code.value})") from None
    scope = f"workspace {workspace}" if workspace else "every workspace without an activation of its own"
    console.print(f"activated {info.version} for {scope}; stored verdicts keep their model until `rapport model rescore`", highlight=False)


@model_app.command()
def rescore(
    workspace: str = typer.Option(None, "--workspace", "-w", help="Only this workspace (slug); default: all."),
) -> None:
    """Relabel stored conversations with the model serving each workspace (resumable jobs, with progress)."""
    from domain.clock import SystemClock
    from domain.db import session_factory
    from domain.errors import DomainError
    from domain.services.satisfaction_models import rescore_workspaces

    models = _serving_models()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())

    async def _rescore(engine):  # type: ignore[no-untyped-def]
        tasks: dict[int, object] = {}
        with Progress(*columns, console=err_console) as progress:

            def on_batch(ws, job):  # type: ignore[no-untyped-def]
                if ws.id not in tasks:
                    tasks[ws.id] = progress.add_task(f"{ws.slug} ({job.params.get('version')})", total=job.total)
                progress.update(tasks[ws.id], completed=job.processed, total=job.total)  # type: ignore[arg-type]

            return await rescore_workspaces(session_factory(engine), SystemClock(), models=models, slug=workspace, on_batch=on_batch)

    try:
        done = _with_database(_rescore)
    except DomainError as exc:
        raise _fail(f"{exc.message} ({exc.code.value})") from None
    failed = False
    for ws, job in done:
        console.print(f"{ws.slug}: {job.status.value}, {job.processed} of {job.total} conversations with {job.params.get('version')}"
                      + (f" ({job.error})" if job.error else ""), highlight=False)
        failed = failed or job.status.value != "COMPLETED"
    if failed:
        raise typer.Exit(1)
