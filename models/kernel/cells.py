"""Text that goes into spreadsheets and CSV files is never a live formula.

A unit name or note comes from outside; Excel and LibreOffice run a cell that starts with
=, +, - or @ (and tab or CR tricks) as a formula, which can leak data or run commands.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV value: text that a spreadsheet would run gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(row: dict) -> dict:
    """Every value of a CSV row made safe."""
    return {key: csv_safe(value) for key, value in row.items()}


def text_cells_only(workbook) -> int:
    """Turn every formula cell of an openpyxl workbook into the text it holds; how many.

    rollout writes no formulas of its own: any cell openpyxl took for one (its text starts
    with '=') came from data, and is stored as text.
    """
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed += 1
    return changed
