"""The self-assessment form as an Excel workbook: written pre-filled, read back strictly.

Units work in spreadsheets. The form has one row per indicator with its criteria, a drop-down
for the rating, and cells for evidence and a note; everything else is locked. Reading it back
checks every cell and reports each problem as sheet!cell, and returns nothing when any is wrong.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from models.assessment.catalogue import COLOURS, Catalogue
from models.kernel.cells import print_setup, row_height, text_cells_only
from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import RATINGS, nfc, rating_label

SHEET = "Tự đánh giá"
META_SHEET = "rollout"
FIRST_ROW = 10
LABELS = {r: rating_label(r) for r in RATINGS}  # the words a unit picks from
_FROM_LABEL = {
    **{v.lower(): k for k, v in LABELS.items()},
    **{k: k for k in COLOURS},
    "do": "red",
    "vang": "yellow",
    "xanh lá": "green",
}
_HEADINGS = ("Mã", "Nhóm", "Chỉ số", "Đỏ", "Vàng", "Xanh", "Mức đánh giá", "Minh chứng", "Ghi chú")
_WIDTHS = (7, 7, 34, 34, 34, 34, 14, 30, 30)
_FILLS = {"red": "F4CCCC", "yellow": "FFF2CC", "green": "D9EAD3"}


@dataclass(frozen=True)
class FormAnswer:
    """One indicator as the unit filled it in."""

    indicator: str
    rating: str | None
    evidence: str | None
    note: str | None


@dataclass(frozen=True)
class FilledForm:
    """A form read back: whose, which period, by whom, and the answers."""

    programme: str
    unit: str
    period: int
    assessor: str
    rated_on: date
    answers: tuple[FormAnswer, ...]


def structure_key(catalogue: Catalogue) -> str:
    """A fingerprint of the rows a form must have (the catalogue's codes, in order)."""
    text = "|".join([catalogue.edition, *catalogue.codes])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_form(
    path: Path,
    catalogue: Catalogue,
    programme_code: str,
    unit_code: str,
    unit_name: str,
    period: int,
    filled: dict[str, tuple[str | None, str | None, str | None]] | None = None,
    assessor: str | None = None,
    rated_on: date | None = None,
    *,
    key: bytes | None = None,
) -> Path:
    """Write a pre-filled form: rating, evidence and note per indicator where known.

    With `key`, the form carries the signature of its programme, unit and period, which
    `read_form` with the same key checks."""
    # openpyxl is imported where it is used: commands that never touch a form start faster.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    filled = filled or {}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet["A1"] = "PHIẾU TỰ ĐÁNH GIÁ THEO TCVN ISO 18091:2020"
    sheet["A1"].font = Font(bold=True, size=14)
    meta = (
        ("Chương trình", programme_code),
        ("Đơn vị", unit_code),
        ("Kỳ đánh giá (năm)", period),
        ("Bộ chỉ số", catalogue.edition),
        ("Người đánh giá", assessor),
        ("Ngày đánh giá (dd/mm/yyyy)", rated_on.strftime("%d/%m/%Y") if rated_on else None),
    )
    for row, (label, value) in enumerate(meta, start=2):
        sheet.cell(row, 1, label).font = Font(bold=True)
        sheet.cell(row, 3, value)
    sheet["D3"] = unit_name
    for cell in ("C6", "C7"):
        sheet[cell].protection = Protection(locked=False)
        sheet[cell].fill = PatternFill("solid", fgColor="FFFFE0")
    sheet["A8"] = "Chọn mức ở cột G (Đỏ, Vàng, Xanh); ghi minh chứng và ghi chú ở cột H, I."
    sheet["A8"].font = Font(italic=True)
    if note := catalogue.wording_note("vi"):
        sheet["E2"] = note
        sheet["E2"].font = Font(italic=True, bold=True, color="C00000")
    for col, (heading, width) in enumerate(zip(_HEADINGS, _WIDTHS, strict=True), start=1):
        cell = sheet.cell(FIRST_ROW - 1, col, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = width
    choice = DataValidation(
        type="list",
        formula1='"' + ",".join(LABELS.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Mức đánh giá",
        error="Chọn Đỏ, Vàng hoặc Xanh.",
    )
    sheet.add_data_validation(choice)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, code in enumerate(catalogue.codes, start=FIRST_ROW):
        indicator = catalogue.indicator(code)
        rating, evidence, note = filled.get(code, (None, None, None))
        values = (
            code,
            indicator.pillar,
            indicator.name_vi,
            indicator.criterion("red", "vi"),
            indicator.criterion("yellow", "vi"),
            indicator.criterion("green", "vi"),
            LABELS.get(rating) if rating else None,
            evidence,
            note,
        )
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col, value)
            cell.alignment = wrap
        sheet.row_dimensions[row].height = row_height(values, _WIDTHS)
        for col, colour in ((4, "red"), (5, "yellow"), (6, "green")):
            sheet.cell(row, col).fill = PatternFill("solid", fgColor=_FILLS[colour])
        for col in (7, 8, 9):
            sheet.cell(row, col).protection = Protection(locked=False)
        choice.add(sheet.cell(row, 7))
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 4)
    print_setup(sheet, f"{FIRST_ROW - 1}:{FIRST_ROW - 1}")
    sheet.protection.sheet = True
    sheet.protection.formatRows = False  # a unit may still make rows taller to read criteria
    hidden = book.create_sheet(META_SHEET)
    structure = structure_key(catalogue)
    signature = form_signature(key, programme_code, unit_code, period, structure) if key else ""
    for row, (name, value) in enumerate(
        (
            ("programme", programme_code),
            ("unit", unit_code),
            ("period", period),
            ("structure", structure),
            ("signature", signature),
        ),
        start=1,
    ):
        hidden.cell(row, 1, name)
        hidden.cell(row, 2, value)
    hidden.sheet_state = "veryHidden"
    hidden.protection.sheet = True
    text_cells_only(book)  # a unit name or note from outside never becomes a formula
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def form_signature(key: bytes, programme: str, unit: str, period: object, structure: str) -> str:
    """HMAC-SHA256 of what a form is for, under the engine's key: a relabelled form fails."""
    message = f"{programme}|{unit}|{period}|{structure}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class _Cell:
    """A cell's value as read (None when empty)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Grid:
    """A read-only sheet held as values by (row, column), with the cells holding formulas:
    random access as the full workbook gives it, at the cost of one pass."""

    def __init__(self, sheet):
        from openpyxl.utils import get_column_letter

        self.values: dict[tuple[int, int], object] = {}
        self.formulas: list[str] = []
        self.max_row = 0
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "row"):
                    continue
                self.values[(cell.row, cell.column)] = cell.value
                self.max_row = max(self.max_row, cell.row)
                if cell.data_type == "f":
                    self.formulas.append(f"{get_column_letter(cell.column)}{cell.row}")

    def cell(self, row: int, column: int) -> _Cell:
        """The cell at (row, column)."""
        return _Cell(self.values.get((row, column)))

    def __getitem__(self, coordinate: str) -> _Cell:
        from openpyxl.utils.cell import coordinate_to_tuple

        return self.cell(*coordinate_to_tuple(coordinate))


def read_form(path: Path, catalogue: Catalogue, key: bytes | None = None) -> FilledForm:
    """Read a filled form back; InputError lists every bad cell as file: sheet!cell: message."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = str(path)
    from zipfile import BadZipFile

    try:  # formulas as written, not their cached results: a formula is refused, never run
        # read-only: streamed, no styles or validations parsed (3x faster at 3,355 forms)
        book = load_workbook(path, data_only=False, read_only=True)
        if SHEET not in book.sheetnames or META_SHEET not in book.sheetnames:
            raise InputError(
                [
                    Problem(
                        source,
                        None,
                        None,
                        f"no sheet {SHEET!r}: not a form from `rollout assess form`",
                    )
                ]
            )
        sheet, meta = _Grid(book[SHEET]), _Grid(book[META_SHEET])
        book.close()
    except (BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise InputError([Problem(source, None, None, f"not an .xlsx form ({exc})")]) from exc
    problems: list[Problem] = []

    def bad(cell: str, message: str, sheet_name: str = SHEET) -> None:
        problems.append(Problem(source, None, f"{sheet_name}!{cell}", message))

    for coordinate in sheet.formulas:
        bad(coordinate, "a formula; type the value itself (Đỏ, Vàng or Xanh)")
    if problems:
        raise InputError(problems)
    hidden = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 6)}
    programme, unit, period = _text(sheet["C2"].value), _text(sheet["C3"].value), sheet["C4"].value
    if (programme, unit, period) != (
        hidden.get("programme"),
        hidden.get("unit"),
        hidden.get("period"),
    ):
        bad("C2:C4", "the programme, unit or period was changed; write a new form for that unit")
    if hidden.get("structure") != structure_key(catalogue):
        bad("A10", "this form was made for another indicator catalogue; write a new form")
    elif key is not None and not hmac.compare_digest(
        str(hidden.get("signature") or ""),
        form_signature(key, str(programme), str(unit), period, structure_key(catalogue)),
    ):
        bad(
            "C2:C4",
            f"this form was not written by rollout for {unit} {period} (its signature does not "
            "match: relabelled or made elsewhere); write a new form with `rollout assess form`",
        )
    assessor = _text(sheet["C6"].value)
    if not assessor:
        bad("C6", "who assessed? write the assessor's name")
    rated_on = _day(sheet["C7"].value)
    if rated_on is None:
        bad("C7", "the assessment date is missing or not a date; write it as dd/mm/yyyy")
    answers = []
    codes = set(catalogue.codes)
    expected = list(catalogue.codes)
    last = FIRST_ROW + len(expected) - 1
    for row in range(FIRST_ROW, max(sheet.max_row, last) + 1):
        code = _text(sheet.cell(row, 1).value)
        if row > last:
            if code or any(sheet.cell(row, c).value not in (None, "") for c in (7, 8, 9)):
                bad(f"A{row}", f"a row after the last indicator ({expected[-1]}); remove it")
            continue
        want = expected[row - FIRST_ROW]
        if code != want:
            hint = "not an indicator of the catalogue" if code not in codes else "in the wrong row"
            bad(
                f"A{row}",
                f"{code or 'blank'}: {hint}; row {row} is indicator {want} (rows were "
                "added, removed or moved: write a new form)",
            )
            continue
        raw = _text(sheet.cell(row, 7).value)
        rating = _FROM_LABEL.get(raw.lower()) if raw else None
        if raw and rating is None:
            bad(f"G{row}", f"{raw!r} is not a rating; choose Đỏ, Vàng or Xanh")
        answers.append(
            FormAnswer(
                code,
                rating,
                _text(sheet.cell(row, 8).value) or None,
                _text(sheet.cell(row, 9).value) or None,
            )
        )
    if not isinstance(period, int):
        bad("C4", f"{period!r} is not a year")
    if problems:
        raise InputError(problems)
    return FilledForm(programme, unit, period, assessor, rated_on, tuple(answers))


def _text(value) -> str:
    if value is None:
        return ""
    return nfc(str(value)).strip()


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
