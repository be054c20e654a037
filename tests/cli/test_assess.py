"""Self-assessment and action programmes through the command line, as a coordinator uses them."""

import json
import zipfile

import pytest
from openpyxl import load_workbook

from adapters.figures import COLOURS, UNIT_FIGURE_PART
from config.settings import get_settings
from models.assessment.form import FIRST_ROW, SHEET
from tests.cli.test_commands import rollout
from tests.image_checks import colour_share

pytestmark = pytest.mark.usefixtures("prefect_harness")
UNIT = "HP-DANGLAM"


@pytest.fixture
def rated(home, programme_dir, tmp_path):
    """The pilot loaded; HP-DANGLAM's form written, filled as a unit would, and imported."""
    assert rollout("init", str(programme_dir[0]), "--as-of", "2023-03-01").exit_code == 0
    form = tmp_path / "form.xlsx"
    result = rollout("assess", "form", UNIT, "--period", "2023", "--output", str(form))
    assert result.exit_code == 0, result.output
    book = load_workbook(form)
    sheet = book[SHEET]
    for i in range(39):  # 1.1-1.10 red, 2.x yellow, the rest green
        sheet.cell(FIRST_ROW + i, 7, "Đỏ" if i < 10 else "Vàng" if i < 18 else "Xanh")
    sheet["C6"], sheet["C7"] = "Tổ ISO phường (minh họa)", "15/05/2023"
    book.save(form)
    result = rollout("assess", "import", str(form))
    assert result.exit_code == 0, result.output
    return form


def test_verify_then_score_and_report(rated):
    refused = rollout("assess", "verify", UNIT, "1.1=green", "--on", "2023-05-20")
    assert refused.exit_code == 2
    assert "verifier: a verified rating needs the verifier; give --verifier" in refused.output
    args = ("--verifier", "Chi cục TĐC (minh họa)", "--on", "2023-05-20")
    verified = rollout("assess", "verify", UNIT, "1.1=green", "--all", *args)
    assert verified.exit_code == 0, verified.output
    assert "Verified 39 rating(s) of HP-DANGLAM for 2023 (1 changed by the verifier)" in (
        " ".join(verified.output.split())
    )

    scored = rollout("assess", "score", "--format", "json", "--as-of", "2023-06-01")
    assert scored.exit_code == 0, scored.output
    data = json.loads(scored.stdout)
    (unit,) = data["units"]
    # 1.1 verified green: 9 red, 8 yellow, 22 green; pillar 1 = (1 x 100 + 9 x 0) / 10
    assert unit["counts"] == {"red": 9, "yellow": 8, "green": 22, "unrated": 0}
    assert unit["pillars"]["1"] == 10.0 and unit["verified"] == 39

    report = rollout("assess", "report", "--as-of", "2023-06-01")
    assert report.exit_code == 0, report.output
    folder = get_settings().home / "reports"
    html = (folder / "tu-danh-gia-HP-2023-PILOT-2023.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "Ủy ban nhân dân phường Đằng Lâm" in html
    assert (folder / "tu-danh-gia-HP-2023-PILOT-2023-heatmap.svg").stat().st_size > 1000


def test_an_action_programme_drafted_edited_and_listed(rated):
    drafted = rollout("actions", "draft", UNIT)
    assert drafted.exit_code == 0, drafted.output
    assert "Drafted 18 item(s) for HP-DANGLAM" in drafted.output  # 10 red + 8 yellow
    items = json.loads(rollout("actions", "list", "--format", "json").stdout)
    assert [i["indicator"] for i in items[:2]] == ["1.1", "1.2"]
    assert {i["owner"] for i in items} == {"Văn phòng HĐND và UBND"}

    no_owner = rollout("actions", "add", UNIT, "--task", "Sổ tay", "--due-days", "5")
    assert no_owner.exit_code == 2 and "owner: required; give --owner" in no_owner.output
    holiday = rollout("actions", "edit", str(items[0]["id"]), "--due", "2023-09-02")
    assert holiday.exit_code == 2 and "2023-09-02 is not a working day" in holiday.output
    done = rollout("actions", "edit", str(items[0]["id"]), "--status", "done")
    assert done.exit_code == 0, done.output
    dropped = rollout("actions", "edit", str(items[1]["id"]), "--status", "dropped")
    assert dropped.exit_code == 0, dropped.output

    listed = rollout("actions", "list", "--unit", UNIT, "--as-of", "2023-06-01")
    assert "HP-DANGLAM: 1 of 17 done (6%), 0 in progress, 0 overdue, 1 dropped" in (
        " ".join(listed.output.split())
    )


def test_the_unit_report_in_word_carries_its_chart_per_pillar(rated):
    result = rollout("docs", "generate", "--unit", UNIT, "--type", "assessment_report")
    assert result.exit_code == 0, result.output
    (path,) = (get_settings().documents_dir).rglob("*.docx")
    with zipfile.ZipFile(path) as docx:
        chart = docx.read(UNIT_FIGURE_PART)
    # the grey placeholder is replaced by the unit's profile: 10 red, 8 yellow, 21 green bars
    red, yellow, green = (colour_share(chart, COLOURS[c]) for c in ("red", "yellow", "green"))
    assert green > red > yellow > 0
    assert colour_share(chart, COLOURS[None]) < 0.01


def test_verify_all_before_any_rating_says_there_is_nothing_to_verify(loaded):
    result = rollout("assess", "verify", "hp-danglam", "--all", "--verifier", "Tổ thẩm định")
    assert result.exit_code == 2, result.output
    assert "HP-DANGLAM rated nothing in 2023" in result.output
    assert "nothing was written" in result.output
    assert rollout("audit", "verify").exit_code == 0  # the chain holds: no half-written events


def test_the_form_says_its_wording_is_unofficial_and_prints_on_a4_landscape(rated):
    sheet = load_workbook(rated)[SHEET]
    assert "bản dịch không chính thức" in sheet["E2"].value
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == f"${FIRST_ROW - 1}:${FIRST_ROW - 1}"  # repeated on each page
    # Rows tall enough for the wrapped criteria to show whole.
    assert all(sheet.row_dimensions[FIRST_ROW + i].height >= 30 for i in range(39))
