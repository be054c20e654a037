"""The shipped production files name only settings and commands that exist."""

import configparser
import shlex

from typer.main import get_command

from cli.app import app
from config import PROJECT_ROOT
from config.settings import Settings

OPS = PROJECT_ROOT / "ops"


def test_every_rollout_setting_in_the_example_env_file_exists():
    known = {f"ROLLOUT_{name.upper()}" for name in Settings.model_fields}
    keys = [
        line.split("=", 1)[0]
        for line in (OPS / "rollout.env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert "ROLLOUT_PREFECT_API_URL" in keys and "ROLLOUT_DATABASE_URL" in keys
    assert [k for k in keys if k.startswith("ROLLOUT_") and k not in known] == []


def test_every_systemd_unit_starts_a_rollout_command_that_exists():
    commands = set(get_command(app).commands)
    units = sorted((OPS / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {
        "rollout-prefect-server.service",
        "rollout-worker.service",
        "rollout-health.service",
    }
    for unit in units:
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(unit)
        program, command, *_ = shlex.split(parser["Service"]["ExecStart"])
        assert program.endswith("/rollout") and command in commands, unit.name
        assert parser["Service"]["EnvironmentFile"] == "/etc/rollout/rollout.env"
