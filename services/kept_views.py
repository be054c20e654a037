"""Views kept per state of the audit chain: a function of (database, …, audit head) computed
once per key, by one thread at a time per key.

Without the per-key lock, fifty requests that arrive together after a change all miss the
cache and compute the same view at once: on the national programme that is fifty times a
second of work, holding fifty database connections, and the pool times out.
"""

import threading
from collections.abc import Callable
from functools import lru_cache, wraps


def kept_per_head(maxsize: int) -> Callable:
    """Decorate a pure view function of hashable arguments (the audit head among them)."""

    def decorate(compute: Callable) -> Callable:
        cached = lru_cache(maxsize=maxsize)(compute)
        locks: dict[tuple, threading.Lock] = {}
        guard = threading.Lock()

        @wraps(compute)
        def view(*args):
            with guard:
                if len(locks) > 4 * maxsize:  # keys of older heads: their locks go too
                    locks.clear()
                lock = locks.setdefault(args, threading.Lock())
            with lock:
                return cached(*args)

        view.cache_clear = cached.cache_clear
        return view

    return decorate
