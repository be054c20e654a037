"""Who does what inside a people's committee, by its level: the office that drafts, the person
who proposes, the lines that name the authority. A district (quận, huyện, thị xã, city) has an
Office of the People's Council and Committee led by a Chief; a ward, commune or town has no
office, only the office-and-statistics civil servant (công chức Văn phòng - Thống kê)."""

from dataclasses import dataclass

from models.documents.types import blank_number, level_word
from models.kernel.vocabulary import nfc
from models.programme.schema import DEFAULT_LAWS

COMMUNE_LEVEL = ("phường", "xã", "thị trấn", "đặc khu")
# Signing for the chair through the chief of office needs a chief of office: a commune-level
# committee signs such papers itself (on behalf of the committee, for the chair).
_BY_OFFICE = ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")
_COMMUNE_SIGNER = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


@dataclass(frozen=True)
class Offices:
    """A committee's level and the offices its documents name, in one language."""

    level: str  # "quận", "phường" … ("" when the name has none)
    commune_level: bool
    authority: str  # "ỦY BAN NHÂN DÂN PHƯỜNG ĐẰNG LÂM", the line above "QUYẾT ĐỊNH:"
    office: str  # who drafts and keeps the file
    proposer: str  # who proposes a decision ("Xét đề nghị của …")
    archive: str  # the archive line after "Lưu:"

    def as_data(self) -> dict:
        """The offices as template data."""
        return {
            "level": self.level,
            "commune_level": self.commune_level,
            "authority": self.authority,
            "office": self.office,
            "proposer": self.proposer,
        }


def offices_of(unit_name: str, language: str) -> Offices:
    """The offices of a people's committee, from its name ("Ủy ban nhân dân quận Hải An")."""
    level = level_word(unit_name)
    commune = level in COMMUNE_LEVEL
    authority = nfc(unit_name).strip().upper()
    if language == "vi":
        if commune:
            office = proposer = "công chức Văn phòng - Thống kê"
            return Offices(level, True, authority, office, proposer, "VT, VP-TK")
        office = f"Văn phòng HĐND và UBND {level}".strip()
        return Offices(level, False, authority, office, f"Chánh {office}", "VT, VP")
    if commune:
        office = proposer = "the office and statistics civil servant"
        return Offices(level, True, authority, office, proposer, "VT, VP-TK")
    office = "the Office of the People's Council and People's Committee"
    return Offices(level, False, authority, office, "the Chief of Office", "VT, VP")


def signer_lines(signer: tuple[str, ...], commune_level: bool) -> tuple[str, ...]:
    """The signing block's lines at this level: no chief of office where there is no office."""
    if commune_level and tuple(signer) == _BY_OFFICE:
        return _COMMUNE_SIGNER
    return tuple(signer)


@dataclass(frozen=True)
class Parties:
    """Who issues a unit's document, to whom it goes and who carries it out."""

    issuer_name: str  # the issuing committee in a sentence ("Ủy ban nhân dân quận Hải An")
    authority: str  # its line above "QUYẾT ĐỊNH:"
    from_office: bool  # issued by the district's office rather than the committee itself
    signer: tuple[str, ...]
    data: dict  # addressee, proposal, executors, recipients, archive


_LAWS_EN = (
    "the Law on the Organisation of Local Government of 19 June 2015",
    "the Law amending the Law on the Organisation of the Government and the Law on the "
    "Organisation of Local Government of 22 November 2019",
)


def document_parties(
    key: str,
    symbol: str | None,
    signer: tuple[str, ...],
    language: str,
    unit_name: str,
    parent_name: str | None,
    coordinating: str,
    laws: list[str],
    submission_number: str | None,
) -> Parties:
    """The parties of one unit document, by its type and the unit's level.

    A district's submission (Tờ trình) comes from its office to the chair; a ward or commune,
    having no office, submits to its superior, which then approves the action programme.
    """
    vi = language == "vi"
    own = offices_of(unit_name, language)
    by_superior = key == "action_decision" and own.commune_level and bool(parent_name)
    issuer_name = parent_name if by_superior else unit_name
    issuer = offices_of(issuer_name, language)
    lines = signer_lines(signer, own.commune_level and not by_superior)
    number = submission_number or blank_number("TTr", "UBND" if own.commune_level else "VP")
    cited = list(laws or DEFAULT_LAWS) if vi else list(_LAWS_EN)
    data: dict = {"laws": cited, "archive": issuer.archive}
    if key == "action_submission":
        data["addressee"] = (
            parent_name
            if own.commune_level and parent_name
            else (f"Chủ tịch {unit_name}" if vi else f"the Chair of {unit_name}")
        )
    if key == "invitation":
        data["addressee"] = (
            f"Các đồng chí lãnh đạo, cán bộ, công chức {unit_name}"
            if vi
            else f"The leaders and officials of {unit_name}"
        )
    if key == "steering_decision":
        data["proposal"] = (
            f"Xét đề nghị của {own.proposer}." if vi else f"At the proposal of {own.proposer},"
        )
        data["executors"] = _sentence(
            f"{own.proposer}, {_heads(own, unit_name, vi)} và các thành viên có tên tại Điều 1"
            if vi
            else f"{own.proposer}, {_heads(own, unit_name, vi)} and the members named in Article 1"
        )
    if key == "action_decision":
        proposer = unit_name if by_superior else own.proposer
        data["proposal"] = (
            f"Xét đề nghị của {proposer} tại Tờ trình số {number}."
            if vi
            else f"At the proposal of {proposer} in Submission No. {number},"
        )
        if by_superior:
            chair = f"Chủ tịch {unit_name}" if vi else f"the Chair of {unit_name}"
            data["executors"] = _sentence(f"{issuer.proposer}, {chair}")
        else:
            data["executors"] = _sentence(f"{own.proposer}, {_heads(own, unit_name, vi)}")
    data["recipients"] = _recipients(symbol, vi, own, parent_name, coordinating, by_superior)
    return Parties(
        issuer_name,
        issuer.authority,
        key == "action_submission" and not own.commune_level,
        lines,
        data,
    )


def _heads(own: Offices, unit_name: str, vi: bool) -> str:
    if vi:
        if own.commune_level:
            return "các công chức chuyên môn"
        return f"Trưởng các phòng, ban chuyên môn thuộc {unit_name}"
    return "the civil servants in charge" if own.commune_level else "the heads of the offices"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _recipients(
    symbol: str | None,
    vi: bool,
    own: Offices,
    parent_name: str | None,
    coordinating: str,
    by_superior: bool,
) -> list[str]:
    """ "Nơi nhận": "Như Điều 3" on a decision, "Như trên" on an invitation or submission, then
    who is informed; only offices that exist at the unit's level."""
    lines = []
    if symbol == "QĐ":
        lines.append("Như Điều 3" if vi else "As in Article 3")
    elif symbol in ("GM", "TTr"):
        lines.append("Như trên" if vi else "As above")
    if parent_name and not by_superior and symbol != "TTr":
        lines.append(f"{parent_name} (để báo cáo)" if vi else f"{parent_name} (for reporting)")
    lines.append(coordinating)
    if symbol in ("KH", "BC"):
        lines.append(
            ("Các công chức chuyên môn" if own.commune_level else "Các phòng, ban chuyên môn")
            if vi
            else "The offices concerned"
        )
    return lines
