"""Output adapters: e-mail channels and template rendering. No Prefect here."""
