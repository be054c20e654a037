"""Lineage across the 2025 reorganisation on the pilot: the post-merger roster of Hải Phòng
(official codes) loaded into the running programme carries the history of Đằng Lâm, Tự Cường
and Kiến Thụy district to their successors, flags the partial split, and loses nothing."""

import csv
import json
import shutil

import pytest
from sqlalchemy import func, select

from models.kernel.database import read_session
from models.kernel.tables import (
    AuditEvent,
    Evidence,
    GeneratedDocument,
    IndicatorRating,
    PhaseRun,
    Unit,
)
from services.resources import database
from tests.cli.test_commands import rollout
from tests.conftest import EXAMPLE, EXAMPLE_ROSTER, pilot_loaded

MERGED = "2025-07-01"
PREDECESSORS = {  # the official list's successors of three pilot units
    "11413": ["HP-DANGLAM"],  # phường Đằng Lâm -> phường Hải An
    "11761": ["HP-TUCUONG"],  # xã Tự Cường -> xã Quyết Thắng
    **{code: ["HP-KIENTHUY"] for code in ("11680", "11713", "11725", "11728", "11749")},
}


def hand_in_survey(folder, unit: str, day: str) -> None:
    """A unit's survey answers recorded on `day` (its survey open)."""
    answers = folder / f"phieu-{unit}.pdf"
    answers.write_bytes(f"Phiếu khảo sát {unit} (minh họa)".encode())
    done = rollout(
        "record",
        unit,
        "survey",
        "--evidence",
        str(answers),
        "--kind",
        "survey_answers",
        "--on",
        day,
        "--as-of",
        day,
    )
    assert done.exit_code == 0, done.output


def _counts() -> dict:
    with read_session(database()) as session:
        return {
            t.__name__: session.scalar(select(func.count()).select_from(t))
            for t in (Evidence, PhaseRun, IndicatorRating, GeneratedDocument, Unit, AuditEvent)
        }


SWEPT = pilot_loaded("2023-03-01", ("sweep", "--as-of", "2023-03-20"))


@pytest.fixture
def merged(home, prefect_harness, prepared_home, tmp_path):
    """The pilot swept to 20/03/2023 with survey facts for the three units, then its programme
    file reloaded on 01/09/2025 with Hải Phòng's official post-merger roster."""
    prepared_home("pilot-swept-2023-03-20", SWEPT)
    for unit in ("HP-DANGLAM", "HP-TUCUONG", "HP-KIENTHUY"):
        hand_in_survey(tmp_path, unit, "2023-03-20")
    before = _counts()
    official = tmp_path / "hai-phong.csv"
    assert (
        rollout("roster", "official", "--province", "31", "--output", str(official)).exit_code == 0
    )
    rows = list(csv.DictReader(official.open(encoding="utf-8-sig")))
    folder = tmp_path / "after"
    folder.mkdir()
    with (folder / "hai-phong-2025.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [*rows[0], "predecessors", "merged_on"])
        writer.writeheader()
        for row in rows:
            earlier = PREDECESSORS.get(row["code"], [])
            writer.writerow(
                row | {"predecessors": " ".join(earlier), "merged_on": MERGED if earlier else ""}
            )
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, rest = text.partition("waves:")
    tail = rest[rest.index("\n# Working days") :]
    text = (
        head.replace(EXAMPLE_ROSTER.name, "hai-phong-2025.csv")
        + "waves:\n  - name: Duy trì sau sáp nhập (minh họa)\n    start: 2025-09-03\n"
        + f"    units: [{', '.join(repr(c) for c in PREDECESSORS)}]\n"
        + tail
    )
    (folder / EXAMPLE.name).write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLE_ROSTER, folder / EXAMPLE_ROSTER.name)
    done = rollout("init", str(folder / EXAMPLE.name), "--as-of", "2025-09-01")
    assert done.exit_code == 0, done.output
    return before, folder


def test_the_successors_carry_their_predecessors_history(merged):
    before, _ = merged
    after = _counts()
    for table in ("Evidence", "PhaseRun", "IndicatorRating", "GeneratedDocument"):
        assert after[table] >= before[table], table  # nothing lost
    assert after["Evidence"] == before["Evidence"]  # nothing copied
    assert after["Unit"] == before["Unit"] + 115  # the old units stay, the new ones join
    found = json.loads(rollout("units", "lineage", "11413", "--format", "json").stdout)
    (link,) = found["predecessors"]
    assert (link["code"], link["effective"], link["partial"], link["in_roster"]) == (
        "HP-DANGLAM",
        MERGED,
        False,
        False,
    )
    shown = rollout("show", "11413", "--as-of", "2025-09-01")
    assert shown.exit_code == 0, shown.output
    assert "HP-DANGLAM" in shown.output and "Khảo sát" in shown.output
    assert "20/03/2023" in shown.output  # the day Đằng Lâm's survey opened
    quyet = json.loads(rollout("units", "lineage", "11761", "--format", "json").stdout)
    assert [x["code"] for x in quyet["predecessors"]] == ["HP-TUCUONG"]
    back = json.loads(rollout("units", "lineage", "HP-TUCUONG", "--format", "json").stdout)
    assert [x["code"] for x in back["successors"]] == ["11761"]
    assert rollout("audit", "verify").exit_code == 0


def test_a_district_split_five_ways_is_flagged_until_decided(merged):
    table = rollout("units", "lineage", "HP-KIENTHUY")
    assert table.exit_code == 0, table.output
    assert table.output.count("PARTIAL SPLIT") == 5
    for code in ("11680", "11713", "11725", "11728", "11749"):
        shown = rollout("show", code, "--as-of", "2025-09-01")
        assert "HP-KIENTHUY" in shown.output
    refused = rollout("units", "decide", "HP-KIENTHUY", "11413")
    assert refused.exit_code == 2 and "is no successor of 'HP-KIENTHUY'" in refused.output
    assert rollout("units", "decide", "HP-KIENTHUY", "11680").exit_code == 0
    decided = rollout("units", "lineage", "HP-KIENTHUY").output
    assert "PARTIAL SPLIT" not in decided and decided.count("carries on") == 1
    with read_session(database()) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert actions.count("unit.succeeded") == 7 and "unit.split_decided" in actions


def test_loading_the_same_roster_again_adds_no_link(merged):
    _, folder = merged
    events = _counts()["AuditEvent"]
    again = rollout("init", str(folder / EXAMPLE.name), "--as-of", "2025-09-02")
    assert again.exit_code == 0, again.output
    with read_session(database()) as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.seq > events)))
    assert "unit.succeeded" not in actions


def test_a_predecessor_unknown_to_the_programme_is_refused(merged, tmp_path):
    _, folder = merged
    roster = folder / "hai-phong-2025.csv"
    text = roster.read_text(encoding="utf-8").replace("HP-TUCUONG", "HP-NOWHERE")
    roster.write_text(text, encoding="utf-8")
    events = _counts()["AuditEvent"]
    refused = rollout("init", str(folder / EXAMPLE.name), "--as-of", "2025-09-02")
    assert refused.exit_code == 2
    assert "11761: 'HP-NOWHERE' is no unit of" in " ".join(refused.output.split())
    assert _counts()["AuditEvent"] == events  # nothing written
