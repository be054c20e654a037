"""Shared fixtures: a fresh ROLLOUT_HOME per test, programme files, and Prefect's harness."""

import os
import shutil
import tempfile
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from config import CONFIG_DIR
from config.settings import get_settings
from models.kernel.database import make_engine, migrate

# The suite runs with an empty home of its own: rollout must write nothing outside ROLLOUT_HOME
# (no Prefect profile or telemetry id, no font cache), and pytest_sessionfinish checks it.
USER_HOME = Path(tempfile.mkdtemp(prefix="rollout-test-home-"))
os.environ["HOME"] = str(USER_HOME)
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")  # as the CLI runs

EXAMPLE = CONFIG_DIR / "programmes" / "haiphong-2023-pilot.yaml"
EXAMPLE_ROSTER = CONFIG_DIR / "programmes" / "haiphong-2023-pilot-units.csv"


PG_SERVER = "postgresql+psycopg2://postgres@127.0.0.1:5432"


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A fresh database on the local PostgreSQL server (its name), dropped afterwards; the
    test is skipped where no server runs (the embedded defaults do not need one)."""
    import uuid

    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    name = f"rollout_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 is not available: {exc}")
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_sessionfinish(session, exitstatus):
    """Fail the run when anything was written to the user's home."""
    written = sorted(str(p.relative_to(USER_HOME)) for p in USER_HOME.rglob("*"))
    shutil.rmtree(USER_HOME, ignore_errors=True)
    if written:
        print(f"\nwritten to the user's home, outside ROLLOUT_HOME: {', '.join(written[:20])}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh ROLLOUT_HOME (and so a fresh SQLite database) for one test."""
    monkeypatch.setenv("ROLLOUT_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("ROLLOUT_DATABASE_URL", raising=False)
    monkeypatch.delenv("ROLLOUT_LANGUAGE", raising=False)
    monkeypatch.setenv("ROLLOUT_ACTOR", "tester")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def template_homes(tmp_path_factory) -> dict[str, Path]:
    """Homes prepared once per session (a migrated database, the pilot loaded…), by name."""
    return {"_root": tmp_path_factory.mktemp("template-homes")}


@pytest.fixture
def prepared_home(home, template_homes, monkeypatch):
    """prepared_home(name, build): this test's home as `build()` left a home the first time
    (it runs once per session, in a home of its own); the files are copied, so each test
    starts from the same state without paying for migrations, loading or planning again."""

    def prepare(name: str, build) -> Path:
        template = template_homes.get(name)
        if template is None:
            template = template_homes["_root"] / name
            monkeypatch.setenv("ROLLOUT_HOME", str(template))
            get_settings.cache_clear()
            try:
                build(template)
            finally:
                monkeypatch.setenv("ROLLOUT_HOME", str(home))
                get_settings.cache_clear()
            template_homes[name] = template
        shutil.copytree(template, home, dirs_exist_ok=True)
        return home

    return prepare


def _migrated(_template: Path) -> None:
    engine = make_engine(get_settings().engine_url)
    migrate(engine)
    engine.dispose()


@pytest.fixture
def engine(home, prepared_home):
    """The test's migrated engine database (a copy of one migrated once per session)."""
    prepared_home("migrated", _migrated)
    engine = make_engine(get_settings().engine_url)
    yield engine
    engine.dispose()


def pilot_loaded(as_of: str, *commands: tuple[str, ...]):
    """A builder for prepared_home: the worked example loaded by `rollout init --as-of`, then
    the given rollout commands (each must succeed)."""

    def build(template: Path) -> None:
        from typer.testing import CliRunner

        from cli.app import app

        folder = template.parent / f"{template.name}-programme"
        folder.mkdir()
        for source in (EXAMPLE, EXAMPLE_ROSTER):
            shutil.copy(source, folder / source.name)
        runner = CliRunner()
        for args in (("init", str(folder / EXAMPLE.name), "--as-of", as_of), *commands):
            result = runner.invoke(app, list(args), catch_exceptions=False)
            assert result.exit_code == 0, (args, result.output)
        from services.resources import database

        database().dispose()  # every write is in the files that are copied

    return build


@pytest.fixture
def loaded(home, programme_dir, prefect_harness, prepared_home):
    """The worked example loaded and planned as of 15/05/2023 (once per session, copied)."""
    prepared_home("pilot-2023-05-15", pilot_loaded("2023-05-15"))
    return programme_dir


@pytest.fixture
def programme_dir(tmp_path):
    """A copy of the worked example that a test may edit: (yaml path, roster path)."""
    folder = tmp_path / "programme"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    shutil.copy(EXAMPLE_ROSTER, folder / EXAMPLE_ROSTER.name)
    return folder / EXAMPLE.name, folder / EXAMPLE_ROSTER.name


def with_assessment(programme_dir, **settings) -> Path:
    """The worked example with its `assessment:` section replaced by `settings`."""
    import yaml

    path = programme_dir[0]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["assessment"] = settings
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write(path: Path, text: str) -> Path:
    """Write dedented UTF-8 text to `path` and return it."""
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """Prefect's test harness (a fresh Prefect database), started once per session."""
    from adapters.prefect_runtime import configure_prefect

    prefect_home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(prefect_home)
    get_settings.cache_clear()
    configure_prefect(get_settings())
    from prefect.testing.utilities import prefect_test_harness

    from adapters.prefect_runtime import flow_settings

    with prefect_test_harness(server_startup_timeout=120), flow_settings():
        yield


@pytest.fixture(scope="session")
def prefect_api_url(prefect_harness) -> str:
    """The API URL of the session's Prefect server, for commands run as real processes."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives.

    With `password`, it requires AUTH (PLAIN or LOGIN, without TLS) with user `rollout`.
    """

    def __init__(self, password: str | None = None):
        from bench.ports import free_port

        self.port = free_port()
        self.received: list[bytes] = []
        self.senders: list[str] = []
        self.controller = None
        self.password = password

    async def handle_DATA(self, _server, _session, envelope):
        self.received.append(envelope.original_content)
        self.senders.append(envelope.mail_from)
        return "250 OK"

    def _authenticate(self, _server, _session, _envelope, _mechanism, data):
        from aiosmtpd.smtp import AuthResult

        ok = data.login == b"rollout" and data.password == self.password.encode("utf-8")
        return AuthResult(success=ok, handled=False)  # a refusal answers 535

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        auth = {}
        if self.password is not None:
            auth = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        with warnings.catch_warnings():  # AUTH without TLS: on 127.0.0.1, in a test, on purpose
            warnings.simplefilter("ignore")
            self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **auth)
            self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def messages(self):
        from email import message_from_bytes, policy

        return [message_from_bytes(raw, policy=policy.default) for raw in self.received]


def smtp_settings(server: SmtpServer) -> dict[str, str]:
    """The settings that send reminders to `server` (no retries; its user, if it wants one)."""
    settings = {
        "ROLLOUT_MAIL_CHANNEL": "smtp",
        "ROLLOUT_SMTP_HOST": "127.0.0.1",
        "ROLLOUT_SMTP_PORT": str(server.port),
        "ROLLOUT_SMTP_SECURITY": "none",
        "ROLLOUT_DELIVERY_RETRIES": "0",
    }
    return settings | ({"ROLLOUT_SMTP_USER": "rollout"} if server.password is not None else {})


@contextmanager
def running_smtp(monkeypatch, password: str | None = None) -> Iterator[SmtpServer]:
    """A running SMTP server, with this process's settings pointing at it."""
    server = SmtpServer(password)
    server.start()
    for key, value in smtp_settings(server).items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield server
    if server.controller and server.controller._thread is not None:
        server.stop()


@pytest.fixture
def smtp(monkeypatch):
    """A running SMTP server, and the settings that send reminders to it (no retries)."""
    with running_smtp(monkeypatch) as server:
        yield server
