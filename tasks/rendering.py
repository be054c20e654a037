"""Rendering Jinja templates from templates/ strictly: a missing field fails, naming itself."""

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from config import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        autoescape=lambda name: bool(name) and ".html" in name,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_text(template: str, **data: object) -> str:
    """Render a template from templates/ (HTML ones escape what they insert)."""
    return _environment().get_template(template).render(**data)
