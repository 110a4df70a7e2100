"""`rapport workspace|user|key ...`: the installation's operator admits workspaces, users and API keys.

Each command runs the same domain services as the GraphQL mutations (with no caller: source CLI
in the audit trail), migrates the database first, and refuses bad input with a message on stderr
and exit code 1, changing nothing. `rapport key create` prints the key alone on its last line.
"""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from domain.settings import get_settings

T = TypeVar("T")

workspace_app = typer.Typer(help="Workspaces (tenants).", no_args_is_help=True)
user_app = typer.Typer(help="The people of a workspace and their roles.", no_args_is_help=True)
key_app = typer.Typer(help="API keys: create (shown once), list, revoke.", no_args_is_help=True)
# Piped output (scripts, `| tail -n 1`) is never wrapped or cut: lines and tables keep their full width.
_WIDTH = None if sys.stdout.isatty() else 250
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

ROLES = "AGENT, OPERATOR or ADMIN"


def _run(work: Callable[[Any, datetime], Awaitable[T]]) -> T:
    """`await work(session, now)` on DATABASE_URL (migrated first); a refusal exits 1 with its message."""
    from domain.clock import SystemClock
    from domain.db import create_engine, database_unavailable, session_factory
    from domain.errors import DomainError
    from domain.migrate import upgrade

    async def _go() -> T:
        engine = create_engine(get_settings().database_url)
        try:
            await upgrade(engine)
            async with session_factory(engine)() as session:
                return await work(session, SystemClock().now())
        finally:
            await engine.dispose()

    try:
        return asyncio.run(_go())
    except DomainError as exc:
        err_console.print(f"[red]refused:[/red] {exc.message}")
        raise typer.Exit(1) from None
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        err_console.print("[red]the database cannot be reached:[/red] check DATABASE_URL and that the server runs")
        raise typer.Exit(1) from None


def _when(at: datetime | None) -> str:
    return "-" if at is None else at.strftime("%Y-%m-%d %H:%M")


# -- workspaces ---------------------------------------------------------------------------------


@workspace_app.command("create")
def workspace_create(
    slug: str = typer.Argument(..., help="Its short name: lowercase letters, digits, hyphens (e.g. acme-norte)."),
    name: str = typer.Option(..., "--name", help="Its display name."),
) -> None:
    """Create a workspace; then give it a first ADMIN with `rapport user create`."""
    from domain.services.workspaces import create_workspace

    workspace = _run(lambda session, now: create_workspace(session=session, slug=slug, name=name, now=now))
    console.print(f"created workspace {workspace.slug} ({workspace.name})")


@workspace_app.command("list")
def workspace_list() -> None:
    """Every workspace, with its active users and valid keys."""
    from domain.services.workspaces import list_workspaces

    rows = _run(lambda session, now: list_workspaces(session=session, now=now))
    table = Table("slug", "name", "created", "active users", "valid keys")
    for row in rows:
        table.add_row(row.slug, row.name, _when(row.created_at), str(row.users), str(row.keys))
    console.print(table)


# -- users --------------------------------------------------------------------------------------


@user_app.command("create")
def user_create(
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug."),
    email: str = typer.Option(..., "--email", help="Their login name (a token's `sub`), unique in the workspace."),
    name: str = typer.Option(..., "--name"),
    role: str = typer.Option(..., "--role", help=ROLES),
) -> None:
    """Add a person to a workspace."""
    from domain.services import users

    async def work(session: Any, now: datetime) -> Any:
        ws = await users.workspace_by_slug(session, workspace)
        return await users.create_user(
            session=session, principal=None, workspace_id=ws.id, email=email, name=name, role=role, now=now
        )

    user = _run(work)
    console.print(f"created user {user.email} ({user.role.value}) in {workspace}")


