"""Alembic migrations of the engine's schema."""
