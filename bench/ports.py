"""A free TCP port on 127.0.0.1, for the servers the benches and tests start."""

import random
import socket

# Below Linux's default ephemeral range (32768-60999): a port the kernel hands to an outgoing
# connection or to another `bind(0)` can never be one of these, so a port chosen here stays
# free until its server binds it.
_LOW, _HIGH = 20000, 32767
_handed_out: set[int] = set()


def free_port() -> int:
    """A port nothing listens on now and that this process has not handed out before."""
    for port in random.sample(range(_LOW, _HIGH + 1), _HIGH - _LOW + 1):
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise OSError(f"no free TCP port on 127.0.0.1 between {_LOW} and {_HIGH}")
