"""The web tests' shared home: the pilot swept to 14/03/2023 with its web users."""

import pytest

from tests.conftest import pilot_loaded

USERS = pilot_loaded(
    "2023-03-01",
    ("sweep", "--as-of", "2023-03-14"),
    ("users", "from-roster"),
    ("users", "add", "hp@example.org", "--role", "coordinator", "--province", "HP-HAIAN"),
    ("users", "add", "all@example.org", "--role", "coordinator"),
    ("users", "add", "audit@example.org", "--role", "auditor"),
    ("users", "add", "verifier@example.org", "--role", "verifier", "--unit", "HP-HAIAN"),
)


@pytest.fixture
def users(home, prefect_harness, prepared_home):
    """The pilot swept to 14/03/2023 (wave 1's survey open) with its web users (once a session)."""
    prepared_home("pilot-web-2023-03-14", USERS)
