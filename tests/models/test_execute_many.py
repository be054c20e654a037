"""Many rows written at the driver's pace store exactly what SQLAlchemy's own path stores."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    cast,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from models.kernel.database import execute_many, insert_new, make_engine
from tests.conftest import PG_SERVER, fresh_pg_database

WHEN = datetime(2026, 7, 15, 7, 0, 1, 250, tzinfo=UTC)
ROWS = [
    {"key": f"item{n}:Hải Phòng", "day": date(2026, 7, n % 3 + 13), "at": WHEN, "note": None,
     "data": {"n": n, "tên": "Đằng Lâm"}, "count": n}
    for n in range(1, 8)
]  # fmt: skip


def _tables() -> tuple[MetaData, Table, Table]:
    metadata = MetaData()

    def table(name: str) -> Table:
        return Table(
            name,
            metadata,
            Column("id", Integer, primary_key=True),
            Column("key", String(40), unique=True, nullable=False),
            Column("day", Date, nullable=False),
            Column("at", DateTime, nullable=False),
            Column("note", String),
            Column("data", JSON),
            Column("count", Integer),
        )

    return metadata, table("fast"), table("usual")


def _stored_as_text(connection, table: Table) -> list[tuple]:
    columns = [cast(c, String) for c in table.c if c.name != "id"]
    return [tuple(r) for r in connection.execute(select(*columns).order_by(table.c.key))]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path):
    if request.param == "sqlite":
        yield make_engine(f"sqlite:///{tmp_path / 'many.db'}")
        return
    with fresh_pg_database() as name:
        engine = make_engine(f"{PG_SERVER}/{name}")
        yield engine
        engine.dispose()


def test_rows_inserted_and_updated_store_what_sqlalchemy_stores(any_engine):
    metadata, fast, usual = _tables()
    metadata.create_all(any_engine)
    with any_engine.begin() as connection:
        execute_many(connection, fast.insert(), ROWS)
        connection.execute(usual.insert(), ROWS)
        execute_many(connection, fast.insert(), [])  # nothing to write: nothing happens
    with any_engine.begin() as connection:
        assert _stored_as_text(connection, fast) == _stored_as_text(connection, usual)
        back = connection.execute(select(fast).order_by(fast.c.key)).mappings().all()
        assert [{k: v for k, v in r.items() if k != "id"} for r in back] == [
            r | {"at": WHEN.replace(tzinfo=None)}
            for r in ROWS  # a plain DateTime keeps no zone
        ]
        changes = [{"which": r["key"], "new": r["count"] * 10} for r in ROWS[::2]]
        for table, run in ((fast, execute_many), (usual, None)):
            statement = (
                update(table)
                .where(table.c.key == bindparam("which"))
                .values(count=bindparam("new"))
            )
            run(connection, statement, changes) if run else connection.execute(statement, changes)
        counts = connection.execute(select(fast.c.count).order_by(fast.c.key)).scalars().all()
        assert counts == [10, 2, 30, 4, 50, 6, 70]
        assert _stored_as_text(connection, fast) == _stored_as_text(connection, usual)


def test_only_new_keys_are_inserted_and_counted(any_engine):
    metadata, fast, _ = _tables()
    metadata.create_all(any_engine)
    with any_engine.begin() as connection:
        assert insert_new(connection, fast, ROWS[:3]) == 3
    with any_engine.begin() as connection:
        again = [r | {"note": "changed"} for r in ROWS[1:5]]  # two taken keys, two new ones
        assert insert_new(connection, fast, again) == 2
        assert insert_new(connection, fast, []) == 0
    with any_engine.begin() as connection:
        stored = dict(connection.execute(select(fast.c.key, fast.c.note)).all())
    # What was there stays as it was; the new keys are in; nothing is there twice.
    assert stored == {r["key"]: None for r in ROWS[:3]} | {r["key"]: "changed" for r in ROWS[3:5]}
    broken = [ROWS[6] | {"day": None}]  # another constraint still fails, and loudly
    with pytest.raises(IntegrityError), any_engine.begin() as connection:
        insert_new(connection, fast, broken)
