"""Indicator catalogues (ISO 18091 Annex A by default): pillars, indicators, criteria, as data."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from config import CONFIG_DIR
from models.kernel.problems import InputError, Problem

DEFAULT_CATALOGUE = CONFIG_DIR / "indicators" / "iso18091-2019.yaml"
COLOURS = ("red", "yellow", "green")
# The keys each level of a catalogue file may hold; anything else is refused with its line.
KEYS = {
    "catalogue": ("edition", "source", "official_wording", "criteria", "pillars"),
    "pillar": ("code", "name_vi", "name_en", "indicators"),
    "indicator": ("code", "name_vi", "name_en", "criteria", "sdgs"),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator: its code, names, criteria per colour and language, and SDG links."""

    code: str
    pillar: str
    name_vi: str
    name_en: str
    criteria: dict[str, dict[str, str]] = field(default_factory=dict)  # colour -> language -> text
    sdgs: tuple[int, ...] = ()

    def name(self, language: str) -> str:
        """The indicator's name in a language."""
        return self.name_vi if language == "vi" else self.name_en

    def criterion(self, colour: str, language: str) -> str:
        """What the colour means for this indicator, in a language."""
        return self.criteria.get(colour, {}).get(language, "")


@dataclass(frozen=True)
class Pillar:
    """A pillar (quadrant) of indicators."""

    code: str
    name_vi: str
    name_en: str
    codes: tuple[str, ...]

    def name(self, language: str) -> str:
        """The pillar's name in a language."""
        return self.name_vi if language == "vi" else self.name_en


UNOFFICIAL_NOTE = {
    "vi": "Tên chỉ số là bản dịch không chính thức, chưa đối chiếu với văn bản TCVN ISO "
    "18091:2020.",
    "en": "The indicator names are an unofficial translation, not checked against the text of "
    "ISO 18091:2019.",
}


@dataclass(frozen=True)
class Catalogue:
    """A catalogue's edition, source, pillars and indicators."""

    edition: str
    source: str
    pillars: dict[str, tuple[str, ...]]
    pillar_info: dict[str, Pillar] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    official_wording: bool = True  # False: the names are a translation, not the standard's text

    def wording_note(self, language: str) -> str:
        """What a form or document says when the names are not the standard's own ('' if they
        are)."""
        if self.official_wording:
            return ""
        return UNOFFICIAL_NOTE[language]

    @property
    def codes(self) -> tuple[str, ...]:
        """Every indicator code, pillar by pillar."""
        return tuple(code for codes in self.pillars.values() for code in codes)

    def pillar_of(self, code: str) -> str:
        """The pillar an indicator belongs to."""
        return self.indicators[code].pillar

    def indicator(self, code: str) -> Indicator:
        """An indicator by code (named by its code where a stored catalogue has no names)."""
        return self.indicators.get(code) or Indicator(code, code.split(".")[0], code, code)

    def pillar(self, code: str) -> Pillar:
        """A pillar by code."""
        return self.pillar_info.get(code) or Pillar(code, code, code, self.pillars[code])

    def subset(self, pillar: str) -> "Catalogue":
        """The catalogue cut down to one pillar, for scoring that pillar alone."""
        return Catalogue(
            self.edition,
            self.source,
            {pillar: self.pillars[pillar]},
            {k: v for k, v in self.pillar_info.items() if k == pillar},
            {k: v for k, v in self.indicators.items() if v.pillar == pillar},
            self.official_wording,
        )

    def as_data(self) -> dict:
        """The catalogue as JSON-ready data, for storing with a programme."""
        return {
            "edition": self.edition,
            "source": self.source,
            "official_wording": self.official_wording,
            "pillars": {k: list(v) for k, v in self.pillars.items()},
            "pillar_names": {k: [p.name_vi, p.name_en] for k, p in self.pillar_info.items()},
            "indicators": {
                k: {
                    "name_vi": i.name_vi,
                    "name_en": i.name_en,
                    "criteria": i.criteria,
                    "sdgs": list(i.sdgs),
                }
                for k, i in self.indicators.items()
            },
        }

    @classmethod
    def from_data(cls, data: dict) -> "Catalogue":
        """The catalogue stored with a programme."""
        pillars = {k: tuple(v) for k, v in data["pillars"].items()}
        pillar_of = {c: p for p, cs in pillars.items() for c in cs}
        names = data.get("pillar_names", {})
        info = {k: Pillar(k, *names[k], pillars[k]) for k in pillars if k in names}
        indicators = {
            k: Indicator(
                k, pillar_of[k], v["name_vi"], v["name_en"], v["criteria"], tuple(v["sdgs"])
            )
            for k, v in data.get("indicators", {}).items()
        }
        official = data.get("official_wording", True)
        return cls(data["edition"], data["source"], pillars, info, indicators, official)


