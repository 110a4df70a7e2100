"""Tokens from the platform's identity provider: a real JWKS (over HTTP and as a file), real signed tokens."""

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from pydantic import ValidationError

from api.app import create_app
from api.ids import to_global_id
from domain.enums import Role
from domain.settings import Settings
from tests.api.access_helpers import act, viewer_role
from tests.api.jwt_helpers import (
    AUDIENCE,
    ISSUER,
    closed_port_url,
    ec_key,
    jwks,
    jwks_file,
    jwks_server,
    rsa_key,
    token,
)
from tests.api.test_subscriptions import live_server, receive, websocket
from tests.graphql_client import gql

RSA, EC = rsa_key(), ec_key()
IMPOSTOR = rsa_key("rsa-1")  # another key pair claiming the provider's kid


def jwt_settings(url: str, **overrides) -> Settings:
    return Settings(redis_url=None, jwt_jwks_url=url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE, **overrides)


@asynccontextmanager
async def app_with_jwks(engine, clock, models, url: str, **overrides) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(jwt_settings(url, **overrides), engine=engine, clock=clock, models=models, run_jobs=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield http


@pytest.fixture
def provider():
    with jwks_server(jwks(RSA, EC)) as served:
        yield served


@pytest.mark.parametrize("signing", [RSA, EC], ids=["RS256", "ES256"])
@pytest.mark.parametrize("source", ["http", "file"])
async def test_a_token_acts_as_its_user_in_its_workspace(engine, clock, models, workspaces, provider, tmp_path, signing, source):
    # given
    ws = await workspaces.create("Acme Norte")
    url = provider.url if source == "http" else jwks_file(tmp_path, jwks(RSA, EC))
    bearer = token(signing, sub=ws.emails[Role.OPERATOR].upper(), workspace=ws.slug)

    # when
    async with app_with_jwks(engine, clock, models, url) as http:
        viewer = await gql(http, "{ viewer { user { email role } workspace { name } } }", key=bearer)

    # then
    assert viewer["data"]["viewer"] == {"user": {"email": ws.emails[Role.OPERATOR], "role": "OPERATOR"}, "workspace": {"name": "Acme Norte"}}


@pytest.mark.parametrize(("user_role", "claimed", "acting"), [
    (Role.ADMIN, "AGENT", "AGENT"), (Role.OPERATOR, "AGENT", "AGENT"), (Role.AGENT, "ADMIN", "AGENT"),
    (Role.OPERATOR, "ADMIN", "OPERATOR"),
])
async def test_a_role_claim_may_lower_the_role_never_raise_it(engine, clock, models, workspaces, provider, user_role, claimed, acting):
    ws = await workspaces.create()
    bearer = token(RSA, sub=ws.emails[user_role], workspace=ws.slug, role=claimed)

    async with app_with_jwks(engine, clock, models, provider.url) as http:
        assert await viewer_role(http, bearer) == acting
        created = await gql(http, 'mutation { contactCreate(input: {name: "Probe", email: "probe@example.com"}) { userErrors { code } } }', key=bearer)

    # a write needs OPERATOR: the acting role decides, not the stored one
    expected = [] if acting != "AGENT" else [{"code": "FORBIDDEN"}]
    assert created["data"]["contactCreate"]["userErrors"] == expected


def _refused_tokens(ws) -> dict[str, tuple[str, str]]:
    """Tokens that must not authenticate, and the check the log must name."""
    admin = ws.emails[Role.ADMIN]
    public_pem = RSA.private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return {
        "wrong issuer": (token(RSA, sub=admin, workspace=ws.slug, issuer="https://evil.example.com/"), "wrong issuer"),
        "wrong audience": (token(RSA, sub=admin, workspace=ws.slug, audience="another-app"), "wrong audience"),
        "expired": (token(RSA, sub=admin, workspace=ws.slug, lifetime=-120), "token expired"),
        "not yet valid": (token(RSA, sub=admin, workspace=ws.slug, not_before=600), "token not yet valid"),
        "bad signature": (token(IMPOSTOR, sub=admin, workspace=ws.slug), "bad signature"),
        "unknown kid": (token(RSA, sub=admin, workspace=ws.slug, kid="rotated-away"), "unknown signing key"),
        "no kid": (token(RSA, sub=admin, workspace=ws.slug, kid=""), "no key id"),
        "alg none": (jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": admin, "workspace": ws.slug, "exp": 4102444800},
                                None, algorithm="none", headers={"kid": "rsa-1"}), "algorithm not accepted"),
        "HS256 with the public key": (_hs256_with(public_pem, admin, ws.slug), "algorithm not accepted"),
        "ES256 header on an RSA key": (_forged_algorithm(admin, ws.slug), "does not match the algorithm"),
        "unknown user": (token(RSA, sub="nobody@example.com", workspace=ws.slug), "no such user"),
        "unknown workspace": (token(RSA, sub=admin, workspace="no-such-workspace"), "no such user"),
        "no workspace claim": (token(RSA, sub=admin, workspace=""), "missing claim workspace"),
        "unknown role claim": (token(RSA, sub=admin, workspace=ws.slug, role="EMPEROR"), "unknown role claim"),
        "not a token": ("eyJhbGciOi.not-base64.at-all", "malformed token"),
    }


