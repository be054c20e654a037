"""Each bench step's own peak resident memory (Linux): VmHWM reset to the current RSS
through /proc/self/clear_refs, read back from /proc/self/status after the step."""

from pathlib import Path


def reset_peak() -> None:
    """Start measuring a step's peak."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The peak resident memory (MB) since the last reset_peak."""
    status = Path("/proc/self/status").read_text()
    kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    return kb / 1024
