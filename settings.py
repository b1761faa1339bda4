"""Every setting of Colloque, read once from the environment (and an optional `.env` file).

Secrets only ever come from here: nothing else in the code reads `os.environ`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _env() -> dict[str, str]:
    """The process environment wins over `.env`."""
    return {**_read_dotenv(ROOT / ".env"), **os.environ}


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(env: dict[str, str], name: str, default: int) -> int:
    """A limit: a whole number, 0 turning it off."""
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number (0 turns it off)")
    return int(value)


def _secret_key(env: dict[str, str]) -> str:
    """Use SECRET_KEY, else a key generated once and kept in `data/secret_key`."""
    if env.get("SECRET_KEY"):
        return env["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def _default_base_url(host: str, port: int) -> str:
    """Links follow where `serve` listens; a wildcard address is reached on the loopback one."""
    wildcards = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}  # noqa: S104 - naming them, not binding to them
    reachable = wildcards.get(host, f"[{host}]" if ":" in host else host)
    return f"http://{reachable}:{port}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    base_url: str
    host: str
    port: int
    stripe_secret_key: str | None
    stripe_webhook_secret: str | None
    stripe_api_base: str | None
    smtp_host: str | None
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    default_locale: str
    run_worker_in_process: bool
    # Anonymous orders (and abstract submissions) per client address per minute; 0 = no throttle.
    order_throttle: int = 60
    # Places one buyer e-mail may hold in card orders awaiting payment; 0 = no limit.
    max_held_places: int = 50
    # uvicorn's access log prints every path, and paths hold order secrets and tokens: off by default.
    access_log: bool = False
    einvoice_dir: Path = DATA_DIR / "einvoices"
    """Where the file transmitter leaves each day's Factur-X documents for the approved platform."""
    outbox_dir: Path = DATA_DIR / "outbox"
    """Without `SMTP_HOST`, where each e-mail is written whole, one `.eml` file per message."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")


def load() -> Settings:
    env = _env()
    database_url = env.get("DATABASE_URL") or "sqlite://data/colloque.sqlite3"
    default_locale = env.get("DEFAULT_LOCALE", "fr")
    host = env.get("HOST") or "127.0.0.1"
    port = int(env.get("PORT") or 8000)
    if default_locale not in {"fr", "en"}:
        raise ValueError("DEFAULT_LOCALE must be 'fr' or 'en'")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(env),
        base_url=(env.get("BASE_URL") or _default_base_url(host, port)).rstrip("/"),
        host=host,
        port=port,
        stripe_secret_key=env.get("STRIPE_SECRET_KEY") or None,
        stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET") or None,
        stripe_api_base=env.get("STRIPE_API_BASE") or None,
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=int(env.get("SMTP_PORT") or 25),
        smtp_username=env.get("SMTP_USERNAME") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=_flag(env.get("SMTP_STARTTLS"), False),
        mail_from=env.get("MAIL_FROM") or "Colloque <no-reply@localhost>",
        default_locale=default_locale,
        run_worker_in_process=_flag(env.get("RUN_WORKER_IN_PROCESS"), database_url.startswith("sqlite")),
        order_throttle=_count(env, "ORDER_THROTTLE", 60),
        max_held_places=_count(env, "MAX_HELD_PLACES", 50),
        access_log=_flag(env.get("ACCESS_LOG"), False),
        einvoice_dir=Path(env.get("EINVOICE_DIR") or DATA_DIR / "einvoices"),
        outbox_dir=Path(env.get("OUTBOX_DIR") or DATA_DIR / "outbox"),
    )


settings = load()

MODEL_MODULES = [
    "events.accounts.models",
    "events.audit.models",
    "events.catalogue.models",
    "events.ticketing.models",
    "events.payments.models",
    "events.invoicing.models",
    "events.checkin.models",
    "events.certificates.models",
    "events.mail.models",
    "events.privacy.models",
    "events.partnering.models",
    "events.abstracts.models",
]


def tortoise_config(database_url: str | None = None) -> dict[str, Any]:
    from events.database import connection_config  # events imports settings: read it late

    return {
        "connections": {"default": connection_config(database_url or settings.database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


TORTOISE_ORM = tortoise_config()