def _hs256_with(secret: bytes, sub: str, slug: str) -> str:
    """The classic confusion attack: the provider's public key used as an HMAC secret (PyJWT refuses to sign it)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    claims = b64(json.dumps({"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "workspace": slug, "exp": 4102444800}).encode())
    signature = hmac.new(secret, f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64(signature)}"


def _forged_algorithm(sub: str, slug: str) -> str:
    """A token signed with an EC key but naming the provider's RSA key."""
    return token(EC, sub=sub, workspace=slug, kid="rsa-1")


async def test_each_failed_check_is_unauthenticated_and_logged_without_the_token(
    engine, clock, models, workspaces, provider, caplog
):
    # given
    ws = await workspaces.create()
    deactivated = token(RSA, sub=ws.emails[Role.AGENT], workspace=ws.slug)
    cases = _refused_tokens(ws)
    caplog.set_level(logging.INFO, logger="rapport.auth")
    async with app_with_jwks(engine, clock, models, provider.url) as http:
        await act(http, "UserDeactivate", {"id": _global_user(ws, Role.AGENT)}, key=ws.admin_key)
        cases["deactivated user"] = (deactivated, "is deactivated")
        for name, (bearer, reason) in cases.items():
            caplog.clear()

            # when
            result = await gql(http, "{ viewer { user { id } } }", key=bearer)

            # then
            assert result["data"] is None, name
            assert [e["extensions"]["code"] for e in result["errors"]] == ["UNAUTHENTICATED"], name
            logged = " ".join(r.getMessage() for r in caplog.records)
            assert reason in logged, (name, logged)
            assert not [part for part in bearer.split(".") if part and part in logged], name


