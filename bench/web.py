"""Load the web application on the national programme (`make bench-web`): 50 concurrent users
on 127.0.0.1 for 60 s on the coordinator's dashboard, then on a unit's page, first with a
connection per request, then with one kept-alive connection per user; requests/s,
p50/p95/p99 and errors, measured from a cold start (the first requests compute the views).
Targets: p95 <= 300 ms, no errors. Runs in a scratch ROLLOUT_HOME.

`python -m bench.web [SECONDS] [USERS]` changes the duration and the number of users.
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.generate import first_wave_communes
from bench.load import load
from bench.ports import free_port

AS_OF = date(2026, 2, 2)  # waves 1-3 have their survey open, wave 1 overdue


def main() -> None:
    """Build the national programme, sign two users in, serve, load, print the figures."""
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    users = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    scratch = Path(tempfile.mkdtemp(prefix="rollout-bench-web-"))
    os.environ["ROLLOUT_HOME"] = str(scratch / "var")
    from adapters.prefect_runtime import configure_prefect, flow_settings
    from bench.generate import generate
    from config.settings import get_settings

    get_settings.cache_clear()
    configure_prefect(get_settings())
    programme = generate(scratch / "programme", draft_on_open=False)
    with flow_settings():
        from flows.phases import daily_sweep
        from flows.plan import init_programme

        init_programme(str(programme), date(2026, 1, 2))
        daily_sweep("VN-NATIONAL", AS_OF)
    cookies = _signed_in()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.app",
            "web",
            "--port",
            str(port),
            "--as-of",
            str(AS_OF),
            "--workers",
            "2",
        ],
        env={**os.environ, "ROLLOUT_WEB_URL": f"http://127.0.0.1:{port}"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        rows = []
        for keep_alive in (False, True):
            for name, path, cookie in (
                ("coordinator's dashboard", "/dashboard", cookies["coordinator"]),
                ("a unit's page", f"/unit/{cookies['unit_code']}", cookies["unit"]),
            ):
                figures = load("127.0.0.1", port, path, cookie, users, seconds, keep_alive)
                connections = (
                    "one kept-alive connection per user"
                    if keep_alive
                    else ("a connection per request")
                )
                rows.append((f"{name}, {connections}", figures))
    finally:
        server.terminate()
        server.wait(30)
    print(f"\n{users} concurrent users, {seconds:g} s each, 3,355 units, as of {AS_OF}:")
    for name, f in rows:
        print(
            f"- {name}: {f['rps']:.1f} requests/s, p50 {f['p50']:.0f} ms, p95 {f['p95']:.0f} ms,"
            f" p99 {f['p99']:.0f} ms, {f['errors']} errors of {f['requests']}"
        )


def _signed_in() -> dict:
    from services.access import add_user, sign_in, sign_in_link

    add_user(programme="VN-NATIONAL", email="bo.khcn@example.org", role="coordinator", scope=[])
    unit = first_wave_communes()[1]
    add_user(programme="VN-NATIONAL", email="unit@example.org", role="unit", scope=[unit])
    out = {"unit_code": unit}
    for key, email in (("coordinator", "bo.khcn@example.org"), ("unit", "unit@example.org")):
        token = sign_in_link(programme="VN-NATIONAL", email=email).rsplit("/", 1)[1]
        out[key] = sign_in(token=token).cookie
    return out


def _wait(base: str) -> None:
    import httpx

    for _ in range(300):
        try:
            httpx.get(base + "/favicon.ico", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the web application did not start")


if __name__ == "__main__":
    main()
