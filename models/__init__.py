"""The domain model: tables and the pure rules that act on them. No Prefect, Jinja or CLI here."""
