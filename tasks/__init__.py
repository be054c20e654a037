"""Prefect tasks: thin steps at I/O boundaries; the rules they call live in models/.

Importing this package configures Prefect first (see flows/__init__.py).
"""

import flows  # noqa: F401  (configures Prefect before any task module imports it)
