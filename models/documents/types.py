"""Official documents as data: their types, issuing agencies, numbers and dates (Decree 30/2020)."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from config import CONFIG_DIR
from models.audit.chain import canonical_json
from models.kernel.calendar import format_date_vi
from models.kernel.identifiers import code_problem
from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import PHASES, nfc

DOCUMENT_TYPES_FILE = CONFIG_DIR / "documents.yaml"
LANGUAGES = ("vi", "en")

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# What a unit's name says before its place name, longest first: "Ủy ban nhân dân quận Hải An".
_COMMITTEE = "ủy ban nhân dân"
_LEVEL_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "quận",
    "huyện",
    "tỉnh",
    "xã",
)


@dataclass(frozen=True)
class DocumentType:
    """One kind of document a phase produces, and how it is numbered and signed."""

    key: str
    phase: str
    symbol: str | None  # KH, QĐ, BC ... (Decree 30, Appendix III); None for unnumbered forms
    title_vi: str
    title_en: str
    issuer: str  # "unit" or "coordinator"
    signer: tuple[str, ...]
    draft_on_open: bool = True  # drafted by the sweep as units open the phase

    @property
    def numbered(self) -> bool:
        """Whether documents of this type carry a number and symbol."""
        return self.symbol is not None

    def title(self, language: str) -> str:
        """The type's title in a language."""
        return self.title_vi if language == "vi" else self.title_en


@lru_cache(maxsize=4)
def load_document_types(path: Path = DOCUMENT_TYPES_FILE) -> dict[str, DocumentType]:
    """The document types of config/documents.yaml, validated; InputError names each problem."""
    source = str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[Problem] = []
    types: dict[str, DocumentType] = {}
    for key, spec in (data.get("types") or {}).items():
        field = f"types.{key}"
        if problem := code_problem(str(key)):  # a type key becomes part of a file name
            problems.append(Problem(source, None, field, problem))
            continue
        if not isinstance(spec, dict):
            problems.append(Problem(source, None, field, "a document type is a mapping"))
            continue
        if spec.get("phase") not in PHASES:
            problems.append(Problem(source, None, f"{field}.phase", f"one of {', '.join(PHASES)}"))
        if spec.get("issuer") not in ("unit", "coordinator"):
            problems.append(Problem(source, None, f"{field}.issuer", "unit or coordinator"))
        missing = [k for k in ("title_vi", "title_en", "signer") if not spec.get(k)]
        if missing:
            problems.append(Problem(source, None, field, f"missing {', '.join(missing)}"))
            continue
        types[key] = DocumentType(
            key=key,
            phase=spec.get("phase", ""),
            symbol=spec.get("symbol"),
            title_vi=nfc(spec["title_vi"]),
            title_en=spec["title_en"],
            issuer=spec.get("issuer", ""),
            signer=tuple(nfc(line) for line in spec["signer"]),
            draft_on_open=spec.get("draft_on_open", True) is not False,
        )
    if problems:
        raise InputError(problems)
    return types


def types_of_phase(phase: str, issuer: str = "unit") -> list[DocumentType]:
    """The document types a phase drafts for each unit (or for the programme)."""
    return [t for t in load_document_types().values() if t.phase == phase and t.issuer == issuer]


def resolve_types(names: list[str] | None, phase: str | None) -> list[DocumentType]:
    """The types a command asks for by name and/or phase; an unknown name is an error."""
    known = load_document_types()
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    "--type", None, None, f"unknown document type {n!r}; one of: {', '.join(known)}"
                )
                for n in unknown
            ]
        )
    chosen = [known[n] for n in names] if names else list(known.values())
    return [t for t in chosen if phase is None or t.phase == phase]


@dataclass(frozen=True)
class Agency:
    """An issuing agency as the top-left block shows it, and its abbreviation in symbols."""

    parent: str | None  # the governing agency, in capitals, not bold; None for a people's committee
    lines: tuple[str, ...]  # the agency's own name in capitals, bold, as broken into lines
    symbol: str  # e.g. UBND

    def as_data(self) -> dict:
        """The agency as template data."""
        return {"parent": self.parent, "lines": list(self.lines), "symbol": self.symbol}


def unit_agency(unit_name: str) -> Agency:
    """A people's committee as its documents name it: "ỦY BAN NHÂN DÂN" over "QUẬN HẢI AN"."""
    name = nfc(unit_name).strip()
    if name.lower().startswith(_COMMITTEE):
        rest = name[len(_COMMITTEE) :].strip()
        return Agency(
            None, ("ỦY BAN NHÂN DÂN", rest.upper()) if rest else ("ỦY BAN NHÂN DÂN",), "UBND"
        )
    return Agency(None, (name.upper(),), "UBND")


def place_name(unit_name: str) -> str:
    """The place a unit's documents are dated at: its own name without the level word.

    "Ủy ban nhân dân quận Hải An" -> "Hải An"; a name that is a number keeps its level word
    ("Phường 1"), as Decree 30 asks.
    """
    name = nfc(unit_name).strip()
    if name.lower().startswith(_COMMITTEE):
        name = name[len(_COMMITTEE) :].strip()
    lowered = name.lower()
    for word in _LEVEL_WORDS:
        if lowered.startswith(word + " "):
            rest = name[len(word) :].strip()
            if rest[:1].isdigit():
                return name[:1].upper() + name[1:]
            return rest
    return name


def number_and_symbol(number: int, type_symbol: str, agency_symbol: str) -> str:
    """The number and symbol of Decree 30: "61/KH-UBND"."""
    return f"{number}/{type_symbol}-{agency_symbol}"


def date_line_vi(place: str, day: date) -> str:
    """The place and date line: "Hải Phòng, ngày 05 tháng 3 năm 2023" (Decree 30's zeros)."""
    return f"{place}, {format_date_vi(day)}"


def date_line_en(place: str, day: date) -> str:
    """The English counterpart of the place and date line: "Hai An, 05 March 2023"."""
    return f"{place}, {day.day:02d} {_MONTHS_EN[day.month - 1]} {day.year}"


def short_date(day: date | None) -> str:
    """A date in a table or sentence: 05/03/2023."""
    return day.strftime("%d/%m/%Y") if day else "—"


def data_hash(data: dict) -> str:
    """The sha256 of a document's data; the same data always hashes the same."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def file_name(doc_type: str, language: str, version: int, number: str | None) -> str:
    """A document's file name: its number first when it has one, so a folder sorts by number."""
    stem = re.sub(
        r"[^0-9A-Za-z]+", "-", unicodedata.normalize("NFKD", (number or "").replace("Đ", "D"))
    ).strip("-")
    prefix = f"{stem}_" if stem else ""
    suffix = "" if language == "vi" else f".{language}"
    return f"{prefix}{doc_type}.v{version}{suffix}.docx"
