"""The web application in a real browser (Playwright driving Debian's Chromium) against a real
HTTP server on 127.0.0.1: a unit signs in from its link, hands in its survey and fills its
self-assessment; the verifier sends it back, then confirms it; the coordinator sees the
phase close on the dashboard."""

import os
import threading
import time
from pathlib import Path

import pytest

from bench.ports import free_port
from services.access import sign_in_link
from tests.web.test_security import AS_OF, HAIAN
from web.app import create_app

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def server(users, monkeypatch):
    """`rollout web`'s application served by uvicorn on a free port of 127.0.0.1."""
    import uvicorn

    from config.settings import get_settings

    port = free_port()
    monkeypatch.setenv("ROLLOUT_WEB_URL", f"http://127.0.0.1:{port}")
    get_settings.cache_clear()
    web = uvicorn.Server(
        uvicorn.Config(create_app(AS_OF), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    while not web.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(10)


@pytest.fixture
def browser(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed: `make test` installs Debian's package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        own = tmp_path / "chromium-home"  # Chromium writes under HOME and XDG folders
        env = {
            **os.environ,
            "HOME": str(own),
            "XDG_CONFIG_HOME": str(own / "config"),
            "XDG_CACHE_HOME": str(own / "cache"),
        }
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, env=env)
        yield chromium
        chromium.close()


def sign_in(browser, email: str):
    """A new browser context signed in from a fresh link, as its e-mail would open it."""
    page = browser.new_context().new_page()
    page.goto(sign_in_link(programme=None, email=email))
    page.click("#signin")
    return page


def test_a_unit_hands_in_and_is_verified_and_the_coordinator_sees_it(server, browser, tmp_path):
    coordinator = sign_in(browser, "all@example.org")
    coordinator.click("#dashboard")
    row = coordinator.locator('tr[data-phase="survey"]').first
    assert row.locator(".count-done").inner_text() == "0"

    unit = sign_in(browser, HAIAN)
    assert unit.locator("#unit-name").inner_text() == "Ủy ban nhân dân quận Hải An"
    answers = tmp_path / "phiếu khảo sát.pdf"
    answers.write_bytes(b"%PDF-1.4 phieu khao sat")
    survey = unit.locator("#phase-survey")
    form = survey.locator("form.hand-in").first
    form.locator('input[type="file"]').set_input_files(str(answers))
    form.locator('input[name="kind"]').fill("survey_answers")
    form.locator("button").click()
    assert "phiếu khảo sát.pdf" in unit.locator("#phase-survey .evidence").inner_text()
    decision = unit.locator("#phase-survey form.hand-in").nth(1)
    decision.locator('input[name="number"]').fill("Số 3/QĐ-UBND")
    decision.locator('input[name="kind"]').fill("steering_committee")
    decision.locator('input[name="signer"]').fill("Nguyễn Văn A")
    decision.locator("button").click()
    assert "status-done" in unit.locator("#phase-survey").get_attribute("class")

    unit.goto(f"{server}/unit/HP-HAIAN/assessment")
    selects = unit.locator('select[name^="rating-"]')
    assert selects.count() == 39
    for i in range(39):
        selects.nth(i).select_option("green" if i % 3 else "yellow")
    unit.fill('input[name="evidence-1.1"]', "QĐ số 3/QĐ-UBND")
    unit.click('button[value="submit"]')
    assert "chờ thẩm định" in unit.locator("#state").inner_text()

    verifier = sign_in(browser, "verifier@example.org")
    verifier.goto(f"{server}/reviews")
    verifier.click("text=Ủy ban nhân dân quận Hải An")
    verifier.fill('input[name="comment-1.1"]', "Đính kèm quyết định")
    verifier.fill('textarea[name="comment"]', "Bổ sung minh chứng cho chỉ số 1.1")
    verifier.click('button[value="send_back"]')

    unit.reload()
    assert "Cần chỉnh sửa" in unit.locator("#state").inner_text()
    assert "Đính kèm quyết định" in unit.locator("#row-1\\.1").inner_text()
    unit.fill('input[name="note-1.1"]', "Đã đính kèm")
    unit.click('button[value="submit"]')

    verifier.goto(f"{server}/unit/HP-HAIAN/assessment")
    verifier.select_option('select[name="change-1.2"]', "yellow")
    verifier.click('button[value="confirm"]')
    assert "Đã được thẩm định" in verifier.locator("#state").inner_text()

    coordinator.reload()
    row = coordinator.locator('tr[data-phase="survey"]').first
    assert row.locator(".count-done").inner_text() == "1"
    assert "default-src 'self'" in coordinator.evaluate(
        "() => fetch('/dashboard').then(r => r.headers.get('content-security-policy'))"
    )
    for name, page in (("dashboard", coordinator), ("assessment", verifier), ("unit", unit)):
        shot = page.screenshot(path=str(tmp_path / f"{name}.png"))  # the README's pictures
        assert shot.startswith(b"\x89PNG")

    coordinator.goto(f"{server}/gantt")
    haian = coordinator.locator('svg#gantt g[data-unit="HP-HAIAN"][data-phase="survey"]')
    assert haian.get_attribute("class") == "row status-done"
    assert coordinator.locator("svg#gantt rect.forecast").count() > 30
    assert coordinator.locator("svg#gantt #today").count() == 1
    coordinator.screenshot(path=str(tmp_path / "gantt.png"))
    coordinator.goto(f"{server}/unit/HP-HAIAN/history")
    history = coordinator.locator("#history-lines").inner_text()
    assert "assessment.confirmed" in history and "ratings.verified" in history
    assert f"{HAIAN} (unit)" in history
    coordinator.screenshot(path=str(tmp_path / "history.png"))