def load_catalogue(path: Path) -> Catalogue:
    """Read and validate a catalogue file; InputError names every problem, with its line."""
    source = str(path)
    if not path.is_file():
        raise InputError([Problem(source, None, None, "indicator catalogue not found")])
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        problems = _unknown_keys(yaml.compose(text), source)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError([Problem(source, None, None, f"not a YAML file ({exc})")]) from exc

    def bad(where: str, message: str) -> None:
        problems.append(Problem(source, None, where, message))

    if not isinstance(data, dict) or not isinstance(data.get("pillars"), list):
        raise InputError(
            [
                Problem(
                    source,
                    None,
                    "pillars",
                    f"a list of pillars is required; see {DEFAULT_CATALOGUE}",
                )
            ]
        )
    for key in ("edition", "source"):
        if not data.get(key):
            bad(key, "required: say which edition this is and where its text comes from")
    defaults = _criteria(data.get("criteria") or {}, "criteria", bad, required=False)
    pillars: dict[str, tuple[str, ...]] = {}
    info: dict[str, Pillar] = {}
    indicators: dict[str, Indicator] = {}
    for p, pillar in enumerate(data["pillars"]):
        where = f"pillars[{p}]"
        if not isinstance(pillar, dict) or "code" not in pillar:
            bad(where, "a pillar needs a code, name_vi, name_en and indicators")
            continue
        code = str(pillar["code"])
        if code in pillars:
            bad(f"{where}.code", f"pillar {code} appears twice")
        codes = []
        for i, item in enumerate(_indicator_items(pillar.get("indicators"))):
            at = f"{where}.indicators[{i}]"
            indicator = _indicator(item, code, defaults, at, bad)
            if indicator is None:
                continue
            if indicator.code in indicators:
                other = indicators[indicator.code].pillar
                bad(f"{at}.code", f"indicator {indicator.code} is already in pillar {other}")
                continue
            indicators[indicator.code] = indicator
            codes.append(indicator.code)
        if not codes:
            bad(f"{where}.indicators", "a pillar needs at least one indicator")
        pillars[code] = tuple(codes)
        info[code] = Pillar(
            code,
            str(pillar.get("name_vi") or code),
            str(pillar.get("name_en") or code),
            pillars[code],
        )
    if problems:
        raise InputError(problems)
    origin = " ".join(str(data["source"]).split())
    official = data.get("official_wording", True) is not False
    return Catalogue(str(data["edition"]), origin, pillars, info, indicators, official)


def _unknown_keys(root, source: str) -> list[Problem]:
    """Every key the catalogue's levels do not know, with its line. An unquoted name holding a
    comma inside {...} shows up here: YAML cuts it at the comma and makes the rest keys."""
    problems: list[Problem] = []

    def check(node, level: str, where: str) -> dict:
        if not isinstance(node, yaml.MappingNode):
            return {}
        found = {}
        for key, value in node.value:
            name = str(key.value)
            found[name] = value
            if name not in KEYS[level]:
                problems.append(
                    Problem(
                        source,
                        key.start_mark.line + 1,
                        f"{where}{name}",
                        f"unknown key; a {level} has {', '.join(KEYS[level])} (a name with a "
                        "comma inside {...} must be quoted)",
                    )
                )
        return found

    top = check(root, "catalogue", "")
    pillars = top.get("pillars")
    for p, pillar in enumerate(pillars.value if isinstance(pillars, yaml.SequenceNode) else []):
        items = check(pillar, "pillar", f"pillars[{p}].").get("indicators")
        if isinstance(items, yaml.SequenceNode):
            for i, item in enumerate(items.value):
                check(item, "indicator", f"pillars[{p}].indicators[{i}].")
    return problems


def _indicator_items(value) -> list:
    """Indicators as a list of mappings (or the older `code: English name` mapping)."""
    if isinstance(value, dict):
        return [{"code": k, "name_vi": v, "name_en": v} for k, v in value.items()]
    return value if isinstance(value, list) else []


def _indicator(item, pillar: str, defaults: dict, at: str, bad) -> Indicator | None:
    if not isinstance(item, dict) or not item.get("code"):
        bad(at, "an indicator needs a code, name_vi and name_en")
        return None
    code = str(item["code"])
    if not code.startswith(f"{pillar}."):
        bad(f"{at}.code", f"indicator {code} is not in pillar {pillar} (its codes are {pillar}.n)")
    missing = [k for k in ("name_vi", "name_en") if not item.get(k)]
    if missing:
        bad(at, f"indicator {code}: missing {', '.join(missing)}")
    own = _criteria(item.get("criteria") or {}, f"{at}.criteria", bad, required=False)
    criteria = {colour: own.get(colour) or defaults.get(colour) or {} for colour in COLOURS}
    undescribed = [c for c in COLOURS if not criteria[c].get("vi") or not criteria[c].get("en")]
    if undescribed:
        bad(
            at,
            f"indicator {code}: no criteria for {', '.join(undescribed)} (in vi and en); "
            "give them here or as the catalogue's default `criteria`",
        )
    sdgs = item.get("sdgs") or []
    if not all(isinstance(s, int) and 1 <= s <= 17 for s in sdgs):
        bad(f"{at}.sdgs", f"indicator {code}: SDGs are numbers 1 to 17")
        sdgs = []
    return Indicator(
        code,
        pillar,
        str(item.get("name_vi", "")),
        str(item.get("name_en", "")),
        criteria,
        tuple(sdgs),
    )


def _criteria(value, where: str, bad, required: bool) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        bad(where, "criteria map red, yellow and green to {vi: ..., en: ...}")
        return {}
    unknown = sorted(set(value) - set(COLOURS))
    if unknown:
        bad(where, f"unknown colour {', '.join(unknown)}; the colours are red, yellow, green")
    return {
        c: {lang: " ".join(str(t).split()) for lang, t in (value[c] or {}).items()}
        for c in COLOURS
        if c in value and isinstance(value[c], dict)
    }
