"""The worked example (`make demo`): the Hải Phòng 2023 pilot, loaded, planned and reported."""

import sys

from rich.console import Console

from config import CONFIG_DIR
from flows.cli import app

PILOT = CONFIG_DIR / "programmes" / "haiphong-2023-pilot.yaml"
AS_OF = "2023-05-15"  # inside the pilot: wave 1 in self-assessment, wave 2 finishing training

console = Console(highlight=False)


def run(*args: str) -> None:
    """Run one rollout command as a coordinator would type it; stop on failure."""
    console.rule(f"[bold]$ rollout {' '.join(args)}")
    code = app(list(args), standalone_mode=False)
    if code:
        sys.exit(code)


def main() -> None:
    """Load and plan the pilot, then show its status and one unit's windows."""
    run("init", str(PILOT.relative_to(CONFIG_DIR.parent)), "--as-of", AS_OF)
    run("status", "--as-of", AS_OF)
    run("show", "HP-DANGLAM", "--as-of", AS_OF)
    console.print(
        "\nNo evidence is recorded in this example yet, so phases past their due dates show as "
        "overdue. Try `rollout status --format json`, or open var/ to see the database."
    )


if __name__ == "__main__":
    main()
