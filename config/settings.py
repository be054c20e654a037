"""Settings from ROLLOUT_* environment variables, read once through `get_settings()`."""

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from config import PROJECT_ROOT


class Settings(BaseSettings):
    """Everything a deployment may change; the defaults run the embedded setup."""

    model_config = SettingsConfigDict(env_prefix="ROLLOUT_", extra="ignore")

    home: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Where generated files go: database, Prefect's home, outputs.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the engine's database; default a SQLite file under home.",
    )
    time_zone: str = "Asia/Ho_Chi_Minh"
    language: Literal["vi", "en"] = Field(
        default="vi", description="Language of the command line's tables: vi or en."
    )
    batch_size: int = Field(default=500, gt=0, description="Units per Prefect task run.")
    plan_seconds: float = Field(
        default=45,
        gt=0,
        le=3600,
        description="The solver's time for a whole expert plan, shared by its parts (provinces).",
    )
    actor: str | None = Field(
        default=None, description="Who is recorded in the audit log; default the login name."
    )

    # Reminders: a file outbox (one .eml per message under home/outbox) unless SMTP is chosen.
    mail_channel: Literal["file", "smtp"] = "file"
    mail_from: str = Field(
        default="rollout@localhost",
        description="The sending address; messages carry the coordinating office's name.",
    )
    mail_reply_to: str | None = Field(
        default=None, description="Reply-To; default the programme coordinator's e-mail."
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 587
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = 30.0
    delivery_retries: int = Field(
        default=2, ge=0, description="Passes over failed deliveries, 2 s then 10 s apart."
    )
    delivery_lease_seconds: float = Field(
        default=300,
        gt=0,
        description="How long a sender holds the messages it claimed; then another may send them.",
    )

    # Production: a Prefect server, the daily sweep as a deployment run by a work pool's workers.
    prefect_api_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ROLLOUT_PREFECT_API_URL", "PREFECT_API_URL"),
        description="The Prefect server's API; default none: each command embeds its own.",
    )
    sweep_cron: str = Field(
        default="0 7 * * 1-5", description="When the daily sweep runs, in the programme's zone."
    )
    work_pool: str = Field(default="rollout", description="The Prefect work pool of the sweeps.")
    sweep_parts: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Parts (whole provinces each) a deployed sweep spreads over the workers; "
        "1: the sweep runs in one process.",
    )
    worker_parts: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Parts of a sweep one worker runs at a time (one process each).",
    )
    sweep_part_minutes: float = Field(
        default=60,
        gt=0,
        description="How long a spread sweep waits for its parts before it fails (a lost worker).",
    )

    # The web application (`rollout web`): its public address, sign-in links and sessions.
    web_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The web application's address as users reach it; links in e-mails use it.",
    )
    web_as_of: date | None = Field(
        default=None,
        description="The day the web application acts as of (a replay); default today.",
    )
    web_link_minutes: float = Field(
        default=30, gt=0, le=7 * 24 * 60, description="How long a sign-in link can be used."
    )
    web_session_hours: float = Field(
        default=12, gt=0, le=24 * 30, description="How long a browser stays signed in."
    )

    evidence_max_mb: float = Field(
        default=50, gt=0, description="The largest evidence file `record` accepts, in MB."
    )
    documents: Path | None = Field(
        default=None, description="Where generated documents go; default home/documents."
    )
    soffice: str = Field(
        default="soffice", description="LibreOffice's command, for `docs generate --pdf`."
    )

    @property
    def documents_dir(self) -> Path:
        """Where generated Word files (and their PDFs and previews) are written."""
        return self.documents or self.home / "documents"

    @property
    def engine_url(self) -> str:
        """The database URL actually used."""
        return self.database_url or f"sqlite:///{self.home / 'rollout.db'}"

    @property
    def outbox_dir(self) -> Path:
        """Where the file channel writes its .eml files."""
        return self.home / "outbox"

    @property
    def parts_pool(self) -> str:
        """The work pool of a spread sweep's parts (apart, so parts never wait behind sweeps)."""
        return f"{self.work_pool}-parts"

    @property
    def server_api_url(self) -> str:
        """The API URL of the Prefect server that `rollout prefect-server` runs."""
        return self.prefect_api_url or "http://127.0.0.1:4200/api"

    @property
    def web_secure(self) -> bool:
        """Whether the web application is reached over HTTPS (cookies are then Secure)."""
        return self.web_url.lower().startswith("https://")

    @property
    def prefect_home(self) -> Path:
        """Prefect's own home (its database lives here, apart from the engine's)."""
        return self.home / "prefect"


class SettingsError(Exception):
    """An environment variable holds a value rollout cannot use (each named, with the fix)."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("; ".join(_describe(e) for e in exc.errors())) from None


def _describe(error: dict) -> str:
    field = "_".join(str(part) for part in error["loc"])
    name = field.upper() if field.upper().startswith("ROLLOUT_") else f"ROLLOUT_{field.upper()}"
    shown = "" if "password" in field.lower() else f"={error.get('input')!r}"
    return f"{name}{shown}: {error['msg']}"
