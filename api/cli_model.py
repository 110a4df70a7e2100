"""`rapport model list|activate|rescore`: the model commands that read or write the database.

Training and evaluation (`ml/cli.py`) need no database; their commands live on the same `model_app`.
"""

import asyncio
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from domain.settings import PROJECT_ROOT, get_settings
from ml.cli import DEFAULTS, console, err_console, model_app
from ml.cli import fail as _fail

DEFAULTS["models_dir"] = lambda: get_settings().models_dir
DEFAULTS["evaluations_dir"] = lambda: PROJECT_ROOT / "var" / "evaluations"


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
    from ml.serving import ModelServer

    settings = get_settings()
    infos = ModelServer(models_dir=_models_dir(models_dir), default_spec=settings.satisfaction_model).versions()
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
