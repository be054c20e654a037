"""Rendering Jinja templates from templates/ strictly: a missing field fails, naming itself."""

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, UndefinedError

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


class TemplateFieldError(Exception):
    """A template names a field its data lacks, or does not parse: never a blank in a message."""


def render_text(template: str, **data: object) -> str:
    """Render a template from templates/ (HTML ones escape what they insert)."""
    try:
        return _environment().get_template(template).render(**data)
    except UndefinedError as exc:
        raise TemplateFieldError(
            f"template {template}: {exc.message}; add it to the data or remove it from the template"
        ) from exc
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{template}:{line}" if line else template
        raise TemplateFieldError(f"template {where}: {exc}") from exc


def render_digest(digest: dict, kind: str = "reminder") -> tuple[str, str, str]:
    """Subject, text and HTML of a digest (`reminder` to units, `expert_sessions` to experts),
    in the programme's language."""
    from config.settings import get_settings

    lang = digest["language"]
    data = {k: v for k, v in digest.items() if k != "item_ids"}
    data["web_url"] = get_settings().web_url.rstrip("/")  # each unit's page, in reminders
    subject = render_text(f"email/{kind}.{lang}.subject.j2", **data).strip()
    return (
        " ".join(subject.split()),
        render_text(f"email/{kind}.{lang}.txt.j2", **data),
        render_text(f"email/{kind}.{lang}.html.j2", **data),
    )
