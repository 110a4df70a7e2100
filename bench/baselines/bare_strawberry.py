"""The baseline of bench/edge.py: a bare Strawberry app on Starlette answering `{ viewer { user { id } } }`.

No middleware, no authentication, no database: what Strawberry itself costs for the smallest query.
Served by uvicorn exactly as Rapport is (`uvicorn bench.baselines.bare_strawberry:app`).
"""

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL


@strawberry.type
class User:
    id: strawberry.ID


@strawberry.type
class Viewer:
    user: User


@strawberry.type
class Query:
    @strawberry.field
    def viewer(self) -> Viewer:
        return Viewer(user=User(id=strawberry.ID("VXNlcjox")))


app = Starlette(routes=[Route("/graphql", GraphQL(strawberry.Schema(query=Query)), methods=["GET", "POST"])])

# The same app with Strawberry's own parse and validation caches: the fairer baseline for Rapport,
# which skips both for the texts it has seen (api/limits.py).
from strawberry.extensions import ParserCache, ValidationCache  # noqa: E402

cached_app = Starlette(routes=[Route("/graphql", GraphQL(strawberry.Schema(
    query=Query, extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=1024)],
)), methods=["GET", "POST"])])
