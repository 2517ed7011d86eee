"""Throughput and latency of the signed-in lesson page against the bare Django floor.

Runs Daphne (DEBUG off) on a fresh demo database, signs ``hocvien`` in, and
drives the first lesson of the coffee course and ``/healthz`` (the cost of the
server, the middleware and the router with no work) with 20 concurrent
keep-alive HTTP/1.1 clients, one after the other in the same server process.

    .venv/bin/python bench/lesson_page.py [--clients 20] [--seconds 15] [--warmup 2]

Prints a table and one ``RESULT`` line. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import DemoServer, learner_on_lesson  # noqa: E402


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, in the window
    bytes: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    client_cpu: float = 0.0  # share of one core over the run
    server_cpu: float = 0.0

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.failures) < 5:
            self.failures.append(what)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Read one response; return (status, body length, server keeps the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    else:  # body until close
        size = len(await reader.read())
        return status, size, False
    return status, size, headers.get("connection", "").lower() != "close"


async def _client(
    port: int, request: bytes, start_at: float, stop_at: float, tally: Tally
) -> None:
    reader = writer = None
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            sent = time.perf_counter()
            writer.write(request)
            status, size, keep = await _read_response(reader)
            done = time.perf_counter()
        except (OSError, asyncio.IncompleteReadError, ValueError) as e:
            if time.perf_counter() >= start_at:
                tally.error(f"{type(e).__name__}: {e}")
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        if sent >= start_at and done <= stop_at:
            tally.latencies.append(done - sent)
            tally.bytes += size
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if status != 200:
                tally.error(f"status {status}")
        if not keep:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(
    port: int, request: bytes, clients: int, warmup: float, seconds: float
) -> Tally:
    tally = Tally()
    now = time.perf_counter()
    start_at, stop_at = now + warmup, now + warmup + seconds
    await asyncio.gather(
        *(_client(port, request, start_at, stop_at, tally) for _ in range(clients))
    )
    return tally


def _request(path: str, cookie: str) -> bytes:
    # What a phone's browser sends for a page: compressed, Vietnamese, signed in.
    lines = [
        f"GET {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "User-Agent: lms-bench/1",
        "Accept: text/html",
        "Accept-Encoding: gzip",
        "Accept-Language: vi",
        f"Cookie: {cookie}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode()


def _cpu_seconds(process) -> float:
    """User + system CPU time of a child process so far (Linux /proc; else 0)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, AttributeError, IndexError, ValueError):
        return 0.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=2)
    args = parser.parse_args()

    with DemoServer() as server:
        session, lesson = learner_on_lesson(server)
        cookie = session.cookie_header()
        runs = {}
        for name, path in (("floor /healthz", "/healthz"), ("lesson page", lesson)):
            client_cpu, server_cpu = time.process_time(), _cpu_seconds(server.process)
            tally = asyncio.run(
                _load(
                    server.port,
                    _request(path, cookie),
                    args.clients,
                    args.warmup,
                    args.seconds,
                )
            )
            span = args.warmup + args.seconds
            tally.client_cpu = (time.process_time() - client_cpu) / span
            tally.server_cpu = (_cpu_seconds(server.process) - server_cpu) / span
            runs[name] = (path, tally)
        daphne_alive = server.process is not None and server.process.poll() is None

    print(
        f"\nDaphne, 1 process, DEBUG=0, SQLite; {args.clients} keep-alive clients, "
        f"{args.warmup:g} s warm-up then {args.seconds:g} s; {os.cpu_count()} CPUs; "
        f"Python {sys.version.split()[0]}"
    )
    header = (
        f"{'target':<16} {'path':<36} {'requests':>8} {'errors':>6} {'req/s':>8} "
        f"{'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7} {'avg B':>6} "
        f"{'daphne CPU':>10} {'client CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    figures = {}
    for name, (path, t) in runs.items():
        n = len(t.latencies)
        rps = n / args.seconds
        p50, p90, p99 = (_percentile(t.latencies, q) * 1000 for q in (0.5, 0.9, 0.99))
        figures[name] = (rps, p50, p99)
        print(
            f"{name:<16} {path:<36} {n:>8} {t.errors:>6} {rps:>8.1f} {p50:>7.1f} "
            f"{p90:>7.1f} {p99:>7.1f} {max(t.latencies, default=0) * 1000:>7.1f} "
            f"{(t.bytes // n if n else 0):>6} "
            f"{t.server_cpu:>10.0%} {t.client_cpu:>10.0%}"
        )
        if t.errors:
            print(f"  errors: {t.statuses} {t.failures}")
    if not daphne_alive:
        print("warning: Daphne had exited before the end of the run")
    page_rps, p50, p99 = figures["lesson page"]
    floor_rps = figures["floor /healthz"][0]
    errors = sum(t.errors for _, t in runs.values())
    print(
        f"RESULT page_rps={page_rps:.1f} floor_rps={floor_rps:.1f} p50_ms={p50:.1f} "
        f"p99_ms={p99:.1f} ratio={page_rps / floor_rps:.3f}"
    )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
