"""Settings, read once from `MIR_*` environment variables (DESIGN §4)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: templates/, migrations/ and markers/ live beside app/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"
DEFAULT_DATABASE_POOL_SIZE = 16  # app.db.build_engine says why


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MIR_", extra="ignore")

    env: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./data/mir.db"
    secret_key: str = DEVELOPMENT_SECRET
    base_url: str = "http://127.0.0.1:8000"
    upload_dir: Path = Path("./data/uploads")
    max_upload_mb: int = 10
    smtp_url: str | None = None
    markers_dir: Path = Path("./markers")
    outbox_dir: Path = Path("./data/outbox")
    # Addresses of the reverse proxies or load balancers whose X-Forwarded-For/-Proto
    # headers `mir serve` believes (comma-separated, or * for any): the client's address
    # is used for login rate limits.
    forwarded_allow_ips: str = "127.0.0.1"
    # PostgreSQL connections each worker process keeps open (app.db.build_engine).
    database_pool_size: int = Field(default=DEFAULT_DATABASE_POOL_SIZE, ge=1, le=200)

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        if self.env == "production":
            problems = []
            if self.secret_key == DEVELOPMENT_SECRET or len(self.secret_key) < 32:
                problems.append("MIR_SECRET_KEY must be set to a random value of at least "
                                "32 characters when MIR_ENV=production")
            if not self.base_url.startswith("https://"):
                problems.append("MIR_BASE_URL must be set to the https:// address of the site "
                                "when MIR_ENV=production")
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
