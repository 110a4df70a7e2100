"""Who is calling: API keys (minted here, shown once) and identity-provider tokens, resolved to a Principal.

Authenticator is the one place a presented credential is checked. A check that passed is reused
for `auth_cache_seconds` by this process (revocation, expiry, deactivation and role changes reach
other processes within that time; the process that made the change forgets at once), so a busy
key costs one lookup every few seconds instead of one per request. A key's `last_used_at` is
written on a lookup that finds it older than `key_last_used_every_seconds`: at most about once a
minute per key, never once per request. Refusals are logged with the check that failed, never
with the credential.
"""

import asyncio
import hashlib
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock, elapsed_seconds
from domain.enums import Role
from domain.models import ApiKey, User, Workspace
from domain.policies import Principal
from domain.repositories import access as repo
from domain.services.jwt_tokens import JwtVerifier, TokenRefused, looks_like_jwt

log = logging.getLogger("rapport.auth")

KEY_PREFIX = "rpk_"
# What listings show of a key and `rapport key revoke` accepts: "rpk_" and 8 more characters (48 bits).
PREFIX_LENGTH = len(KEY_PREFIX) + 8
MAX_CREDENTIAL_LENGTH = 8192
MAX_CACHED = 10_000
_ROLE_RANK = {Role.AGENT: 0, Role.OPERATOR: 1, Role.ADMIN: 2}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


