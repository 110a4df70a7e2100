"""Configuration read from the environment (and an optional .env file)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
