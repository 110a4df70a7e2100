"""The `rapport` command line: migrate, load demo data, serve, export the schema, import a CSV, models."""

import asyncio
import os
from pathlib import Path

import typer
from rich.console import Console

from api.cli_access import key_app, user_app, workspace_app
from api.cli_model import model_app
from domain.settings import get_settings

app = typer.Typer(help="Rapport: contact-profile backend for omnichannel messaging.", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(workspace_app, name="workspace")
app.add_typer(user_app, name="user")
app.add_typer(key_app, name="key")
console = Console()
err_console = Console(stderr=True)
# How long a `serve --workers` worker may take to answer uvicorn's health ping (see serve).
WORKER_HEALTHCHECK_SECONDS = 60


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (DATABASE_URL) to the newest version."""
    from domain.db import create_engine
    from domain.migrate import upgrade

    async def _run() -> None:
        engine = create_engine(get_settings().database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(_run())
    console.print("[green]database is up to date[/green]")


@app.command()
def demo(
    contacts: int = typer.Option(2000, "--contacts", "-n", min=1, help="Contacts in the main demo workspace."),
    reset: bool = typer.Option(False, "--reset", help="Delete the demo workspaces and load them again."),
    seed: int = typer.Option(7, help="Random seed: the same seed gives the same data."),
) -> None:
    """Load realistic demo data (two workspaces) and print fresh API keys for the main one."""
    from domain.demo import load_demo
    from ml.serving import ModelServer

    settings = get_settings()
    models = ModelServer(models_dir=settings.models_dir, default_spec=settings.satisfaction_model)
    workspaces = asyncio.run(
        load_demo(
            database_url=settings.database_url, contacts=contacts, reset=reset, seed=seed, console=err_console, models=models
        )
    )
    main, *others = workspaces
    revoked = sum(w.revoked_keys for w in workspaces)
    if revoked:
        console.print(f"Revoked the {revoked} earlier demo keys: only the keys below are valid now.", highlight=False)
    console.print(f"Demo workspace: {main.name}", highlight=False)
    for role, key in main.keys.items():
        # Scripts read these three lines: "<ROLE>: <key>".
        print(f"{role.value}: {key}")
    for other in others:
        for role, key in other.keys.items():
            print(f"({other.name}) {role.value.lower()} key: {key}")


@app.command()
def serve(
    host: str = typer.Option(None, help="Interface to bind (default HOST or 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default PORT or 8000)."),
    reload: bool = typer.Option(False, help="Reload on code changes (development; one process)."),
    workers: int = typer.Option(
        None, "--workers", min=1, help="Server processes sharing the port (default: the number of cores; 1 with --reload)."
    ),
    log_level: str = typer.Option(
        "info", "--log-level", envvar="LOG_LEVEL", help="debug, info, warning or error (logs are JSON lines on stderr)."
    ),
) -> None:
    """Serve the GraphQL API (and GraphiQL) with uvicorn, in one process per core by default."""
    import uvicorn

    if reload and workers is not None and workers > 1:
        raise typer.BadParameter("--reload watches the code in one process; leave out --workers (or use --workers 1)",
                                 param_hint="--workers")
    # Without --reload, one process per core: a single Python process serves on one core at a time.
    processes = 1 if reload else workers or os.cpu_count() or 1

    from ml.serving import ModelError, ModelServer

    settings = get_settings()
    try:  # a misconfigured SATISFACTION_MODEL stops here, not at the first conversation
        ModelServer(models_dir=settings.models_dir, default_spec=settings.satisfaction_model).model(settings.satisfaction_model)
    except ModelError as exc:
        err_console.print(f"[red]SATISFACTION_MODEL={settings.satisfaction_model} cannot serve:[/red] {exc.message}", highlight=False)
        raise typer.Exit(1) from None
    from api.observability import configure_logging

    if log_level.lower() not in ("debug", "info", "warning", "error", "critical"):
        raise typer.BadParameter(f"unknown log level {log_level!r}", param_hint="--log-level")
    # JSON lines on stderr for our loggers and uvicorn's; uvicorn applies the same config in each worker.
    log_config = configure_logging(log_level)
    # An import string and a factory: each worker process builds its own app (engine, pools, model
    # server, job runner) after it starts; nothing is shared between them but the listening socket.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        workers=None if processes == 1 else processes,
        # uvicorn restarts a worker that does not answer its health ping within this; a worker starts by
        # importing the CLI and the app (seconds of CPU), so uvicorn's 5 s kill new workers on a busy machine.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_config=log_config,
    )


@app.command()
def schema(output: Path = typer.Option(None, "--output", "-o", help="Write here instead of stdout.")) -> None:
    """Print the GraphQL schema (SDL) generated from the code."""
    from api.schema import schema_sdl

    sdl = schema_sdl()
    if output:
        output.write_text(sdl, encoding="utf-8")
    else:
        print(sdl, end="")


@app.command("import")
def import_csv(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="The CSV file: UTF-8, `,` or `;` separated, header first."
    ),
    workspace: str = typer.Option(
        None, "--workspace", "-w", help="Workspace slug (default: the only one, else demo-main)."
    ),
    update_existing: bool = typer.Option(
        False, "--update-existing/--skip-existing", help="Update contacts that match a row, or leave them as they are."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Validate and count only; change nothing."),
) -> None:
    """Import contacts from a CSV file, as the workspace's first ADMIN (same rules and job as contactsImport)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from domain.clock import SystemClock
    from domain.db import create_engine, session_factory
    from domain.errors import DomainError
    from domain.imports.local import import_file
    from domain.imports.options import ImportOptions

    options = ImportOptions(update_existing=update_existing, dry_run=dry_run)
    columns = (TextColumn("importing {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())

    async def _run():  # type: ignore[no-untyped-def]
        engine = create_engine(get_settings().database_url)
        try:
            with Progress(*columns, console=err_console) as progress:
                task = progress.add_task(file.name, total=None)
                return await import_file(
                    session_factory(engine), SystemClock(), slug=workspace, filename=file.name,
                    data=file.read_bytes(), options=options, max_rows=get_settings().max_import_rows,
                    on_batch=lambda job: progress.update(task, total=job.total, completed=job.processed),
                )
        finally:
            await engine.dispose()

    try:
        done = asyncio.run(_run())
    except DomainError as exc:
        err_console.print(f"[red]not imported:[/red] {exc.message}", highlight=False)
        raise typer.Exit(1) from None
    job = done.job
    verb = "would be" if dry_run else "were"
    console.print(
        f"{job.status.value}{' (dry run)' if dry_run else ''}: {job.total} rows; {job.created} {verb} created, "
        f"{job.updated} updated, {job.skipped} skipped, {job.failed} failed", highlight=False,
    )
    if job.error:
        console.print(f"[red]{job.error}[/red]", highlight=False)
    for error in done.errors:
        console.print(f"  row {error.row}, {error.column or 'row'}: {error.message}", highlight=False)
    if job.omitted_errors:
        console.print(f"  ... and {job.omitted_errors:,} more errors, counted but not kept", highlight=False)
    if job.status.value != "COMPLETED":
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