async def test_invented_kids_do_not_make_rapport_hammer_the_provider(engine, clock, models, workspaces, provider):
    # given
    ws = await workspaces.create()
    async with app_with_jwks(engine, clock, models, provider.url) as http:
        assert await viewer_role(http, token(RSA, sub=ws.emails[Role.ADMIN], workspace=ws.slug)) == "ADMIN"

        # when 30 tokens arrive, each naming a kid nobody has heard of
        bearers = [token(RSA, sub=ws.emails[Role.ADMIN], workspace=ws.slug, kid=uuid.uuid4().hex) for _ in range(30)]
        results = await asyncio.gather(*(gql(http, "{ viewer { user { id } } }", key=b) for b in bearers))

    # then all are refused, and the key set was fetched once (no refresh within the cooldown)
    assert all(r["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED" for r in results)
    assert provider.fetches == 1


async def test_the_provider_being_down_takes_down_tokens_only_briefly_and_never_api_keys(engine, clock, models, workspaces):
    # given an identity provider nobody answers for
    ws = await workspaces.create()
    async with app_with_jwks(engine, clock, models, closed_port_url()) as http:
        bearer = token(RSA, sub=ws.emails[Role.ADMIN], workspace=ws.slug)

        # when
        answers = [await http.post("/graphql", json={"query": "{ viewer { user { id } } }"},
                                   headers={"Authorization": f"Bearer {bearer}"}) for _ in range(3)]
        keyed = await viewer_role(http, ws.agent_key)

    # then tokens are answered "try again" at once, and API keys keep working
    assert [a.status_code for a in answers] == [503, 503, 503]
    assert all(a.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE" for a in answers)
    assert answers[0].headers["retry-after"] == "5"
    assert keyed == "AGENT"


async def test_a_known_key_set_keeps_serving_when_the_provider_answers_garbage(engine, clock, models, workspaces):
    ws = await workspaces.create()
    with jwks_server(jwks(RSA)) as served:
        async with app_with_jwks(engine, clock, models, served.url, jwt_jwks_cache_seconds=0.001) as http:
            assert await viewer_role(http, token(RSA, sub=ws.emails[Role.ADMIN], workspace=ws.slug)) == "ADMIN"
            served.document = {"broken": True}  # the endpoint now answers garbage; the cached set is stale
            assert await viewer_role(http, token(RSA, sub=ws.emails[Role.AGENT], workspace=ws.slug)) == "AGENT"


async def test_a_token_opens_a_websocket(engine, clock, models, workspaces, provider):
    ws = await workspaces.create()
    bearer = token(EC, sub=ws.emails[Role.AGENT], workspace=ws.slug)
    async with live_server(engine, clock, models, jwt_jwks_url=provider.url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE) as address:
        async with websocket(address, payload={"Authorization": f"Bearer {bearer}"}) as connection:
            assert (await receive(connection))["type"] == "connection_ack"


@pytest.mark.parametrize("settings", [
    {"jwt_algorithms": "HS256"}, {"jwt_algorithms": "none"}, {"jwt_algorithms": "RS256,HS512"},
    {"jwt_issuer": None}, {"jwt_audience": ""}, {"jwt_jwks_url": "ftp://idp.example.com/jwks"},
])
def test_unsafe_or_incomplete_jwt_settings_are_refused_at_startup(settings):
    values = {"jwt_jwks_url": "https://idp.example.com/jwks", "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE, **settings}
    with pytest.raises(ValidationError):
        Settings(**values)


def _global_user(ws, role: Role) -> str:
    return to_global_id("User", ws.users[role])


@pytest.mark.parametrize("claims", [
    {"exp": 10**20}, {"exp": "tomorrow"}, {"iat": "yesterday"}, {"sub": 42}, {"workspace": ["a", "b"]}, {"role": ["ADMIN"]},
    {"nbf": 10**20},
], ids=["huge exp", "text exp", "text iat", "numeric sub", "list workspace", "list role", "huge nbf"])
async def test_odd_claims_never_fail_the_server(engine, clock, models, workspaces, provider, claims):
    # given a correctly signed token whose claims are of the wrong type or size
    ws = await workspaces.create()
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": ws.emails[Role.ADMIN], "workspace": ws.slug, "exp": 4102444800}
    bearer = jwt.encode({**base, **claims}, RSA.private, algorithm="RS256", headers={"kid": RSA.kid})

    async with app_with_jwks(engine, clock, models, provider.url) as http:
        response = await http.post("/graphql", json={"query": "{ viewer { role } }"}, headers={"Authorization": f"Bearer {bearer}"})

    # then it is a valid token (a far exp) or a refused one, never a server error
    assert response.status_code == 200
    body = response.json()
    if claims == {"exp": 10**20}:
        assert body["data"]["viewer"]["role"] == "ADMIN"
    else:
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
