"""What stands in front of the GraphQL app: the rate limit, the body limits and batch checks, then authentication."""

from starlette.types import ASGIApp, Receive, Scope, Send

from api.authentication import AuthenticationStep
from api.body_limits import BodyLimitMiddleware
from api.ratelimit import BucketStore, RateLimitMiddleware, RedisBuckets, bucket_store
from domain.clock import Clock, elapsed_seconds
from domain.services.auth import Authenticator
from domain.settings import Settings


class GuardedGraphQL:
    """ASGI app: rate limit (cheapest first, before any byte of the body is read), body limits, authentication."""

    def __init__(self, app: ASGIApp, settings: Settings, clock: Clock, authenticator: Authenticator) -> None:
        inner: ASGIApp = BodyLimitMiddleware(
            AuthenticationStep(app, authenticator),
            max_body_bytes=settings.max_body_bytes,
            max_upload_bytes=settings.max_upload_bytes,
            max_batch_operations=settings.max_batch_operations,
        )
        self.store: BucketStore | None = bucket_store(
            burst=settings.rate_limit_burst,
            per_second=settings.rate_limit_per_second,
            redis_url=settings.redis_url,
            redis_prefix=settings.rate_limit_redis_prefix,
            now=elapsed_seconds(clock),
        )
        self.app: ASGIApp = inner if self.store is None else RateLimitMiddleware(inner, store=self.store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    async def aclose(self) -> None:
        """Close the Redis connections, if any (at shutdown)."""
        if isinstance(self.store, RedisBuckets):
            await self.store.aclose()
