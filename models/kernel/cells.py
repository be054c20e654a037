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


def print_setup(sheet, title_rows: str) -> None:
    """A sheet that prints as people expect: A4 landscape, as wide as the page, the heading
    rows (e.g. "1:9") repeated on every page, page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "Trang &P / &N"


def row_height(values, widths, line_points: float = 15.0) -> float:
    """A row's height in points so that wrapped text shows whole (spreadsheets do not grow
    rows by themselves for text written by a program): the tallest cell's lines."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if value:
            chars = max(1, int(width * 1.1))
            lines = max(lines, sum(-(-len(part) // chars) or 1 for part in str(value).split("\n")))
    return lines * line_points
