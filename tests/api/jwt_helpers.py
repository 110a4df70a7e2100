"""A real identity provider for tests: key pairs made here, a JWKS over HTTP and as a file, signed tokens."""

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://idp.example.com/"
AUDIENCE = "rapport-api"


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: Any

    def jwk(self) -> dict[str, Any]:
        to_jwk = RSAAlgorithm.to_jwk if self.algorithm.startswith("RS") else ECAlgorithm.to_jwk
        data = to_jwk(self.private.public_key(), as_dict=True)
        return {**data, "kid": self.kid, "use": "sig", "alg": self.algorithm}


def rsa_key(kid: str = "rsa-1") -> SigningKey:
    return SigningKey(kid, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))


def ec_key(kid: str = "ec-1") -> SigningKey:
    return SigningKey(kid, "ES256", ec.generate_private_key(ec.SECP256R1()))


def jwks(*keys: SigningKey) -> dict[str, Any]:
    return {"keys": [k.jwk() for k in keys]}


def token(
    key: SigningKey, *, sub: str, workspace: str, kid: str | None = None, algorithm: str | None = None,
    lifetime: int = 600, not_before: int | None = None, issuer: str = ISSUER, audience: str = AUDIENCE,
    **claims: Any,
) -> str:
    """A token signed by `key`, valid for `lifetime` seconds from now (negative: already expired)."""
    now = int(time.time())
    payload = {"iss": issuer, "aud": audience, "sub": sub, "workspace": workspace, "iat": now, "exp": now + lifetime,
               "jti": uuid.uuid4().hex, **claims}
    if not_before is not None:
        payload["nbf"] = now + not_before
    headers = {} if kid == "" else {"kid": kid or key.kid}
    return jwt.encode(payload, key.private, algorithm=algorithm or key.algorithm, headers=headers)


@dataclass
class JwksServer:
    """The provider's JWKS endpoint on a loopback port; counts the fetches it answers."""

    document: dict[str, Any]
    fetches: int = 0
    url: str = ""
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)


@contextmanager
def jwks_server(document: dict[str, Any]) -> Iterator[JwksServer]:
    served = JwksServer(document)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            served.fetches += 1
            body = json.dumps(served.document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def jwks_file(directory: Path, document: dict[str, Any]) -> str:
    path = directory / "jwks.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path.as_uri()


def closed_port_url() -> str:
    """An http URL on which nothing listens (the provider is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/jwks.json"
