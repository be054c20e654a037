"""A lean HTTP/1.1 load generator for 127.0.0.1: N users asking for one page again and
again for S seconds, each request on a new connection (page views some seconds apart: the
server closes idle connections after 5 s) or each user on one kept-alive connection;
latencies, errors.

Hand-written on purpose: a full client (httpx) spends ~1.9 ms of CPU per request, so on a
2-core machine it takes a whole core at ~500 requests/s and its own queueing is measured as
the server's latency. This one parses only the status line and Content-Length (chunked
bodies are read too), which is all a page's answer needs.
"""

import asyncio
import time


async def _user(host, port, request: bytes, end: float, latencies: list, errors: list) -> None:
    reader = writer = None
    while time.perf_counter() < end:
        start = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status, close = await _answer(reader)
            if close:
                writer.close()
                writer = None
            ok = status == 200
        except (OSError, asyncio.IncompleteReadError, ValueError):
            ok, writer = False, None
        latencies.append((time.perf_counter() - start) * 1000)
        if not ok:
            errors.append(1)
    if writer is not None:
        writer.close()


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; its status and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection", "").lower() == "close"


def load(
    host: str, port: int, path: str, cookie: str, users: int, seconds: float, keep_alive: bool
) -> dict:
    """Requests/s, p50/p95/p99 (ms), errors and requests of `users` users for `seconds`; each
    request on a connection of its own, or (`keep_alive`) each user on one connection."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: rollout_session={cookie}\r\n"
        f"Accept: text/html\r\nConnection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    ).encode("latin-1")
    latencies: list[float] = []
    errors: list[int] = []

    async def run() -> float:
        end = time.perf_counter() + seconds
        began = time.perf_counter()
        await asyncio.gather(
            *(_user(host, port, request, end, latencies, errors) for _ in range(users))
        )
        return time.perf_counter() - began

    took = asyncio.run(run())
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0

    return {
        "rps": len(latencies) / took,
        "p50": pct(0.5),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": len(errors),
        "requests": len(latencies),
    }
