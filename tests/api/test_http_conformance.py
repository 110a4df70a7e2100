"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): methods, media types, status codes."""

import json

import pytest

GRJ = "application/graphql-response+json"
VIEWER = "query Viewer { viewer { user { id } } }"


def media_type(response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


def codes(body) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def post(client, body, *, key=None, accept=None, content_type="application/json"):
    headers = {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if accept is not None:
        headers["Accept"] = accept
    if content_type is not None:
        headers["Content-Type"] = content_type
    content = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return await client.post("/graphql", content=content, headers=headers)


# --- GET -------------------------------------------------------------------------------------------


async def test_get_runs_a_query(client, workspaces):
    ws = await workspaces.create()

    response = await client.get(
        "/graphql",
        params={
            "query": "query($first: Int!) { tags(first: $first) { totalCount } }",
            "variables": json.dumps({"first": 2}),
        },
        headers={"Authorization": f"Bearer {ws.admin_key}", "Accept": "application/json"},
    )

    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert response.json()["data"] == {"tags": {"totalCount": 0}}
    assert "errors" not in response.json()


@pytest.mark.parametrize("accept", ["application/json", GRJ])
async def test_get_never_runs_a_mutation(client, workspaces, accept):
    ws = await workspaces.create()

    response = await client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers={"Authorization": f"Bearer {ws.admin_key}", "Accept": accept},
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert "data" not in response.json()
    assert codes(response.json()) == ["METHOD_NOT_ALLOWED"]


async def test_other_methods_are_not_allowed(client):
    response = await client.put("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


async def test_head_is_not_a_graphql_method(client):
    response = await client.head("/graphql", params={"query": "{ __typename }"})

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


# --- POST and media types --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [None, "*/*", "application/json", "application/*", "application/json, text/plain"],
    ids=["no Accept", "*/*", "application/json", "application/*", "json and text"],
)
async def test_legacy_clients_get_application_json(client, workspaces, accept):
    ws = await workspaces.create()

    response = await post(client, {"query": VIEWER}, key=ws.admin_key, accept=accept)

    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert response.json()["data"]["viewer"]["user"]["id"]


@pytest.mark.parametrize(
    "accept",
    [GRJ, f"{GRJ}, application/json;q=0.9", f"application/json, {GRJ}", f"{GRJ}; charset=utf-8", f"*/*;q=0.5, {GRJ}"],
)
async def test_graphql_response_json_when_the_client_prefers_it(client, workspaces, accept):
    ws = await workspaces.create()

    response = await post(client, {"query": VIEWER}, key=ws.admin_key, accept=accept)

    assert response.status_code == 200
    assert media_type(response) == GRJ
    assert response.json()["data"]["viewer"]["user"]["id"]


async def test_application_json_when_the_client_prefers_it(client, workspaces):
    ws = await workspaces.create()

    response = await post(client, {"query": VIEWER}, key=ws.admin_key, accept=f"{GRJ};q=0.5, application/json")

    assert media_type(response) == "application/json"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", f"{GRJ};q=0, text/plain"])
async def test_406_when_accept_lists_neither_json_media_type(client, workspaces, accept):
    ws = await workspaces.create()

    response = await post(client, {"query": VIEWER}, key=ws.admin_key, accept=accept)

    assert response.status_code == 406


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/graphql", None]
)
async def test_415_for_a_body_that_is_not_json(client, workspaces, content_type):
    ws = await workspaces.create()

    response = await post(client, {"query": VIEWER}, key=ws.admin_key, accept=GRJ, content_type=content_type)

    assert response.status_code == 415
    assert media_type(response) == GRJ
    assert codes(response.json()) == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_json_with_a_charset_is_json(client, workspaces):
    ws = await workspaces.create()

    response = await post(client, {"query": VIEWER}, key=ws.admin_key, content_type="application/json; charset=utf-8")

    assert response.status_code == 200


@pytest.mark.parametrize("accept", ["application/json", GRJ])
@pytest.mark.parametrize(
    "body",
    ['{"query": ', '"just a string"', '{"query": 42}', '{"query": "{ __typename }", "variables": [1]}', "{}"],
    ids=["broken JSON", "not an object", "query not a string", "variables not an object", "no query"],
)
async def test_malformed_requests_are_400(client, workspaces, accept, body):
    ws = await workspaces.create()

    response = await post(client, body, key=ws.admin_key, accept=accept)

    assert response.status_code == 400
    assert "data" not in response.json()


@pytest.mark.parametrize(
    "file_map",
    ['{"0": ["variables.nowhere.file"]}', '{"0": ["0.variables.file"]}', '{"0": "variables.file"}', "[1]"],
    ids=["path to nowhere", "index into an object", "paths not a list", "map not an object"],
)
async def test_an_upload_whose_map_does_not_fit_its_operations_is_400(client, workspaces, file_map):
    # given a contactsImport upload whose `map` names no path of its `operations`
    ws = await workspaces.create()
    boundary = "rapport-map"
    operations = json.dumps({"query": "mutation($file: Upload!) { contactsImport(file: $file) { job { id } } }",
                             "variables": {"file": None}})
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{file_map}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="0"; filename="c.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\nname,email\r\nAna,ana@example.com\r\n--{boundary}--\r\n"
    )

    # when
    response = await post(client, body, key=ws.admin_key, content_type=f"multipart/form-data; boundary={boundary}")

    # then a malformed request, not an internal error
    assert response.status_code == 400, response.text
    assert "data" not in response.json()


