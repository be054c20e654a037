"""Any list a page shows, as an Excel workbook: a title row, bold headings, filters, frozen
heading, dates as dates, and text that never becomes a live formula."""

from datetime import date, datetime
from io import BytesIO

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_workbook(title: str, headings: list[str], rows: list[list]) -> bytes:
    """A one-sheet workbook of `rows` under `headings`, titled `title`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from models.kernel.cells import print_setup, text_cells_only

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "rollout"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headings)
    widths = [len(h) + 2 for h in headings]
    for row in rows:
        values = []
        for i, value in enumerate(row):
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)  # Excel keeps no time zone
            values.append(value)
            if i < len(widths):
                widths[i] = min(max(widths[i], len(str(value or "")) + 2), 60)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for i, width in enumerate(widths, start=1):
        column = get_column_letter(i)
        sheet.column_dimensions[column].width = width
        sheet[f"{column}2"].font = Font(bold=True)
        sheet[f"{column}2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    if headings:
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(headings))}{len(rows) + 2}"
    print_setup(sheet, "2:2")
    text_cells_only(book)  # '=…' from outside is stored as the text it is, never run
    out = BytesIO()
    book.save(out)
    return out.getvalue()
