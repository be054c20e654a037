"""The seeds' second programme, Plan 124/KH-UBND (2024-2025), on official codes, carried
across 01/07/2025: its post-merger roster of Hải Phòng's 114 units, written by `rollout roster
official --successors-of`, loaded into the running programme carries the history of Đằng Lâm,
Tự Cường and Kiến Thụy to their successors, flags the partial splits, and loses nothing."""

import json

import pytest
from sqlalchemy import func, select

from config import PROJECT_ROOT
from models.kernel.database import read_session
from models.kernel.tables import AuditEvent, Evidence, PhaseRun, Unit
from services.resources import database
from tests.cli.test_commands import rollout
from tests.cli.test_lineage import hand_in_survey

PROGRAMMES = PROJECT_ROOT / "config" / "programmes"
PLAN = PROGRAMMES / "haiphong-2024-plan124.yaml"
AFTER = PROGRAMMES / "haiphong-2025-after-merger.yaml"
DANG_LAM, TU_CUONG, KIEN_THUY = "11413", "11764", "314"


def _count(table) -> int:
    with read_session(database()) as session:
        return session.scalar(select(func.count()).select_from(table))


@pytest.fixture
def carried(home, prefect_harness, tmp_path):
    """Plan 124 loaded on 01/03/2024, wave 1 swept on 04/03, three units' survey answers
    recorded, then the post-merger programme file loaded on 01/09/2025."""
    assert rollout("init", str(PLAN), "--as-of", "2024-03-01").exit_code == 0
    assert rollout("sweep", "--as-of", "2024-03-04").exit_code == 0
    for unit in (DANG_LAM, TU_CUONG, KIEN_THUY):
        hand_in_survey(tmp_path, unit, "2024-03-04")
    before = {t: _count(t) for t in (Evidence, PhaseRun, Unit)}
    done = rollout("init", str(AFTER), "--as-of", "2025-09-01")
    assert done.exit_code == 0, done.output
    return before


def test_the_official_roster_of_hai_phong_is_the_programme_after_the_merger(carried):
    with read_session(database()) as session:
        in_roster = list(session.scalars(select(Unit.code).where(Unit.in_roster)))
    assert len(in_roster) == 115 and "31" in in_roster  # the city and its 114 units
    assert _count(Unit) == carried[Unit] + 110  # 110 new codes; 4 codes go on (31, 11413…)


def test_dang_lam_tu_cuong_and_kien_thuy_live_on_in_their_successors(carried):
    assert _count(Evidence) == carried[Evidence]  # nothing lost, nothing copied
    assert _count(PhaseRun) >= carried[PhaseRun]
    # Đằng Lâm's code goes on as phường Hải An: its history is the new ward's own
    hai_an = json.loads(rollout("units", "lineage", DANG_LAM, "--format", "json").stdout)
    assert hai_an["name"] == "Ủy ban nhân dân phường Hải An"
    assert {"306", "11416"} <= {x["code"] for x in hai_an["predecessors"]}
    shown = rollout("show", DANG_LAM, "--as-of", "2025-09-03").output
    assert "306 · quận Hải An" in shown  # the district past, listed
    with read_session(database()) as session:
        kept = session.scalar(
            select(func.count())
            .select_from(Evidence)
            .join(PhaseRun, PhaseRun.id == Evidence.phase_run_id)
            .join(Unit, Unit.id == PhaseRun.unit_id)
            .where(Unit.code == DANG_LAM)
        )
    assert kept == 1
    quyet_thang = rollout("show", "11761", "--as-of", "2025-09-03").output
    assert f"{TU_CUONG} · xã Tự Cường" in quyet_thang
    assert "04/03/2024" in quyet_thang  # when Tự Cường's survey opened
    for code in ("11680", "11713", "11725", "11728", "11749"):  # Kiến Thụy's five communes
        assert (
            f"{KIEN_THUY} · huyện Kiến Thụy"
            in rollout("show", code, "--as-of", "2025-09-03").output
        )
    assert rollout("audit", "verify").exit_code == 0


def test_the_partial_splits_are_flagged(carried):
    table = rollout("units", "lineage", KIEN_THUY).output
    assert table.count("PARTIAL SPLIT") == 5
    tien_lang = json.loads(rollout("units", "lineage", "11761", "--format", "json").stdout)
    flags = {x["code"]: x["partial"] for x in tien_lang["predecessors"]}
    assert flags == {"315": True, TU_CUONG: False}  # the district split, the commune whole
    with read_session(database()) as session:
        succeeded = session.scalar(
            select(func.count()).where(AuditEvent.action == "unit.succeeded")
        )
    assert succeeded == 52  # every new unit with predecessors, one event each
