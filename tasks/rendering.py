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
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_text(template: str, **data: object) -> str:
    """Render a text template (Markdown, plain text) from templates/."""
    return _environment().get_template(template).render(**data)
