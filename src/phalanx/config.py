"""Settings from the environment (prefix PHALANX_). Production refuses defaults that
are only fit for a demo."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from phalanx.adapters import guarded_http
from phalanx.domain.languages import Language

DEV_SECRET = "phalanx-development-secret-not-for-production"  # noqa: S105 - refused in production


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PHALANX_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/phalanx.db"
    secret_key: str = DEV_SECRET
    audit_key_file: Path = Path("var/audit-signing.key")
    # the audit trail's tail outside the database (services/audit_tail.py): the
    # installation's append-only file (default: next to the key), an optional witness
    # directory (another host's share), a checkpoint every N entries and M minutes, the
    # age beyond which `audit verify` calls the newest checkpoint stale, and how long a
    # committed entry may stay uncopied before it counts as forged
    audit_checkpoint_file: Path | None = None
    audit_witness_dir: Path | None = None
    audit_witness_syslog: str | None = None  # host:port (UDP) or a socket path
    audit_checkpoint_every: int = Field(100, ge=1)
    audit_checkpoint_minutes: float = Field(10.0, gt=0, allow_inf_nan=False)
    audit_checkpoint_max_age_minutes: float = Field(30.0, gt=0, allow_inf_nan=False)
    audit_copy_grace_seconds: float = Field(60.0, ge=0, allow_inf_nan=False)
    # every N seconds the server escalates what is overdue and settles the written and
    # silence procedures past their deadline (services/due.py), one instance at a time;
    # 0: never (a timer runs `phalanx crises escalate` and `phalanx decisions settle`)
    due_seconds: float = Field(60.0, ge=0, allow_inf_nan=False)
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1)
    # addresses of reverse proxies whose X-Forwarded-For/-Proto `phalanx serve` believes
    # (comma-separated, as uvicorn takes them); empty: none, the peer is the client
    forwarded_allow_ips: str = ""
    # PostgreSQL connections kept open by each app process, and how many more it may
    # open at a peak (closed again after): processes x (pool + overflow) + the LISTEN
    # connections must stay under the server's max_connections
    db_pool_size: int = Field(10, ge=1)
    db_max_overflow: int = Field(10, ge=0)
    # the language of a visitor who has not chosen, and of a user without their own (their
    # pages and the notices emailed to them)
    default_language: Language = "en"
    # a map tile server for the operational picture ("https://{s}.tiles.example/{z}/{x}/{y}.png");
    # empty: the maps draw the world-atlas country shapes only and fetch nothing
    map_tile_url: str = ""
    # the address users open the pages at ("https://phalanx.example.org"), behind the proxy
    # if there is one: an emailed notice and a crisis's CAP export link to the crisis
    # there; empty: no link
    public_url: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "phalanx@localhost"
    # CAP intake: trust anchors per sender (YAML: sender: [cert.pem, ...]), and what an
    # alert whose signature is not verified may open
    cap_trust_file: Path | None = None
    cap_unsigned: Literal["crisis", "watch"] = "crisis"
    cap_invalid: Literal["crisis", "watch"] = "watch"
    # CAP feeds are fetched from public addresses on the scheme's default port only; these
    # networks ("10.20.0.0/16, 192.0.2.7") and ports ("8443") are reached all the same
    # (a national alerting service on an internal network)
    feed_allow_networks: str = ""
    feed_allow_ports: str = ""

    @property
    def checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.audit_key_file.with_name(
            "audit-checkpoints.jsonl")

    @field_validator("public_url")
    @classmethod
    def _an_address(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and (not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value)):
            raise ValueError("PHALANX_PUBLIC_URL must be an http:// or https:// address "
                             f"with no query, like https://phalanx.example.org: {value!r}")
        return value

    @field_validator("database_url")
    @classmethod
    def _a_database(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("PHALANX_DATABASE_URL must be a database address like "
                             "sqlite:///var/phalanx.db or postgresql+psycopg://user@host/db: "
                             f"{value!r}") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("PHALANX_DATABASE_URL: Phalanx runs on SQLite or PostgreSQL, "
                             f"not {url.get_backend_name()!r}")
        try:
            url.get_dialect().import_dbapi()
        except (ImportError, NoSuchModuleError) as exc:
            raise ValueError(f"PHALANX_DATABASE_URL: the driver of {url.drivername!r} is "
                             f"not installed ({exc}); use postgresql+psycopg://") from None
        return value

    @field_validator("audit_key_file", "audit_checkpoint_file")
    @classmethod
    def _a_file(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        """A file, not a directory: a checkpoint file that is one is found only after the
        entries are committed, which then stay uncopied (called forged by `verify`)."""
        if value is not None and value.is_dir():
            example = "audit-signing.key" if info.field_name == "audit_key_file" \
                else "audit-checkpoints.jsonl"
            raise ValueError(f"PHALANX_{str(info.field_name).upper()}: {value} is a "
                             f"directory; name the file in it, e.g. {example}")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        """Addresses or networks, or `*`: uvicorn takes anything else (a host name, a
        mistyped address) for a literal no peer ever matches, and every user would then
        seem to come from the proxy, throttled together, their cookies sent over HTTP."""
        import ipaddress

        for item in (i.strip() for i in value.split(",")):
            if item in ("", "*"):
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"PHALANX_FORWARDED_ALLOW_IPS: {item!r} is not an address or a network "
                    "(like 127.0.0.1, 10.0.0.0/24 or *); a proxy is named by its address"
                ) from None
        return value

    @field_validator("cap_trust_file")
    @classmethod
    def _a_trust_file(cls, value: Path | None) -> Path | None:
        """Read when the settings are: a trust file missing or broken (or naming a
        certificate that is not there) is refused at start, naming the setting, not found
        at the first alert received, which the API would answer with a server error."""
        if value is None:
            return value
        import yaml

        from phalanx.adapters.cap.signature import load_anchors

        try:
            load_anchors(value)
        except (OSError, UnicodeError, ValueError, yaml.YAMLError, TypeError) as exc:
            said = f"{exc.filename}: {exc.strerror}" if isinstance(exc, OSError) and \
                exc.filename else " ".join(str(exc).split())
            raise ValueError(f"PHALANX_CAP_TRUST_FILE: {said}") from None
        return value

    @field_validator("audit_witness_dir")
    @classmethod
    def _a_witness_dir(cls, value: Path | None) -> Path | None:
        """The witness's directory is another host's share: one that is not there (a
        mistyped path, a share not mounted) is refused, not made on this host, where the
        copies it would hold are no witness."""
        if value is not None and not value.is_dir():
            raise ValueError(f"PHALANX_AUDIT_WITNESS_DIR: {value} is not a directory (a "
                             "mistyped path, or the witness's share not mounted)")
        return value

    @field_validator("audit_witness_syslog")
    @classmethod
    def _a_syslog_address(cls, value: str | None) -> str | None:
        """`host:port` (UDP) or a socket's absolute path, as `SyslogWitness` reads it;
        anything else would be taken for a socket path beside the working directory, or
        fail only at the first entry copied out."""
        value = (value or "").strip() or None
        if value is None:
            return value
        if value.startswith("/"):
            if not Path(value).is_socket():
                raise ValueError(f"PHALANX_AUDIT_WITNESS_SYSLOG: {value} is not a socket "
                                 "(no syslog daemon listens there)")
            return value
        host, colon, port = value.rpartition(":")
        if not (colon and host and port.isascii() and port.isdigit()
                and 1 <= int(port) <= 65535):
            raise ValueError("PHALANX_AUDIT_WITNESS_SYSLOG must be host:port (UDP, e.g. "
                             f"witness.internal:514) or a socket path such as /dev/log: "
                             f"{value!r}")
        return value

    @field_validator("feed_allow_networks", "feed_allow_ports")
    @classmethod
    def _networks_and_ports(cls, value: str, info: ValidationInfo) -> str:
        read = guarded_http.networks if info.field_name == "feed_allow_networks" \
            else guarded_http.ports
        try:
            read(value)
        except ValueError as exc:
            raise ValueError(f"PHALANX_{str(info.field_name).upper()}: {exc}") from exc
        return value

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
