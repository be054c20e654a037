"""Each bench step's own peak resident memory (Linux): VmHWM reset to the current RSS
through /proc/self/clear_refs, read back from /proc/self/status after the step. A reset also
resets what getrusage reports, so the highest peak of the whole run is kept here."""

from pathlib import Path

_highest = 0.0


def _vm_hwm_mb() -> float:
    status = Path("/proc/self/status").read_text()
    kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
    return kb / 1024


def reset_peak() -> None:
    """Start measuring a step's peak (the peak so far is kept for highest_mb)."""
    global _highest
    _highest = max(_highest, _vm_hwm_mb())
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The peak resident memory (MB) since the last reset_peak."""
    return _vm_hwm_mb()


def highest_mb() -> float:
    """The highest resident memory (MB) of the whole process, across every reset."""
    return max(_highest, _vm_hwm_mb())