async def issue_key(
    *, session: AsyncSession, user: User, now: datetime, label: str = "", expires_at: datetime | None = None
) -> tuple[str, ApiKey]:
    """A new API key for `user` and its row; only the key's hash is stored, the key is returned once."""
    key = new_key()
    row = ApiKey(
        workspace_id=user.workspace_id, user_id=user.id, key_hash=hash_key(key), prefix=key[:PREFIX_LENGTH],
        label=label, created_at=now, expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return key, row


async def mint_key(*, session: AsyncSession, user: User, now: datetime, label: str = "") -> str:
    """Create an API key for `user` and return it (demo data and tests)."""
    key, _ = await issue_key(session=session, user=user, now=now, label=label)
    return key


def lower_role(user_role: Role, claimed: Role | None) -> Role:
    """A token's role claim may lower the user's role, never raise it."""
    if claimed is None or _ROLE_RANK[claimed] >= _ROLE_RANK[user_role]:
        return user_role
    return claimed


@dataclass(frozen=True)
class Identity:
    """The caller's user and workspace as read when its credential was checked (as fresh as that check)."""

    user: User
    workspace: Workspace


@dataclass
class _Checked:
    principal: Principal
    identity: Identity
    expires_at: datetime | None
    checked_at: float


class Authenticator:
    """Resolves credentials to principals for one server process (see the module's docstring)."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], clock: Clock, *, cache_seconds: float,
        last_used_every_seconds: int = 60, jwt: JwtVerifier | None = None,
    ) -> None:
        self._sessions, self._clock, self._seconds = sessions, clock, elapsed_seconds(clock)
        self.cache_seconds = cache_seconds
        self._last_used_every = timedelta(seconds=last_used_every_seconds)
        self._jwt = jwt
        self._cache: OrderedDict[str, _Checked] = OrderedDict()
        self._changed: dict[int, set[asyncio.Event]] = {}  # user id -> open WebSockets to wake

    async def authenticate(self, credential: str | None, *, fresh: bool = False) -> Principal | None:
        """The principal behind a key or token, or None (the log says why). Database errors propagate.

        `fresh` skips the process's cache (an open WebSocket re-checking its credential).
        """
        checked = await self.check(credential, fresh=fresh)
        return None if checked is None else checked.principal

    async def identify(self, credential: str | None) -> tuple[Principal, Identity] | None:
        """The principal and identity (user and workspace rows) behind a key or token, or None."""
        checked = await self.check(credential)
        return None if checked is None else (checked.principal, checked.identity)

    async def check(self, credential: str | None, *, fresh: bool = False) -> "_Checked | None":
        if not credential:
            return None
        if len(credential) > MAX_CREDENTIAL_LENGTH:
            return self._refused("credential too long")
        digest = hash_key(credential)
        now = self._clock.now()
        checked = None if fresh else self._cache.get(digest)
        if checked is not None and self._seconds() - checked.checked_at < self.cache_seconds:
            if checked.expires_at is None or now < checked.expires_at:
                self._cache.move_to_end(digest)
                return checked
        self._cache.pop(digest, None)
        if credential.startswith(KEY_PREFIX):
            checked = await self._check_key(digest, now)
        elif self._jwt is not None and looks_like_jwt(credential):
            checked = await self._check_token(credential, now)
        else:
            return self._refused("not an API key" if self._jwt is None else "neither an API key nor a JWT")
        if checked is None:
            return None
        if self.cache_seconds > 0:
            self._cache[digest] = checked
            while len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        return checked

    async def _check_key(self, digest: str, now: datetime) -> _Checked | None:
        async with self._sessions() as session:
            row = await repo.credential_row(session, digest)
            if row is None:
                return self._refused("unknown API key")
            if row.revoked_at is not None:
                return self._refused(f"API key {row.key_id} is revoked")
            if row.expires_at is not None and row.expires_at <= now:
                return self._refused(f"API key {row.key_id} has expired")
            user: User = row.User
            if user.deactivated_at is not None:
                return self._refused(f"user {user.id} is deactivated")
            session.expunge_all()  # the rows outlive the session, whatever happens to its transaction
            if row.last_used_at is None or row.last_used_at <= now - self._last_used_every:
                await self._record_use(session, row.key_id, now)
        principal = Principal(workspace_id=user.workspace_id, user_id=user.id, role=user.role)  # type: ignore[arg-type]
        return _Checked(principal, Identity(user, row.Workspace), row.expires_at, self._seconds())

    async def _check_token(self, token: str, now: datetime) -> _Checked | None:
        assert self._jwt is not None
        try:
            # PyJWT's JWKS client is synchronous (it may fetch the key set): off the event loop.
            claims = await asyncio.to_thread(self._jwt.verify, token)
        except TokenRefused as refused:
            return self._refused(f"token: {refused.reason}")
        async with self._sessions() as session:
            row = await repo.token_user_row(session, slug=claims.workspace_slug, email=claims.email)
        if row is None:
            return self._refused("token: no such user in that workspace")
        user: User = row.User
        if user.deactivated_at is not None:
            return self._refused(f"token: user {user.id} is deactivated")
        role = lower_role(user.role, claims.role)
        principal = Principal(workspace_id=user.workspace_id, user_id=user.id, role=role)  # type: ignore[arg-type]
        return _Checked(principal, Identity(user, row.Workspace), claims.expires_at, self._seconds())

    async def _record_use(self, session: AsyncSession, key_id: int, now: datetime) -> None:
        """Best effort: a key whose last use cannot be written now (a busy database) still authenticates."""
        try:
            await repo.record_last_used(session, used={key_id: now}, every=self._last_used_every)
            await session.commit()
        except SQLAlchemyError as exc:
            await session.rollback()
            log.warning("cannot record the last use of API key %s: %s", key_id, type(exc).__name__)

    @staticmethod
    def _refused(reason: str) -> None:
        log.info("authentication refused: %s", reason, extra={"auth_refusal": reason})
        return None

    # -- changes made by this process: forget at once, wake the WebSockets concerned ------------------

    def forget_user(self, user_id: int) -> None:
        """A user's role, status or keys changed: drop what this process remembers of them."""
        for digest in [d for d, c in self._cache.items() if c.principal.user_id == user_id]:
            del self._cache[digest]
        for event in self._changed.get(user_id, ()):
            event.set()

    def watch(self, user_id: int) -> asyncio.Event:
        """An event set when this process changes the user's access (an open WebSocket re-checks then)."""
        event = asyncio.Event()
        self._changed.setdefault(user_id, set()).add(event)
        return event

    def unwatch(self, user_id: int, event: asyncio.Event) -> None:
        watchers = self._changed.get(user_id)
        if watchers is not None:
            watchers.discard(event)
            if not watchers:
                del self._changed[user_id]
