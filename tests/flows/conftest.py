"""Fixtures of the production-layout tests: an installation's processes, on PostgreSQL."""

import pytest

from tests.conftest import PG_SERVER, fresh_pg_database
from tests.flows.production import Service


@pytest.fixture
def service(tmp_path):
    service = Service(tmp_path)
    service.home.mkdir(parents=True)
    yield service
    service.stop()


@pytest.fixture
def production(service):
    """The production layout: PostgreSQL for the engine and for Prefect's own database."""
    with fresh_pg_database() as engine_db, fresh_pg_database() as prefect_db:
        service.env |= {
            "ROLLOUT_DATABASE_URL": f"{PG_SERVER}/{engine_db}",
            "PREFECT_API_DATABASE_CONNECTION_URL": (
                f"{PG_SERVER.replace('psycopg2', 'asyncpg')}/{prefect_db}"
            ),
        }
        yield service
        service.stop()  # before the databases are dropped