# --- Status codes and the shape of request errors --------------------------------------------------

REQUEST_ERRORS = [
    pytest.param({"query": "{ viewer { "}, "GRAPHQL_PARSE_FAILED", id="parse failure"),
    pytest.param({"query": "{ viewer { nope } }"}, "GRAPHQL_VALIDATION_FAILED", id="validation failure"),
    pytest.param(
        {"query": "query($first: Int!) { tags(first: $first) { totalCount } }", "variables": {"first": "many"}},
        "BAD_USER_INPUT",
        id="variable coercion failure",
    ),
    pytest.param(
        {"query": "query A { __typename } query B { __typename }", "operationName": "C"},
        "GRAPHQL_VALIDATION_FAILED",
        id="unknown operation name",
    ),
]


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS)
async def test_request_errors_are_400_under_graphql_response_json(client, workspaces, body, code):
    ws = await workspaces.create()

    response = await post(client, body, key=ws.admin_key, accept=GRJ)

    assert response.status_code == 400
    assert media_type(response) == GRJ
    result = response.json()
    assert "data" not in result
    assert codes(result) == [code]


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS)
async def test_request_errors_are_200_under_application_json(client, workspaces, body, code):
    ws = await workspaces.create()

    response = await post(client, body, key=ws.admin_key, accept="application/json")

    assert response.status_code == 200
    assert media_type(response) == "application/json"
    result = response.json()
    assert "data" not in result
    assert codes(result) == [code]


@pytest.mark.parametrize("accept", ["application/json", GRJ])
async def test_field_errors_keep_partial_data_and_200(client, workspaces, accept):
    ws = await workspaces.create()

    response = await post(
        client, {"query": '{ viewer { user { id } } contact(id: "not-an-id") { id } }'}, key=ws.admin_key, accept=accept
    )

    assert response.status_code == 200
    result = response.json()
    assert result["data"]["viewer"]["user"]["id"]
    assert result["data"]["contact"] is None
    assert codes(result) == ["BAD_USER_INPUT"]
    assert result["errors"][0]["path"] == ["contact"]


async def test_unauthenticated_requests_answer_a_null_data_result_under_legacy_json(client):
    # Refused before anything is parsed (api/authentication.py): a GraphQL-shaped answer, data null.
    response = await post(client, {"query": VIEWER}, accept="application/json")

    assert response.status_code == 200
    assert response.json()["data"] is None
    assert codes(response.json()) == ["UNAUTHENTICATED"]


async def test_unauthenticated_requests_are_a_401_under_graphql_response_json(client):
    # A request error (nothing executed): 4xx, no `data`, and the scheme to authenticate with.
    response = await post(client, {"query": VIEWER}, accept=GRJ)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith(GRJ)
    assert "data" not in response.json()
    assert codes(response.json()) == ["UNAUTHENTICATED"]