@user_app.command("list")
def user_list(workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug.")) -> None:
    """The workspace's people, active and deactivated."""
    from domain.services import users

    async def work(session: Any, now: datetime) -> Any:
        return await users.everyone(session, workspace=await users.workspace_by_slug(session, workspace))

    table = Table("email", "name", "role", "created", "deactivated")
    for user in _run(work):
        table.add_row(user.email, user.name, user.role.value, _when(user.created_at), _when(user.deactivated_at))
    console.print(table)


def _change_user(workspace: str, email: str, change: Callable[..., Awaitable[Any]], **options: Any) -> Any:
    from domain.services import users

    async def work(session: Any, now: datetime) -> Any:
        ws = await users.workspace_by_slug(session, workspace)
        user = await users.user_by_email(session, workspace=ws, email=email)
        return await change(session=session, principal=None, workspace_id=ws.id, user_id=user.id, now=now, **options)

    return _run(work)


@user_app.command("set-role")
def user_set_role(
    email: str = typer.Argument(..., help="The user's e-mail."),
    role: str = typer.Argument(..., help=ROLES),
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug."),
) -> None:
    """Change a user's role (running servers apply it within AUTH_CACHE_SECONDS)."""
    from domain.services import users

    user = _change_user(workspace, email, users.set_role, role=role)
    console.print(f"{user.email} is now {user.role.value}")


@user_app.command("deactivate")
def user_deactivate(
    email: str = typer.Argument(..., help="The user's e-mail."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug."),
) -> None:
    """Deactivate a user: every key of theirs is revoked and their tokens are refused."""
    from domain.services import users

    user = _change_user(workspace, email, users.set_active, active=False)
    console.print(f"{user.email} is deactivated; their keys are revoked")


@user_app.command("reactivate")
def user_reactivate(
    email: str = typer.Argument(..., help="The user's e-mail."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug."),
) -> None:
    """Reactivate a user (their revoked keys stay revoked: create new ones)."""
    from domain.services import users

    user = _change_user(workspace, email, users.set_active, active=True)
    console.print(f"{user.email} is active again")


# -- keys ---------------------------------------------------------------------------------------


@key_app.command("create")
def key_create(
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug."),
    user: str = typer.Option(..., "--user", help="The e-mail of the user the key acts as."),
    label: str = typer.Option("", "--label", help="What the key is for."),
    expires_in_days: int | None = typer.Option(None, "--expires-in-days", help="1 to 3650; default: never expires."),
) -> None:
    """Mint an API key; it is printed alone on the last line, this once (only its hash is stored)."""
    from domain.services import api_keys, users

    async def work(session: Any, now: datetime) -> Any:
        ws = await users.workspace_by_slug(session, workspace)
        owner = await users.user_by_email(session, workspace=ws, email=user)
        return await api_keys.create_key(
            session=session, principal=None, workspace_id=ws.id, user_id=owner.id, label=label,
            expires_in_days=expires_in_days, now=now,
        )

    issued = _run(work)
    expiry = "never expires" if issued.row.expires_at is None else f"expires {_when(issued.row.expires_at)} UTC"
    console.print(
        f"key {issued.row.prefix} (id {issued.row.id}) for {issued.user.email} ({issued.user.role.value}) in {workspace},"
        f" {expiry}; it is shown only now:"
    )
    print(issued.key)


@key_app.command("list")
def key_list(workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug.")) -> None:
    """The workspace's keys, newest first: prefix, label, user, role, dates (never the key)."""
    from domain.services import api_keys, users

    async def work(session: Any, now: datetime) -> Any:
        ws = await users.workspace_by_slug(session, workspace)
        rows, after = [], None
        while True:
            page = await api_keys.list_keys(session=session, principal=None, workspace_id=ws.id, first=100, after=after)
            rows += page.items
            if not page.has_next_page:
                return rows
            after = page.cursors[-1]

    table = Table("id", "prefix", "label", "user", "role", "created", "expires", "last used", "revoked")
    for row in _run(work):
        key = row.ApiKey
        table.add_row(
            str(key.id), key.prefix, key.label or "-", row.user_email, row.user_role.value, _when(key.created_at),
            _when(key.expires_at), _when(key.last_used_at), _when(key.revoked_at),
        )
    console.print(table)


@key_app.command("revoke")
def key_revoke(reference: str = typer.Argument(..., metavar="PREFIX_OR_ID", help="The key's prefix or id (`rapport key list`).")) -> None:
    """Revoke a key: running servers refuse it within AUTH_CACHE_SECONDS."""
    from domain.services import api_keys

    async def work(session: Any, now: datetime) -> Any:
        key = await api_keys.find_key(session, reference)
        already = key.revoked_at is not None
        return await api_keys.revoke_key(session=session, principal=None, key_id=key.id, now=now), already

    key, already = _run(work)
    console.print(f"key {key.prefix} (id {key.id}) {'was already revoked' if already else 'is revoked'}")
