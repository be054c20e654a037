"""Writing reports: the audit report as Excel, CSV or HTML; the self-assessment report as HTML."""

import csv
from datetime import date
from pathlib import Path

from adapters.rendering import render_text
from models.audit.report import AUDIT_FIELDS, AuditRow, OnTime, on_time_rates
from models.kernel.cells import csv_row, print_setup, row_height, text_cells_only
from models.kernel.vocabulary import status_label

# Vietnamese headings first, English beside them, one per AuditRow field.
HEADINGS = {
    "unit": "Mã đơn vị (unit)",
    "unit_name": "Tên đơn vị (name)",
    "wave": "Đợt (wave)",
    "phase": "Giai đoạn (phase)",
    "status": "Trạng thái (status)",
    "opened": "Bắt đầu (opened)",
    "due": "Hạn (due)",
    "baseline_due": "Hạn theo kế hoạch gốc (baseline due)",
    "done": "Hoàn thành (done)",
    "late_days": "Số ngày làm việc chậm (working days late)",
    "evidence": "Minh chứng (evidence)",
    "recorded_by": "Người ghi nhận (recorded by)",
}
WIDTHS = {
    "unit": 16,
    "unit_name": 38,
    "wave": 26,
    "phase": 17,
    "status": 11,
    "evidence": 70,
    "recorded_by": 24,
    "late_days": 14,
}
RATE_HEADINGS = (
    "Nhóm (group)",
    "Lượt giai đoạn (phase runs)",
    "Đã xong (done)",
    "Đúng hạn (on time)",
    "Tỷ lệ đúng hạn (on-time rate)",
)


def write_report(rows: list[AuditRow], title: str, as_of: date, fmt: str, path: Path) -> Path:
    """Write the report in `fmt` (xlsx, csv or html) to `path`, atomically; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    {"xlsx": _xlsx, "csv": _csv, "html": _html}[fmt](rows, title, as_of, partial)
    partial.replace(path)
    return path


def _csv(rows: list[AuditRow], _title: str, _as_of: date, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
        writer = csv.DictWriter(fh, fieldnames=list(AUDIT_FIELDS))
        writer.writeheader()
        writer.writerows(csv_row(r.as_dict()) for r in rows)


def _xlsx(rows: list[AuditRow], title: str, as_of: date, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Nhật ký giai đoạn"
    sheet.append([f"{title} — báo cáo kiểm tra ngày {as_of:%d/%m/%Y}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([HEADINGS[f] for f in AUDIT_FIELDS])
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [WIDTHS.get(name, 13) for name in AUDIT_FIELDS]
    for row in rows:
        values = [getattr(row, f) for f in AUDIT_FIELDS]
        values[AUDIT_FIELDS.index("status")] = status_label(row.status)
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
        sheet.row_dimensions[sheet.max_row].height = row_height(values, widths)
    for i, name in enumerate(AUDIT_FIELDS, start=1):
        column = get_column_letter(i)
        sheet.column_dimensions[column].width = WIDTHS.get(name, 13)
        sheet[f"{column}2"].font = Font(bold=True)
        sheet[f"{column}2"].alignment = Alignment(wrap_text=True, vertical="top")
        if name in ("opened", "due", "baseline_due", "done"):
            for cell in sheet[column][2:]:
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(AUDIT_FIELDS))}{len(rows) + 2}"
    print_setup(sheet, "2:2")

    rates = book.create_sheet("Tỷ lệ đúng hạn")
    by_phase, by_wave = on_time_rates(rows)
    for heading, groups in (
        ("Theo giai đoạn (per phase)", by_phase),
        ("Theo đợt (per wave)", by_wave),
    ):
        rates.append([heading])
        rates.cell(rates.max_row, 1).font = Font(bold=True)
        rates.append(list(RATE_HEADINGS))
        for g in groups:
            rates.append([g.group, g.phase_runs, g.done, g.on_time, g.rate])
            rates.cell(rates.max_row, 5).number_format = "0.0%"
        rates.append([])
    for column, width in zip("ABCDE", (30, 16, 12, 12, 18), strict=True):
        rates.column_dimensions[column].width = width
    text_cells_only(book)  # names and notes from outside stay text
    book.save(path)


def _html(rows: list[AuditRow], title: str, as_of: date, path: Path) -> None:
    by_phase, by_wave = on_time_rates(rows)
    html = render_text(
        "reports/audit.html.j2",
        title=title,
        as_of=as_of,
        rows=rows,
        fields=AUDIT_FIELDS,
        headings=HEADINGS,
        by_phase=by_phase,
        by_wave=by_wave,
        rate=_rate,
        status_label=status_label,
    )
    path.write_text(html, encoding="utf-8")


def _rate(group: OnTime) -> str:
    return "—" if group.rate is None else f"{group.rate:.1%}"


def write_assessment_report(summary, path: Path, notice: str | None = None) -> list[Path]:
    """The self-assessment report as HTML, with its heat map and pillar charts as SVG beside it."""
    from adapters.figures import heatmap, pillar_charts, write_figure

    figures = {
        "heatmap": heatmap(summary.catalogue, summary.ratings, "svg"),
        "pillars": pillar_charts(summary.catalogue, summary.ratings, "svg"),
    }
    written = [
        write_figure(path.with_name(f"{path.stem}-{name}.svg"), content)
        for name, content in figures.items()
    ]
    svg = {name: _inline_svg(content) for name, content in figures.items()}
    html = render_text(
        "reports/assessment.html.j2",
        s=summary,
        items=[u for u in summary.units if u.items["total"] or u.items["dropped"]],
        notice=notice,
        **svg,
    )
    written.append(write_figure(path, html.encode("utf-8")))
    return written


def _inline_svg(content: bytes) -> str:
    """An SVG file's <svg> element, without the XML prolog and doctype, to inline in HTML."""
    text = content.decode("utf-8")
    return text[text.index("<svg") :]
