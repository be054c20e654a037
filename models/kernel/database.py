"""Engines and sessions for SQLite (default) and PostgreSQL, and schema migrations."""

from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.sql import Executable
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_WRITE = "rollout_write"
# Serialises writers on PostgreSQL as BEGIN IMMEDIATE does on SQLite: one audit chain, no forks.
_PG_WRITE_LOCK = 18091
# The newest migration (models/migrations/versions/); a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0016"


class SchemaMissingError(Exception):
    """The database has no rollout tables yet."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout, and BEGIN IMMEDIATE for writers."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One transaction that writes, committed whole or rolled back whole; writers queue."""
    bound = engine.execution_options(**{_WRITE: True})
    with Session(bound, expire_on_commit=False) as session, session.begin():
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
        yield session


def insert_new(connection: Connection, table: Table, rows: list[dict]) -> int:
    """Insert the rows whose unique columns are not taken yet, skip the others; how many were
    new. The database decides, with ON CONFLICT DO NOTHING (a row breaking another constraint
    still fails): through the driver's executemany on SQLite, whose row count sums the inserts;
    with RETURNING on PostgreSQL, whose rows returned are the inserted ones."""
    if not rows:
        return 0
    if connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert

        return execute_many(connection, insert(table).on_conflict_do_nothing(), rows)
    from sqlalchemy.dialects.postgresql import insert

    statement = insert(table).on_conflict_do_nothing().returning(table.c.id)
    return len(connection.execute(statement, rows).all())


def execute_many(connection: Connection, statement: Executable, rows: list[dict]) -> int:
    """Run an INSERT or UPDATE once per row of `rows` (bound parameters by name).

    On SQLite the rows go straight to the driver's executemany, each distinct value through its
    parameter's bind processor once: SQLAlchemy otherwise builds and processes every parameter
    of every row, half the time of the worst reminder day's 111,990 inserts and as many updates
    (1.4 s against 0.7 s). Elsewhere SQLAlchemy runs them as it does (psycopg2 batches them into
    multi-row statements, which a plain executemany would not). Returns the rows changed on
    SQLite (the driver sums them), -1 elsewhere (not every driver can say)."""
    if not rows:
        return 0
    if connection.dialect.name != "sqlite":
        connection.execute(statement, rows)
        return -1
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    names = compiled.positiontup
    processors = [
        compiled.binds[name]
        .type.dialect_impl(connection.dialect)
        .bind_processor(connection.dialect)
        for name in names
    ]
    get = itemgetter(*names)
    values = map(get, rows) if len(names) > 1 else ((get(row),) for row in rows)
    # Only parameters with a bind processor (dates, times, JSON) are converted, each distinct
    # value once; the others go as they are (no Python call per value).
    convert = [(i, process, {}) for i, process in enumerate(processors) if process is not None]
    params: list = []
    for row in values:
        if convert:
            row = list(row)
            for i, process, seen in convert:
                value = row[i]
                if value is None:
                    continue
                try:
                    row[i] = seen[value]
                except KeyError:
                    row[i] = seen[value] = process(value)
                except TypeError:  # a value that cannot be a key (a JSON list, say)
                    row[i] = process(value)
            row = tuple(row)  # exec_driver_sql takes tuples
        params.append(row)
    done_rows = connection.exec_driver_sql(compiled.string, params)
    return done_rows.rowcount


_SCHEMA_SEEN: set[str] = set()  # databases found to have the schema (it is never dropped)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; fails with SchemaMissingError on an empty database (looked
    for until found once: a web page opens several sessions, each would ask again)."""
    url = engine.url.render_as_string(hide_password=False)
    if url not in _SCHEMA_SEEN:
        if not inspect(engine).has_table("programme"):
            raise SchemaMissingError(str(engine.url))
        _SCHEMA_SEEN.add(url)
    with Session(engine, expire_on_commit=False) as session:
        yield session


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; concurrent callers queue)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.execution_options(**{_WRITE: True}).begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def is_current(engine: Engine) -> bool:
    """Whether the database is at SCHEMA_HEAD, read without loading Alembic."""
    if not inspect(engine).has_table("alembic_version"):
        return False
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            SCHEMA_HEAD
        )


def schema_revision(engine: Engine) -> tuple[str | None, str]:
    """The database's migration revision and the newest one this version of rollout ships."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head
