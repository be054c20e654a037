"""Indicator catalogues (ISO 18091 Annex A by default): four pillars, 39 indicators, as data."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from config import CONFIG_DIR
from models.problems import InputError, Problem

DEFAULT_CATALOGUE = CONFIG_DIR / "indicators" / "iso18091-2019.yaml"


@dataclass(frozen=True)
class Catalogue:
    """A catalogue's edition, source, and indicator codes per pillar."""

    edition: str
    source: str
    pillars: dict[str, tuple[str, ...]]

    @property
    def codes(self) -> tuple[str, ...]:
        """Every indicator code, pillar by pillar."""
        return tuple(code for codes in self.pillars.values() for code in codes)

    def as_data(self) -> dict:
        """The catalogue as JSON-ready data, for storing with a programme."""
        return {
            "edition": self.edition,
            "source": self.source,
            "pillars": {k: list(v) for k, v in self.pillars.items()},
        }

    @classmethod
    def from_data(cls, data: dict) -> "Catalogue":
        """The catalogue stored with a programme."""
        pillars = {k: tuple(v) for k, v in data["pillars"].items()}
        return cls(data["edition"], data["source"], pillars)


def load_catalogue(path: Path) -> Catalogue:
    """Read a catalogue file; InputError names what is wrong (unique codes, each in one pillar)."""
    source = str(path)
    if not path.is_file():
        raise InputError([Problem(source, None, None, "indicator catalogue not found")])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        pillars = {str(p["code"]): tuple(str(c) for c in p["indicators"]) for p in data["pillars"]}
        edition, origin = str(data["edition"]), str(data["source"])
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(
            [Problem(source, None, None, f"not a catalogue ({exc}); see {DEFAULT_CATALOGUE.name}")]
        ) from exc
    codes = [c for cs in pillars.values() for c in cs]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated or not codes:
        message = f"codes in more than one place: {', '.join(repeated)}" if repeated else "empty"
        raise InputError([Problem(source, None, "indicators", message)])
    return Catalogue(edition, origin, pillars)
