"""The engine's database and the acting user, as the tasks of one process share them."""

import getpass
from functools import lru_cache

from sqlalchemy import Engine

from config.settings import get_settings
from models.database import is_current, make_engine, migrate


@lru_cache(maxsize=4)
def _migrated_engine(url: str) -> Engine:
    engine = make_engine(url)
    if not is_current(engine):  # Alembic itself takes ~0.4 s to load: only when needed
        migrate(engine)
    return engine


def database() -> Engine:
    """The engine's database, migrated to the newest schema on first use in this process."""
    return _migrated_engine(get_settings().engine_url)


def actor() -> str:
    """Who the audit log records: ROLLOUT_ACTOR, else the login name."""
    return get_settings().actor or getpass.getuser()
