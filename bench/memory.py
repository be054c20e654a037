"""Each bench step's own peak resident memory (Linux): VmHWM reset to the current RSS
through /proc/self/clear_refs, read back from /proc/self/status after the step. A reset also
resets what getrusage reports, so the highest peak of the whole run is kept here.

Before a reset, what earlier steps freed goes back to the system (a full collection, then
glibc's malloc_trim): Python keeps freed memory in its arenas and the C heap, and without this
every step's peak would include whatever the steps before it had once held."""

import ctypes
import ctypes.util
import gc
from pathlib import Path

_highest = 0.0
_started = 0.0  # resident MB when the step began


def _status_mb(field: str) -> float:
    """A memory figure of /proc/self/status (VmHWM, VmRSS) in MB."""
    status = Path("/proc/self/status").read_text()
    kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith(field)))
    return kb / 1024


def _give_back_freed_memory() -> None:
    """Collect garbage and return the C heap's free pages to the system (glibc only)."""
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)
        if trim is not None:
            trim(0)


def reset_peak() -> None:
    """Start measuring a step's peak (the peak so far is kept for highest_mb)."""
    global _highest, _started
    _highest = max(_highest, _status_mb("VmHWM"))
    _give_back_freed_memory()
    Path("/proc/self/clear_refs").write_text("5")
    _started = _status_mb("VmRSS")


def peak_mb() -> float:
    """The peak resident memory (MB) since the last reset_peak."""
    return _status_mb("VmHWM")


def highest_mb() -> float:
    """The highest resident memory (MB) of the whole process, across every reset."""
    return max(_highest, _status_mb("VmHWM"))


def step_peak_text() -> str:
    """The step's peak and the resident memory it started from, e.g. `235 MB (from 180 MB)`."""
    return f"{peak_mb():.0f} MB (from {_started:.0f} MB)"
