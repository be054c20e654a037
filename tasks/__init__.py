"""Prefect tasks: thin steps at I/O boundaries; the rules they call live in models/."""
