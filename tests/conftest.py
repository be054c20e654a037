"""Shared fixtures: a fresh ROLLOUT_HOME per test, programme files, and Prefect's harness."""

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from config import CONFIG_DIR
from config.settings import get_settings
from models.database import make_engine, migrate

EXAMPLE = CONFIG_DIR / "programmes" / "haiphong-2023-pilot.yaml"
EXAMPLE_ROSTER = CONFIG_DIR / "programmes" / "haiphong-2023-pilot-units.csv"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh ROLLOUT_HOME (and so a fresh SQLite database) for one test."""
    monkeypatch.setenv("ROLLOUT_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("ROLLOUT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ROLLOUT_ACTOR", "tester")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


@pytest.fixture
def engine(home):
    """The test's migrated engine database."""
    engine = make_engine(get_settings().engine_url)
    migrate(engine)
    yield engine
    engine.dispose()


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
    from flows.prefect_setup import configure_prefect

    prefect_home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(prefect_home)
    get_settings.cache_clear()
    configure_prefect(get_settings())
    from prefect.testing.utilities import prefect_test_harness

    from flows.prefect_setup import flow_settings

    with prefect_test_harness(server_startup_timeout=120), flow_settings():
        yield


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list[bytes] = []
        self.controller = None

    async def handle_DATA(self, _server, _session, envelope):
        self.received.append(envelope.original_content)
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def messages(self):
        from email import message_from_bytes, policy

        return [message_from_bytes(raw, policy=policy.default) for raw in self.received]


@pytest.fixture
def smtp(monkeypatch):
    """A running SMTP server, and the settings that send reminders to it (no retries)."""
    server = SmtpServer()
    server.start()
    monkeypatch.setenv("ROLLOUT_MAIL_CHANNEL", "smtp")
    monkeypatch.setenv("ROLLOUT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ROLLOUT_SMTP_PORT", str(server.port))
    monkeypatch.setenv("ROLLOUT_SMTP_SECURITY", "none")
    monkeypatch.setenv("ROLLOUT_DELIVERY_RETRIES", "0")
    get_settings.cache_clear()
    yield server
    if server.controller and server.controller._thread is not None:
        server.stop()
