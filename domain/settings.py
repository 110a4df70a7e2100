"""Configuration read from the environment (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The version shipped in models/, trained on the project's own corpus (ml/corpus).
DEFAULT_SATISFACTION_MODEL = "support-v1"
# JWT signature algorithms Rapport may accept: public-key ones, so a JWKS can never act as a shared secret.
ASYMMETRIC_JWT_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'rapport.db'}",
        description="SQLAlchemy URL; postgresql://... is served through asyncpg.",
    )
    rapport_env: str = Field(default="development", description="development or production")
    host: str = "127.0.0.1"
    port: int = 8000
    sql_echo: bool = False
    satisfaction_model: str = Field(
        default=DEFAULT_SATISFACTION_MODEL,
        description="The model that scores when none is activated: a version in MODELS_DIR or package.module:factory.",
    )
    models_dir: Path = Field(default=PROJECT_ROOT / "models", description="Where model versions live.")
    # Abuse limits on GraphQL documents (api.limits); the shared contract needs at most depth 6,
    # no aliases, ~1,050 tokens (actions.graphql sent whole) and a cost of 700.
    max_query_depth: int = Field(default=12, ge=1, description="Deepest nesting of fields (QUERY_TOO_COMPLEX).")
    max_aliases: int = Field(default=30, ge=0, description="Most aliased fields in one document (QUERY_TOO_COMPLEX).")
    max_tokens: int = Field(
        default=5000, ge=1, description="Most tokens in one document, comments included (QUERY_TOO_COMPLEX)."
    )
    max_selections: int = Field(
        default=1000, ge=1,
        description="Most field selections in one document, fragments counted at every spread (QUERY_TOO_COMPLEX).",
    )
    max_repeated_selections: int = Field(
        default=10, ge=1,
        description="Most fields one operation may select under the same response path (QUERY_TOO_COMPLEX).",
    )
    max_query_cost: int = Field(
        default=50_000, ge=1,
        description="Most nodes an operation may request, first/last multiplied through nested connections (QUERY_TOO_COSTLY).",
    )
    # Hardening: rate limit per API key, body sizes, import rows (api/ratelimit.py, api/body_limits.py).
    rate_limit_burst: int = Field(
        default=120, ge=0,
        description="Requests a key (or, without a key, a client address) may make at once; 0: no limit.",
    )
    rate_limit_per_second: float = Field(
        default=20, ge=0, description="Requests per second refilled into each key's bucket; 0: no limit."
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://...: the rate-limit buckets shared by every server process; unset: per process.",
    )
    rate_limit_redis_prefix: str = Field(default="rapport:ratelimit:", description="Prefix of the buckets' Redis keys.")
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=0, description="Largest JSON request body (413 PAYLOAD_TOO_LARGE); 0: no limit."
    )
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, ge=0,
        description="Largest file in a multipart upload (contactsImport), on top of max_body_bytes; 0: no limit.",
    )
    max_import_rows: int = Field(
        default=1_000_000, ge=1,
        description="Most data rows a CSV import may have (more: BAD_USER_INPUT, nothing queued).",
    )
    max_batch_operations: int = Field(
        default=0, ge=0, le=100,
        description=(
            "Most operations one POST may batch (a JSON array), run one after another, each taking a rate-limit"
            " token; 0: batching off (400 BATCHING_DISABLED)."
        ),
    )
    job_progress_poll_seconds: float = Field(
        default=0.5, gt=0, le=60, description="How often a `jobProgress` subscription reads its job."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "Origins allowed to call the API from a browser (CORS) and to open its WebSocket, comma-separated;"
            " empty: no CORS headers, and only same-origin pages may open the WebSocket."
        ),
    )

    # Access (domain/services/auth.py): how long a process trusts what it checked, and when keys say they were used.
    auth_cache_seconds: float = Field(
        default=5, ge=0, le=10,
        description=(
            "How long a server process reuses a key's or token's successful check; a revoked or expired key, a"
            " deactivated user or a changed role takes effect in every other process within this time (at once in"
            " the process that made the change); 0: check on every request."
        ),
    )
    key_last_used_every_seconds: int = Field(
        default=60, ge=1, le=3600, description="A key's `lastUsedAt` is written at most this often (per key and process)."
    )
    # Tokens from the platform's identity provider (domain/services/jwt_tokens.py): off unless JWT_JWKS_URL is set.
    jwt_jwks_url: str | None = Field(
        default=None, description="The identity provider's JWKS: https://..., http://... or file:///path; unset: no JWTs."
    )
    jwt_issuer: str | None = Field(default=None, description="The `iss` every token must carry (required with JWT_JWKS_URL).")
    jwt_audience: str | None = Field(default=None, description="The `aud` every token must name (required with JWT_JWKS_URL).")
    jwt_algorithms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["RS256", "ES256"],
        description="Signature algorithms accepted, comma-separated; asymmetric ones only (never none, never HS*).",
    )
    jwt_leeway_seconds: float = Field(default=30, ge=0, le=300, description="Clock skew allowed on exp, nbf and iat.")
    jwt_jwks_cache_seconds: float = Field(default=300, gt=0, le=86400, description="How long a fetched JWKS is used before it is fetched again.")
    jwt_jwks_cooldown_seconds: float = Field(
        default=30, ge=1, le=3600,
        description="At most one JWKS fetch this often for a token whose `kid` is unknown, or after a failed fetch.",
    )
    jwt_jwks_timeout_seconds: float = Field(default=3, gt=0, le=30, description="How long one JWKS fetch may take.")

    @field_validator("jwt_algorithms", mode="before")
    @classmethod
    def _split_algorithms(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("jwt_algorithms")
    @classmethod
    def _asymmetric_only(cls, value: list[str]) -> list[str]:
        refused = [a for a in value if a not in ASYMMETRIC_JWT_ALGORITHMS]
        if refused or not value:
            raise ValueError(
                f"JWT_ALGORITHMS accepts only {', '.join(sorted(ASYMMETRIC_JWT_ALGORITHMS))}; refused: {', '.join(refused) or '(empty)'}"
                " (`none` and HS* never: a public key must not be usable as a shared secret)"
            )
        return value

    @model_validator(mode="after")
    def _jwt_settings_complete(self) -> "Settings":
        if self.jwt_jwks_url is None:
            return self
        scheme = self.jwt_jwks_url.split(":", 1)[0].lower()
        if scheme not in ("http", "https", "file"):
            raise ValueError("JWT_JWKS_URL must be an https://, http:// or file:// URL")
        if not self.jwt_issuer or not self.jwt_audience:
            raise ValueError("JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE: tokens of other issuers or apps must not pass")
        return self

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _batch_fits_the_bucket(self) -> "Settings":
        limited = self.rate_limit_burst > 0 and self.rate_limit_per_second > 0
        if limited and self.max_batch_operations > self.rate_limit_burst:
            raise ValueError(
                f"MAX_BATCH_OPERATIONS ({self.max_batch_operations}) is larger than RATE_LIMIT_BURST"
                f" ({self.rate_limit_burst}): such a batch could never be served"
            )
        return self

    @property
    def production(self) -> bool:
        return self.rapport_env.strip().lower() == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
