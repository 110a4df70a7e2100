"""Malformed or hostile request bodies are the client's mistake: a 4xx with a code, never a 500, nothing written.

Each case is one class of defect found by a hostile review: absurd JSON nesting (in the body, the
variables, the extensions or an upload's operations), lone UTF-16 surrogates in any string, and
multipart bodies that break the form parser.
"""

import json

import pytest

from api.app import create_app
from domain.settings import Settings
from tests.api.action_helpers import snapshot

CREATE = 'mutation($n: String!) { contactCreate(input: {name: $n, email: "hostile@example.com"}) { contact { id } userErrors { code } } }'
VIEWER = "{ viewer { user { id } } }"
DEEP = "[" * 5000 + "]" * 5000


def _json(raw: str) -> tuple[bytes, str]:
    return raw.encode(), "application/json"


def _multipart(*parts: tuple[str, bytes], boundary: str = "b", header_padding: int = 0) -> tuple[bytes, str]:
    body = b"".join(
        b"--%s\r\nContent-Disposition: form-data; name=\"%s\"%s\r\n\r\n%s\r\n"
        % (boundary.encode(), name.encode(), b"; x=" + b"y" * header_padding if header_padding else b"", value)
        for name, value in parts
    ) + b"--%s--\r\n" % boundary.encode()
    return body, f"multipart/form-data; boundary={boundary}"


CASES = {
    "deep body": _json('{"query": "' + VIEWER + '", "variables": ' + "{\"a\":" * 5000 + "1" + "}" * 5000 + "}"),
    "deep variables": _json('{"query": "' + CREATE + '", "variables": {"n": ' + DEEP + "}}"),
    "variables 900 deep": _json('{"query": "' + CREATE + '", "variables": {"n": ' + "[" * 900 + "]" * 900 + "}}"),
    "deep extensions": _json('{"query": "' + VIEWER + '", "extensions": {"e": ' + DEEP + "}}"),
    "surrogate in a variable": _json('{"query": "' + CREATE + '", "variables": {"n": "Ana \\ud800"}}'),
    "surrogate in a variable key": _json('{"query": "' + CREATE + '", "variables": {"n": "Ana", "\\udfff": 1}}'),
    "surrogate in the query": _json('{"query": "mutation { contactCreate(input: {name: \\"\\ud83d\\"}) { contact { id } } }"}'),
    "surrogate in the operation name": _json('{"query": "query A { viewer { user { id } } }", "operationName": "\\udc00"}'),
    "multipart without boundary": (b"--x\r\n\r\n--x--\r\n", "multipart/form-data"),
    "multipart 16 KB part header": _multipart(("operations", b"{}"), header_padding=16384),
    "multipart over 1,000 fields": _multipart(*((f"f{i}", b"v") for i in range(1200))),
    "multipart part over 1 MiB": _multipart(("operations", b"{" + b" " * (1024 * 1024 + 10) + b"}"), ("map", b"{}")),
    "multipart deep operations": _multipart(("operations", DEEP.encode()), ("map", b"{}")),
    "multipart deep map": _multipart(("operations", json.dumps({"query": VIEWER}).encode()), ("map", DEEP.encode())),
}


@pytest.mark.parametrize("batching", [False, True], ids=["batching off", "batching on"])
@pytest.mark.parametrize("case", list(CASES))
async def test_a_hostile_body_is_a_400_with_a_code_and_changes_nothing(engine, clock, models, workspaces, case, batching):
    # given
    import httpx

    ws = await workspaces.create()
    before = await snapshot(engine, ws.id)
    settings = Settings(redis_url=None, max_batch_operations=10 if batching else 0, max_body_bytes=4 * 1024 * 1024)
    app = create_app(settings, engine=engine, clock=clock, models=models, run_jobs=False)
    body, content_type = CASES[case]

    # when
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        response = await http.post("/graphql", content=body, headers={
            "Authorization": f"Bearer {ws.admin_key}", "Content-Type": content_type,
        })

    # then
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] in {"BAD_REQUEST", "GRAPHQL_PARSE_FAILED", "BAD_USER_INPUT"}
    assert "Traceback" not in response.text and "/work" not in response.text
    assert await snapshot(engine, ws.id) == before


async def test_ordinary_nesting_and_unicode_still_pass(client, workspaces):
    from tests.graphql_client import data_of, gql

    ws = await workspaces.create()
    created = data_of(await gql(client, CREATE, {"n": "José 🎉 Ñandú 中文"}, key=ws.admin_key))["contactCreate"]

    assert created["userErrors"] == [] and created["contact"]["id"]
