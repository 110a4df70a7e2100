"""Offline GraphiQL: a local page plus its npm-installed assets (see .ci/graphiql-setup.sh)."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

ASSETS_DIR = Path(__file__).parent / "graphiql" / "node_modules"
PAGE_TEMPLATE = Path(__file__).parent / "graphiql" / "index.html"
ASSETS_PREFIX = "/graphiql-assets"

# The page is the single source of truth for which files are needed, so the
# install check and the allow-list can never drift from what the HTML loads.
_ASSET_REF = re.compile(r'(?:src|href)="' + re.escape(ASSETS_PREFIX) + r'/([^"?#]+)"')


def _assets_dir(assets_dir: Path | None) -> Path:
    # Read the module attribute at call time so tests can monkeypatch ASSETS_DIR.
    return assets_dir if assets_dir is not None else ASSETS_DIR


def _template() -> str:
    return PAGE_TEMPLATE.read_text(encoding="utf-8")


def asset_paths(html: str | None = None) -> list[str]:
    """Paths, relative to node_modules, of every asset the page references."""
    paths = _ASSET_REF.findall(_template() if html is None else html)
    for path in paths:
        parts = PurePosixPath(path).parts
        if ".." in parts or path.startswith("/"):
            raise ValueError(f"asset path escapes node_modules: {path!r}")
    return paths


def assets_installed(assets_dir: Path | None = None) -> bool:
    """True when every asset file referenced by the page exists on disk."""
    root = _assets_dir(assets_dir)
    paths = asset_paths()
    return bool(paths) and all((root / path).is_file() for path in paths)


def graphiql_page(assets_dir: Path | None = None) -> str | None:
    """HTML of the local GraphiQL page, or None if its assets are not installed."""
    if not assets_installed(assets_dir):
        return None
    return _template()


def assets_route(assets_dir: Path | None = None) -> Mount | None:
    """A Mount serving only the directories holding the page's assets, or None."""
    if not assets_installed(assets_dir):
        return None
    root = _assets_dir(assets_dir)
    # One StaticFiles per asset directory (e.g. react/umd): the rest of
    # node_modules, including unrelated packages, stays unreachable.
    directories = sorted(
        {str(PurePosixPath(path).parent) for path in asset_paths()},
        key=lambda d: (-len(d), d),
    )
    routes: list[BaseRoute] = [
        Mount(f"/{directory}", app=StaticFiles(directory=root / directory))
        for directory in directories
    ]
    return Mount(ASSETS_PREFIX, routes=routes, name="graphiql-assets")
