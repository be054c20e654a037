"""A page's list handed over as an Excel file (the `?format=xlsx` of every list)."""

import re
from datetime import date

from fastapi.responses import Response

from adapters.sheets import XLSX, list_workbook


def as_workbook(name: str, title: str, headings: list[str], rows: list[list]) -> Response:
    """The rows as an .xlsx download named `name-YYYY-MM-DD.xlsx` (ASCII, no path)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")[:60] or "rollout"
    return Response(
        list_workbook(title, headings, rows),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{safe}-{date.today()}.xlsx"'},
    )
