"""Tokens from the platform's identity provider: JWTs checked with PyJWT against the provider's JWKS.

A token names its user by e-mail (`sub`) in the workspace of the `workspace` claim (its slug); it
must be signed by a key of the JWKS with an accepted asymmetric algorithm, carry the configured
issuer and audience, and be within its `exp`/`nbf` (with the configured leeway). Which check
failed is the refusal's `reason`, for the log; the token itself is never logged.

PyJWT's JWKS client keeps the key set (refetched after `jwt_jwks_cache_seconds`) and refetches at
most once per cooldown for a token whose `kid` it does not know, so tokens with invented `kid`s
cannot make Rapport hammer the provider. On top of it (JwksClient): JWKS files, the last good key
set kept through an outage, and the same cooldown after a failed fetch.
"""

import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jwt
from jwt import PyJWKClient, PyJWKSet
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError, PyJWKSetError

from domain.enums import Role
from domain.settings import Settings

log = logging.getLogger("rapport.auth")

# Longer than any identity provider's token; a bigger header is refused before it is decoded.
MAX_TOKEN_LENGTH = 8192
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


class TokenRefused(Exception):
    """The token does not authenticate anyone; `reason` says which check failed (safe to log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SigningKeysUnavailable(Exception):
    """The identity provider's keys cannot be fetched (and none were fetched before): try again later."""


@dataclass(frozen=True)
class TokenClaims:
    workspace_slug: str
    email: str
    role: Role | None  # a `role` claim: may lower the user's role, never raise it
    expires_at: datetime


def looks_like_jwt(credential: str) -> bool:
    return credential.count(".") == 2 and not credential.startswith("rpk_")


class JwksClient(PyJWKClient):
    """PyJWT's client, also for file:// key sets, serving the last good set while the provider is down."""

    def __init__(self, url: str, *, lifespan: float, cooldown: float, timeout: float) -> None:
        parsed = urlparse(url)
        self._path = Path(unquote(parsed.path)) if parsed.scheme == "file" else None
        # PyJWT fetches http(s) only; a file is read here instead, so its cache and cooldown still apply.
        super().__init__(
            "https://jwks.invalid/" if self._path else url, cache_jwk_set=True, lifespan=lifespan,
            timeout=timeout, cooldown_duration=cooldown,
        )
        self._last_good: dict[str, Any] | None = None
        self._failed_at: float | None = None
        self.fetches = 0  # attempts to reach the provider (tests and logs)

    def fetch_data(self) -> Any:
        if self._failed_at is not None and time.monotonic() - self._failed_at < self.cooldown_duration:
            return self._stale_or_raise("the last attempt failed moments ago")
        self.fetches += 1
        try:
            if self._path is None:
                payload = super().fetch_data()
            else:
                payload = self._as_jwk_set_payload(json.loads(self._path.read_text(encoding="utf-8")))
                self._last_successful_fetch = time.monotonic()
            PyJWKSet.from_dict(payload)  # a set with no usable key is a failed fetch, not a new truth
        except (PyJWKClientError, PyJWKSetError, OSError, ValueError) as exc:
            self._failed_at = time.monotonic()
            log.warning("jwks fetch failed: %s", type(exc).__name__)
            return self._stale_or_raise(type(exc).__name__)
        self._failed_at, self._last_good = None, payload
        return payload

    def _stale_or_raise(self, why: str) -> Any:
        if self._last_good is not None:
            return self._last_good
        raise PyJWKClientConnectionError(f"the identity provider's keys are unavailable ({why})")


class JwtVerifier:
    def __init__(self, settings: Settings) -> None:
        assert settings.jwt_jwks_url and settings.jwt_issuer and settings.jwt_audience
        self.client = JwksClient(
            settings.jwt_jwks_url, lifespan=settings.jwt_jwks_cache_seconds,
            cooldown=settings.jwt_jwks_cooldown_seconds, timeout=settings.jwt_jwks_timeout_seconds,
        )
        self.issuer = settings.jwt_issuer
        self.audience = settings.jwt_audience
        self.algorithms = list(settings.jwt_algorithms)
        self.leeway = settings.jwt_leeway_seconds

    def verify(self, token: str) -> TokenClaims:
        """The token's claims once every check passed (blocking: the JWKS may be fetched)."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise TokenRefused("token too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise TokenRefused("malformed token") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in self.algorithms:
            raise TokenRefused("signature algorithm not accepted")
        if not isinstance(kid, str) or not kid or len(kid) > 256:
            raise TokenRefused("no key id (kid) in the token header")
        key = self._signing_key(kid)
        if _KEY_TYPES.get(algorithm[:2]) != key.key_type:
            raise TokenRefused("signing key does not match the algorithm")
        claims = self._decode(token, key.key, algorithm)
        return _claims(claims)

    def _signing_key(self, kid: str) -> Any:
        try:
            return self.client.get_signing_key(kid)
        except PyJWKClientConnectionError as exc:
            raise SigningKeysUnavailable(str(exc)) from None
        except (PyJWKClientError, PyJWKSetError):
            raise TokenRefused("unknown signing key (kid)") from None

    def _decode(self, token: str, key: Any, algorithm: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token, key=key, algorithms=[algorithm], audience=self.audience, issuer=self.issuer,
                leeway=self.leeway, options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRefused("token expired") from None
        except jwt.ImmatureSignatureError:
            raise TokenRefused("token not yet valid") from None
        except jwt.InvalidAudienceError:
            raise TokenRefused("wrong audience") from None
        except jwt.InvalidIssuerError:
            raise TokenRefused("wrong issuer") from None
        except jwt.InvalidSignatureError:
            raise TokenRefused("bad signature") from None
        except jwt.MissingRequiredClaimError as exc:
            raise TokenRefused(f"missing claim {exc.claim}") from None
        except (jwt.InvalidTokenError, jwt.InvalidKeyError):
            raise TokenRefused("invalid token") from None


def _claims(claims: dict[str, Any]) -> TokenClaims:
    email, slug, role = claims.get("sub"), claims.get("workspace"), claims.get("role")
    if not isinstance(email, str) or not email.strip() or len(email) > 320:
        raise TokenRefused("sub is not an e-mail")
    if not isinstance(slug, str) or not slug or len(slug) > 100:
        raise TokenRefused("missing claim workspace")
    if role is not None and (not isinstance(role, str) or role not in Role.__members__):
        raise TokenRefused("unknown role claim")
    try:
        expires_at = datetime.fromtimestamp(float(claims["exp"]), UTC)
    except (OverflowError, OSError, ValueError):  # valid (PyJWT checked it) but past what a datetime holds
        expires_at = datetime.max.replace(tzinfo=UTC)
    return TokenClaims(
        workspace_slug=slug, email=email.strip().lower(), role=Role(role) if role else None, expires_at=expires_at
    )
