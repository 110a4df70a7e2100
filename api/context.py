"""What every resolver sees: the caller, the request's database session, its loaders and the clock."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from strawberry.types import Info as StrawberryInfo

from domain.clock import Clock
from domain.db import RequestSession
from domain.policies import Principal
from ml.serving import ModelServer


@dataclass
class Context:
    request: Any
    response: Any
    # A WebSocket context has none (None): its subscriptions open short sessions from `sessions`, and
    # queries and mutations are only served over HTTP (api.schema.ExecutionGuards).
    session: RequestSession
    clock: Clock
    principal: Principal | None
    loaders: Any = None
    models: ModelServer | None = None
    sessions: Any = None  # the app's session factory (WebSocket contexts)
    connection_params: dict[str, Any] | None = None  # graphql-transport-ws `connection_init` payload
    authenticator: Any = None  # domain.services.auth.Authenticator: access changes make it forget at once
    identity: Any = None  # domain.services.auth.Identity: the caller's user and workspace, read when authenticating
    # "Now" is read once per request, so every field of one response agrees on it.
    now: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.now = self.clock.now()

    @property
    def caller(self) -> Principal:
        """The authenticated principal (the authentication extension guarantees there is one)."""
        assert self.principal is not None, "resolvers run only for authenticated requests"
        return self.principal


Info = StrawberryInfo[Context, None]
