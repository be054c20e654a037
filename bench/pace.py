"""How fast this machine is today: a fixed piece of Python and of SQLite work, timed, so that
bench figures from different days or machines can be compared (this 2-core machine's speed
has varied by up to 2x between days)."""

import sqlite3
import time


def machine_pace() -> tuple[str, str]:
    """The pace figure as (label, value): seconds for 10 million additions in a Python loop,
    and for 200,000 indexed rows inserted into an in-memory SQLite database."""
    t = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    python = time.perf_counter() - t
    t = time.perf_counter()
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, key TEXT UNIQUE, n INTEGER)")
    connection.executemany(
        "INSERT INTO t (key, n) VALUES (?, ?)", ((f"item{i}:rule", i) for i in range(200_000))
    )
    connection.commit()
    connection.close()
    database = time.perf_counter() - t
    return (
        "machine pace: 10 M Python additions / 200,000 SQLite rows (fixed work)",
        f"{python:.2f} s / {database:.2f} s",
    )
