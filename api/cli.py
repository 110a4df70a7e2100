"""The `rapport` command line: migrate, load demo data, serve, export the schema."""

import asyncio
from pathlib import Path

import typer
from rich.console import Console

from domain.settings import get_settings

app = typer.Typer(help="Rapport: contact-profile backend for omnichannel messaging.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


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

    workspaces = asyncio.run(
        load_demo(database_url=get_settings().database_url, contacts=contacts, reset=reset, seed=seed, console=err_console)
    )
    main, *others = workspaces
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
    reload: bool = typer.Option(False, help="Reload on code changes (development)."),
) -> None:
    """Serve the GraphQL API (and GraphiQL) with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
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


if __name__ == "__main__":
    app()
