"""The local GraphiQL page references no external URL and its assets are served."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Message

from api import graphiql

SETUP_HINT = "GraphiQL assets not installed: run bash .ci/graphiql-setup.sh (needs npm)"
CDN_HOSTS = ("unpkg", "jsdelivr", "cdnjs", "esm.sh")

requires_assets = pytest.mark.skipif(not graphiql.assets_installed(), reason=SETUP_HINT)


class _AssetRefs(HTMLParser):
    """Collects src/href values with a parser independent of api.graphiql's regex."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href") and v is not None]


def asset_refs(html: str) -> list[str]:
    parser = _AssetRefs()
    parser.feed(html)
    return parser.refs


def build_app(assets_dir: Path | None = None) -> Starlette:
    page = graphiql.graphiql_page(assets_dir)
    mount = graphiql.assets_route(assets_dir)
    assert page is not None and mount is not None

    async def graphql_page(request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    routes: list[BaseRoute] = [Route("/graphql", graphql_page), mount]
    return Starlette(routes=routes)


def client_for(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def raw_get_status(app: Starlette, path: str) -> int:
    """GET without client-side URL normalisation, so '..' really reaches the app."""
    sent: list[Message] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
        "root_path": "", "query_string": b"", "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1234), "server": ("testserver", 80),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return next(m["status"] for m in sent if m["type"] == "http.response.start")


def expected_content_type(path: str) -> str:
    return "javascript" if path.endswith(".js") else "text/css"


def fake_install(root: Path, skip: str | None = None) -> None:
    for path in graphiql.asset_paths():
        if path != skip:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(f"/* {path} */\n")


# Independent of npm: the page template itself must stay CDN-free.


def test_template_has_no_external_urls() -> None:
    html = graphiql.PAGE_TEMPLATE.read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    for host in CDN_HOSTS:
        assert host not in html.lower()
    refs = asset_refs(html)
    assert refs, "page references no assets"
    assert all(ref.startswith("/graphiql-assets/") for ref in refs), refs
    assert "<title>Rapport GraphiQL</title>" in html


def test_page_is_none_when_assets_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphiql, "ASSETS_DIR", tmp_path)
    assert graphiql.assets_installed() is False
    assert graphiql.graphiql_page() is None
    assert graphiql.assets_route() is None


def test_partial_install_counts_as_missing(tmp_path: Path) -> None:
    fake_install(tmp_path, skip=graphiql.asset_paths()[-1])
    assert graphiql.assets_installed(tmp_path) is False
    assert graphiql.graphiql_page(tmp_path) is None


async def test_fake_install_is_served_and_restricted(tmp_path: Path) -> None:
    fake_install(tmp_path)
    (tmp_path / "unrelated").mkdir()
    (tmp_path / "unrelated" / "secret.js").write_text("nope")
    app = build_app(tmp_path)
    async with client_for(app) as client:
        for path in graphiql.asset_paths():
            response = await client.get(f"/graphiql-assets/{path}")
            assert response.status_code == 200, path
            assert response.text == f"/* {path} */\n"
        assert (await client.get("/graphiql-assets/unrelated/secret.js")).status_code == 404


# Against the real npm install.


@requires_assets
async def test_served_page_has_no_external_urls() -> None:
    async with client_for(build_app()) as client:
        response = await client.get("/graphql")
    assert response.status_code == 200
    assert not re.search(r"https?://", response.text)
    for host in CDN_HOSTS:
        assert host not in response.text.lower()


@requires_assets
async def test_every_referenced_asset_is_served() -> None:
    html = graphiql.graphiql_page()
    assert html is not None
    refs = asset_refs(html)
    assert len(refs) == len(graphiql.asset_paths())
    async with client_for(build_app()) as client:
        for ref in refs:
            response = await client.get(ref)
            assert response.status_code == 200, ref
            assert expected_content_type(ref) in response.headers["content-type"], ref
            assert len(response.content) > 100, ref


@requires_assets
@pytest.mark.parametrize(
    "path",
    [
        "/graphiql-assets/../package.json",
        "/graphiql-assets/react/umd/../../../package.json",
        "/graphiql-assets/react/umd/../package.json",
        "/graphiql-assets/react/umd/%2e%2e/package.json",
        "/graphiql-assets/graphql/package.json",
        "/graphiql-assets/graphql/graphql.js",
        "/graphiql-assets/react/package.json",
        "/graphiql-assets/@graphiql/plugin-explorer/package.json",
        "/graphiql-assets/@graphiql/react/package.json",
        "/graphiql-assets/.package-lock.json",
        "/graphiql-assets/",
    ],
)
async def test_paths_outside_allow_list_are_not_served(path: str) -> None:
    app = build_app()
    assert await raw_get_status(app, path) == 404
    async with client_for(app) as client:
        assert (await client.get(path)).status_code == 404
