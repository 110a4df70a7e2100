"""Configuration read from the environment (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The version shipped in models/, trained on the project's own corpus (ml/corpus).
DEFAULT_SATISFACTION_MODEL = "support-v1"


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
