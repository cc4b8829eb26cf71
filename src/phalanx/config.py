"""Settings from the environment (prefix PHALANX_). Production refuses defaults that
are only fit for a demo."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "phalanx-development-secret-not-for-production"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PHALANX_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/phalanx.db"
    secret_key: str = DEV_SECRET
    audit_key_file: Path = Path("var/audit-signing.key")
    max_body_bytes: int = 10 * 1024 * 1024
    # PostgreSQL connections kept open by each app process, and how many more it may
    # open at a peak (closed again after): processes x (pool + overflow) + the LISTEN
    # connections must stay under the server's max_connections
    db_pool_size: int = 10
    db_max_overflow: int = 10
    default_language: Literal["en", "ru"] = "en"
    # a map tile server for the operational picture ("https://{s}.tiles.example/{z}/{x}/{y}.png");
    # empty: the maps draw the world-atlas country shapes only and fetch nothing
    map_tile_url: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_from: str = "phalanx@localhost"

    @model_validator(mode="after")
    def _production_needs_real_values(self) -> Settings:
        if self.environment == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise ValueError("PHALANX_SECRET_KEY must be set to 32+ random characters "
                                 "in production")
            if not self.database_url.startswith("postgresql"):
                raise ValueError("PHALANX_DATABASE_URL must name a PostgreSQL database "
                                 "in production")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
