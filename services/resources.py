"""The engine's database and the acting user, as the tasks of one process share them."""

import gc
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from sqlalchemy import Engine

from config.settings import get_settings
from models.kernel.calendar import use_public_holidays
from models.kernel.database import is_current, make_engine, migrate


@contextmanager
def old_objects_set_aside() -> Iterator[None]:
    """Keep what the process already holds out of the cyclic collector's scans while a bulk
    step runs. A worker that has run other steps holds hundreds of MB of objects, and the
    worst reminder day makes ~2 million new ones: each full collection would walk the old
    ones again (~1 s of the worst day in the bench process). Collected as usual afterwards."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@lru_cache(maxsize=4)
def _migrated_engine(url: str) -> Engine:
    engine = make_engine(url)
    if not is_current(engine):  # Alembic itself takes ~0.4 s to load: only when needed
        migrate(engine)
    return engine


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return make_engine(url)


@lru_cache(maxsize=1)
def _kept_holidays():
    from adapters.holiday_cache import CachedHolidays

    return CachedHolidays(get_settings().home / "cache")


def read_database() -> Engine:
    """The engine's database for reading, as it is (never migrated: reading writes nothing,
    and a database with no schema yet says so); one engine per process."""
    use_public_holidays(_kept_holidays)  # calendars read from it take holidays from the cache
    return _engine(get_settings().engine_url)


def database() -> Engine:
    """The engine's database, migrated to the newest schema on first use in this process."""
    use_public_holidays(_kept_holidays)
    return _migrated_engine(get_settings().engine_url)


_acting: ContextVar[str | None] = ContextVar("rollout_acting", default=None)


@contextmanager
def acting_as(who: str) -> Iterator[None]:
    """Record every change made inside the block under `who` (a signed-in web user), not the
    server's login name."""
    token = _acting.set(who)
    try:
        yield
    finally:
        _acting.reset(token)


def actor() -> str:
    """Who the audit log records: the signed-in person acting, else ROLLOUT_ACTOR, else the
    login name."""
    return _acting.get() or get_settings().actor or getpass.getuser()


def form_key() -> bytes:
    """The key that signs self-assessment forms: made once, kept under ROLLOUT_HOME/keys."""
    import os
    import secrets

    path = get_settings().home / "keys" / "forms.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_bytes()
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()
