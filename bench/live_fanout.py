"""Chat fan-out in one live room against a bare ``websockets`` relay (the floor).

N learners (default 500) connect to one live session of the coffee course; the
trainer then sends ``chat.send`` frames at a steady rate and every learner notes
when each ``chat.message`` arrives. The same client workload then runs against
a bare ``websockets`` relay server in a subprocess of this script (the floor:
what one Python process does when it only parses and forwards), one after the
other, on the same machine.

    .venv/bin/python bench/live_fanout.py [--clients 500] [--rate 5] [--seconds 10]
        [--batch 50] [--deadline 30] [--only floor|room] [--per-message]

The room runs under Daphne (one process, DEBUG off, SQLite, the in-memory channel
layer) on a fresh demo database (bench/_server.py). The learners, their
enrollments, the live session and the Django sessions (cookies) are created
directly in that database before Daphne starts. Daphne runs with
``LIVE_RATE_LIMITS=off``, the benchmark switch that turns the per-person frame
and chat rate limits off: the trainer's steady chat would otherwise be cut to
one message a second.

Latency runs from just before the trainer's frame is written to the moment a
learner's frame is parsed off its socket; the send time travels in the text
(``m<k> <perf_counter>``), and the clients and the trainer share one process, so
one clock. All learners share one event loop, as light as the ``websockets``
client allows (frames are handled in the protocol callback, no task per frame),
yet reading 500 sockets one after the other still takes the client 10-20 ms per
broadcast here (20-40 us a frame, mostly the ``recv`` system call): that is most
of the floor's latency, and it is in both figures. ``msgs/s`` is deliveries
divided by the time from the first send to the last delivery: below
``clients x rate``, the server falls behind (``--per-message`` shows the slowest
delivery of each message rising). ``CPU wait`` is the time the server was ready
to run while another process had the CPU: on a busy machine, figures say more
about the neighbours than about the server.

Delivery must be complete: the script exits 1, saying what is missing, if a
learner misses a message, the trainer an ``ack``, or everything has not arrived
``--deadline`` seconds after the last send. Figures, not assertions: prints a
table and one ``RESULT`` line (ratio = p99 / floor p99).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import Opcode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import COURSE, PYTHON, ROOT, DemoServer  # noqa: E402

TRAINER = "giangvien"  # lms.demo.loader: teaches every demo course
PING_EVERY = 25  # seconds, as docs/live-protocol.md asks of clients
MIN_OPEN_FILES = 4096

# Run by ``manage.py shell -c`` in the server's environment, before Daphne
# starts: the learners, their enrollments, the session and a signed-in Django
# session (cookie) per person. Bulk inserts and a cheap unusable password, so
# 500 learners take a second, not a minute of password hashing.
SETUP = """
import json, os
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from courses.models import Course, Enrollment
from lms.models import LearnerProfile, Role, User
from live_classes.services import live_session_create

n = int(os.environ["FANOUT_LEARNERS"])
now = timezone.now()
course = Course.objects.get(slug=os.environ["FANOUT_COURSE"])
trainer = User.objects.get(username=os.environ["FANOUT_TRAINER"])
with transaction.atomic():
    password = make_password(None)
    User.objects.bulk_create(
        User(
            username=f"fanout{i:05d}",
            full_name=f"Học viên {i}",
            role=Role.LEARNER,
            password=password,
        )
        for i in range(n)
    )
    learners = list(User.objects.filter(username__startswith="fanout").order_by("id"))
    LearnerProfile.objects.bulk_create(LearnerProfile(user=u) for u in learners)
    Enrollment.objects.bulk_create(
        Enrollment(
            user=u,
            course=course,
            status=Enrollment.Status.ACTIVE,
            source=Enrollment.Source.STAFF,
        )
        for u in learners
    )
live = live_session_create(
    actor=trainer,
    course=course,
    title="Fan-out benchmark",
    starts_at=now - timedelta(minutes=5),
    ends_at=now + timedelta(hours=2),
)
store = SessionStore()
backend = settings.AUTHENTICATION_BACKENDS[0]
rows = [
    Session(
        session_key=get_random_string(32, VALID_KEY_CHARS),
        session_data=store.encode(
            {
                SESSION_KEY: str(u.pk),
                BACKEND_SESSION_KEY: backend,
                HASH_SESSION_KEY: u.get_session_auth_hash(),
            }
        ),
        expire_date=now + timedelta(days=1),
    )
    for u in [trainer, *learners]
]
Session.objects.bulk_create(rows)
with open(os.environ["FANOUT_OUT"], "w") as f:
    json.dump(
        {
            "session_id": live.pk,
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "trainer_cookie": rows[0].session_key,
            "learner_cookies": [r.session_key for r in rows[1:]],
        },
        f,
    )
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class FanoutServer(DemoServer):
    """The demo server with ``learners`` signed-in learners in one live session."""

    learners: int = 500
    redis_url: str = ""
    room: dict = field(default_factory=dict, init=False)

    def _setup(self) -> None:
        # No collectstatic (the longest step of DemoServer's set-up): only the
        # WebSocket is used.
        self.env["LIVE_RATE_LIMITS"] = "off"
        if self.redis_url:
            self.env["REDIS_URL"] = self.redis_url
            self.env["CHANNEL_LAYER_PREFIX"] = f"bench-{os.getpid()}"
        started = time.perf_counter()
        self.manage("migrate", "-v", "0")
        self.manage("load_demo")
        out = self.workdir / "fanout.json"
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", SETUP],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            env={
                **self.env,
                "FANOUT_LEARNERS": str(self.learners),
                "FANOUT_COURSE": COURSE,
                "FANOUT_TRAINER": TRAINER,
                "FANOUT_OUT": str(out),
            },
        )
        self.room = json.loads(out.read_text())
        _log(
            f"set-up in {self.workdir}: demo, {self.learners} learners and session "
            f"{self.room['session_id']} in {time.perf_counter() - started:.1f} s"
        )


# --- the floor: a bare websockets relay -------------------------------------


def _compact(frame: dict) -> str:
    """JSON as the room's consumer writes it."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def serve_floor() -> None:
    """Relay every ``chat.send`` to every other connection as a ``chat.message``
    shaped like the room's, acknowledge it to the sender, welcome newcomers and
    answer pings. Prints ``PORT <n>`` once listening, then serves until killed."""
    from datetime import UTC, datetime

    from websockets.asyncio.server import broadcast, serve

    people: set = set()
    last_seq = 0

    async def handler(ws) -> None:
        nonlocal last_seq
        people.add(ws)
        try:
            await ws.send(_compact({"type": "welcome", "seq": last_seq}))
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "chat.send":
                    last_seq += 1
                    event = {
                        "type": "chat.message",
                        "seq": last_seq,
                        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                        "by": {"id": 0, "name": "trainer"},
                        "text": frame["text"],
                        "client_id": frame["id"],
                    }
                    broadcast(people - {ws}, _compact(event))
                    await ws.send(
                        _compact({"type": "ack", "ref": frame["id"], "seq": last_seq})
                    )
                elif frame.get("type") == "ping":
                    await ws.send('{"type": "pong"}')
        except ConnectionClosed:
            pass
        finally:
            people.discard(ws)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, compression=None) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            print(f"PORT {port}", flush=True)
            await asyncio.get_running_loop().create_future()

    asyncio.run(main())


class FloorServer:
    """``with FloorServer() as floor:`` runs :func:`serve_floor` in a subprocess."""

    def __enter__(self) -> FloorServer:
        self.process = subprocess.Popen(
            [PYTHON, __file__, "--serve-floor"],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()  # the child prints or exits
        if not line.startswith("PORT "):
            self.__exit__()
            raise RuntimeError(f"the floor server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


# --- the clients -------------------------------------------------------------


@dataclass
class Tally:
    learners: int
    messages: int
    received: list[bytearray] = field(init=False)  # [learner][k] = times received
    latencies: list[float] = field(default_factory=list)  # seconds
    slowest: dict[int, float] = field(default_factory=dict)  # k -> latency
    delivered: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    strangers: int = 0  # chat messages that are not this run's
    acks: int = 0
    failures: list[str] = field(default_factory=list)
    errors: int = 0
    connect_seconds: float = 0.0
    first_send: float = 0.0
    last_send: float = 0.0
    last_arrival: float = 0.0
    finished: bool = False
    # Shares of one core from the first send to the end: the client's CPU time,
    # the server's, and the server's time runnable but waiting for a CPU.
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    server_starved: float = 0.0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.received = [bytearray(self.messages) for _ in range(self.learners)]

    @property
    def expected(self) -> int:
        return self.learners * self.messages

    def check_done(self) -> None:
        """Every learner has every message and the trainer every ``ack``."""
        if self.delivered == self.expected and self.acks == self.messages:
            self.done.set()

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.failures) < 10:
            self.failures.append(what)


def _text(k: int, sent: float) -> str:
    return f"m{k} {sent:.6f}"


class FrameConnection(ClientConnection):
    """Hands each text frame to ``on_text(data, arrived)`` as soon as it is
    parsed off the socket, instead of queueing it for a reader task: with every
    learner in one event loop, a task switch per frame would be most of the
    client's work, and would hold back the clocks of the connections read last."""

    def __init__(self, *args, on_text, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.on_text = on_text

    def process_event(self, event) -> None:
        if self.response is not None and event.opcode is Opcode.TEXT and event.fin:
            self.on_text(bytes(event.data), time.perf_counter())
        else:  # the handshake, control frames (and fragments, never sent here)
            super().process_event(event)


class Learner:
    """One learner's connection: waits for ``welcome``, then notes chat arrivals."""

    def __init__(self, index: int, tally: Tally) -> None:
        self.index = index
        self.tally = tally
        self.ws: ClientConnection | None = None
        self.ready: asyncio.Future | None = None
        self.closing = False
        self.last_seq = 0

    async def run(self, url: str, headers: dict, origin: str, ready) -> None:
        self.ready = ready
        try:
            async with connect(
                url,
                additional_headers=headers,
                origin=origin,
                compression=None,
                open_timeout=60,
                create_connection=functools.partial(
                    FrameConnection, on_text=self.on_text
                ),
            ) as ws:
                self.ws = ws
                pinger = asyncio.create_task(self.ping(ws))
                try:
                    await ws.wait_closed()
                finally:
                    pinger.cancel()
                if not self.closing:
                    raise RuntimeError(
                        f"closed by the server: {ws.close_code} {ws.close_reason}"
                    )
        except Exception as e:  # noqa: BLE001 - every failure is a figure
            if not ready.done():
                ready.set_exception(e)
            else:
                self.tally.error(f"learner {self.index}: {type(e).__name__}: {e}")

    def on_text(self, data: bytes, arrived: float) -> None:
        frame = json.loads(data)
        if frame.get("type") == "chat.message":
            self._chat(frame, arrived)
        elif not self.ready.done():
            if frame.get("type") == "welcome":
                self.ready.set_result(None)
            else:
                self.ready.set_exception(RuntimeError(f"first frame {frame}"))
        elif frame.get("type") in ("error", "refused"):
            self.tally.error(f"learner {self.index} got {frame}")

    def _chat(self, frame: dict, arrived: float) -> None:
        t = self.tally
        seq = frame.get("seq", 0)
        if seq <= self.last_seq:
            t.out_of_order += 1
        self.last_seq = seq
        try:
            k_text, sent = frame["text"][1:].split(" ")
            k = int(k_text)
            got = self.tally.received[self.index]
            seen = got[k]
        except (KeyError, ValueError, IndexError):
            t.strangers += 1
            return
        got[k] = seen + 1 if seen < 255 else 255
        if seen:
            t.duplicates += 1
            return
        t.latencies.append(arrived - float(sent))
        t.slowest[k] = max(t.slowest.get(k, 0.0), arrived - float(sent))
        t.last_arrival = arrived
        t.delivered += 1
        if t.delivered == t.expected:
            t.check_done()

    @staticmethod
    async def ping(ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(PING_EVERY)
            await ws.send('{"type": "ping"}')

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            await self.ws.close()


async def _trainer_reader(ws: ClientConnection, tally: Tally) -> None:
    try:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") == "ack":
                tally.acks += 1
                tally.check_done()
            elif frame.get("type") in ("error", "refused"):
                tally.error(f"trainer got {frame}")
    except ConnectionClosed:
        pass


async def workload(
    url: str,
    origin: str,
    learner_cookies: list[str | None],
    trainer_cookie: str | None,
    *,
    rate: float,
    seconds: float,
    batch: int,
    deadline: float,
    cpu_of_server,
) -> Tally:
    """Connect the learners ``batch`` at a time (each batch waits for every
    ``welcome``), then the trainer, who sends ``rate`` chat messages a second
    for ``seconds``; return when every learner has every message, or
    ``deadline`` seconds after the last send."""
    messages = max(1, round(rate * seconds))
    tally = Tally(learners=len(learner_cookies), messages=messages)
    loop = asyncio.get_running_loop()
    learners = [Learner(i, tally) for i in range(tally.learners)]
    tasks = []
    started = time.perf_counter()
    try:
        for first in range(0, len(learners), batch):
            ready = []
            for learner in learners[first : first + batch]:
                cookie = learner_cookies[learner.index]
                headers = {"Cookie": cookie} if cookie else {}
                future = loop.create_future()
                ready.append(future)
                tasks.append(
                    asyncio.create_task(learner.run(url, headers, origin, future))
                )
            results = await asyncio.gather(*ready, return_exceptions=True)
            refused = [r for r in results if isinstance(r, BaseException)]
            if refused:
                raise RuntimeError(
                    f"{len(refused)} of learners {first}-{first + len(ready) - 1} "
                    f"were not welcomed; first: {type(refused[0]).__name__}: "
                    f"{refused[0]}"
                )
        tally.connect_seconds = time.perf_counter() - started
        _log(f"{tally.learners} learners welcomed in {tally.connect_seconds:.1f} s")

        headers = {"Cookie": trainer_cookie} if trainer_cookie else {}
        async with connect(
            url, additional_headers=headers, origin=origin, compression=None
        ) as ws:
            first = json.loads(await ws.recv())
            if first.get("type") != "welcome":
                raise RuntimeError(f"the trainer was not welcomed: {first}")
            reader = asyncio.create_task(_trainer_reader(ws, tally))
            pinger = asyncio.create_task(Learner.ping(ws))
            client_cpu, (server_ran, server_waited) = (
                time.process_time(),
                cpu_of_server(),
            )
            tally.first_send = time.perf_counter()
            for k in range(messages):
                # A steady rate: each frame at its slot, however long sends take.
                delay = tally.first_send + k / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent = time.perf_counter()
                frame = {
                    "type": "chat.send",
                    "id": str(uuid.uuid4()),
                    "text": _text(k, sent),
                }
                await ws.send(json.dumps(frame))
            tally.last_send = time.perf_counter()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(tally.done.wait(), timeout=deadline)
            tally.finished = tally.done.is_set()
            span = time.perf_counter() - tally.first_send
            ran, waited = cpu_of_server()
            tally.client_cpu = (time.process_time() - client_cpu) / span
            tally.server_cpu = (ran - server_ran) / span
            tally.server_starved = (waited - server_waited) / span
            reader.cancel()
            pinger.cancel()
    finally:
        await asyncio.wait_for(
            asyncio.gather(*(learner.close() for learner in learners)), timeout=30
        )
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return tally


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """Seconds a process's threads have run so far, and waited, runnable, for a
    CPU (another process had it). Linux /proc; else zeros."""
    ran = waited = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            fields = (task / "schedstat").read_text().split()
            ran += int(fields[0])
            waited += int(fields[1])
    except (OSError, IndexError, ValueError):
        pass
    return ran / 1e9, waited / 1e9


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _missing(t: Tally) -> str:
    """What did not arrive, briefly."""
    parts = []
    if t.delivered < t.expected:
        short = [
            (i, t.messages - sum(1 for n in got if n))
            for i, got in enumerate(t.received)
        ]
        short = [(i, n) for i, n in short if n]
        per_message = [
            sum(1 for got in t.received if not got[k]) for k in range(t.messages)
        ]
        gaps = [f"m{k}: {n}" for k, n in enumerate(per_message) if n]
        parts.append(
            f"{t.expected - t.delivered} deliveries missing; {len(short)} learners "
            f"missed messages (first: "
            f"{', '.join(f'#{i} missed {n}' for i, n in short[:5])}); learners "
            f"missing each message: {', '.join(gaps[:20])}"
            f"{' ...' if len(gaps) > 20 else ''}"
        )
    if t.acks < t.messages:
        parts.append(f"the trainer had {t.acks} of {t.messages} acks")
    return "; ".join(parts)


def _raise_open_files(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main() -> None:
    if sys.argv[1:] == ["--serve-floor"]:
        serve_floor()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500, help="learners")
    parser.add_argument("--rate", type=float, default=5, help="messages a second")
    parser.add_argument("--seconds", type=float, default=10, help="of sending")
    parser.add_argument(
        "--batch", type=int, default=50, help="learners connecting at once"
    )
    parser.add_argument(
        "--deadline", type=float, default=30, help="seconds after the last send"
    )
    parser.add_argument(
        "--only", choices=("floor", "room"), help="run one side (for checking)"
    )
    parser.add_argument(
        "--redis",
        default="",
        metavar="URL",
        help="run the room on the Redis channel layer (e.g. redis://127.0.0.1:6379/0)",
    )
    parser.add_argument(
        "--per-message",
        action="store_true",
        help="print each message's slowest delivery (rising: the server falls behind)",
    )
    args = parser.parse_args()
    _raise_open_files(max(MIN_OPEN_FILES, 2 * args.clients + 256))
    load = os.getloadavg()[0]  # other work on the machine skews every figure

    def run(url: str, origin: str, learner_cookies, trainer_cookie, pid: int) -> Tally:
        return asyncio.run(
            workload(
                url,
                origin,
                learner_cookies,
                trainer_cookie,
                rate=args.rate,
                seconds=args.seconds,
                batch=args.batch,
                deadline=args.deadline,
                cpu_of_server=lambda: _cpu_seconds(pid),
            )
        )

    runs: dict[str, Tally] = {}
    if args.only != "room":
        with FloorServer() as floor:
            origin = f"http://127.0.0.1:{floor.port}"
            url = f"ws://127.0.0.1:{floor.port}/ws/live/1/"
            runs["floor (websockets)"] = run(
                url, origin, [None] * args.clients, None, floor.process.pid
            )
    if args.only != "floor":
        with FanoutServer(learners=args.clients, redis_url=args.redis) as server:
            room = server.room
            cookie = room["cookie_name"]
            url = f"ws://127.0.0.1:{server.port}/ws/live/{room['session_id']}/"
            try:
                runs["room (Daphne)"] = run(
                    url,
                    server.base,
                    [f"{cookie}={c}" for c in room["learner_cookies"]],
                    f"{cookie}={room['trainer_cookie']}",
                    server.process.pid,
                )
            except (RuntimeError, OSError) as e:
                sys.exit(f"{e}\n--- daphne log ---\n{server.daphne_log()}")
            if server.process.poll() is not None:
                print(f"Daphne exited during the run:\n{server.daphne_log()}")

    messages = max(1, round(args.rate * args.seconds))
    print(
        f"\n{args.clients} learners in one room, {messages} chat messages at "
        f"{args.rate:g}/s; Daphne 1 process, DEBUG=0, SQLite, "
        f"{'Redis' if args.redis else 'in-memory'} layer; "
        f"{os.cpu_count()} CPUs (load average {load:.1f} at the start); "
        f"Python {sys.version.split()[0]}"
    )
    header = (
        f"{'target':<20} {'delivered/expected':>19} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'msgs/s':>8} {'connect s':>9} {'acks':>5} "
        f"{'server CPU':>10} {'CPU wait':>8} {'client CPU':>10}"
    )
    print(header)
    print("-" * len(header))
    figures = {}
    complete = True
    for name, t in runs.items():
        p50, p99 = (_percentile(t.latencies, q) * 1000 for q in (0.5, 0.99))
        span = (t.last_arrival - t.first_send) if t.delivered else 0
        rate = t.delivered / span if span > 0 else 0.0
        figures[name] = (p50, p99, rate, t)
        print(
            f"{name:<20} {f'{t.delivered}/{t.expected}':>19} {p50:>7.1f} {p99:>7.1f} "
            f"{max(t.latencies, default=0) * 1000:>7.1f} {rate:>8.0f} "
            f"{t.connect_seconds:>9.1f} {t.acks:>5} "
            f"{t.server_cpu:>10.0%} {t.server_starved:>8.0%} {t.client_cpu:>10.0%}"
        )
        if args.per_message:
            print(
                "  slowest learner per message, ms: "
                + " ".join(f"m{k}:{v * 1000:.0f}" for k, v in sorted(t.slowest.items()))
            )
        if not t.finished or t.delivered != t.expected:
            complete = False
            print(
                f"  incomplete {args.deadline:g} s after the last send: {_missing(t)}"
            )
        if t.duplicates or t.out_of_order or t.strangers or t.errors:
            complete = False
            print(
                f"  duplicates={t.duplicates} out_of_order={t.out_of_order} "
                f"strangers={t.strangers} errors={t.errors} {t.failures}"
            )
    if len(figures) == 2:
        p50, p99, rate, t = figures["room (Daphne)"]
        f50, f99, _, f = figures["floor (websockets)"]
        print(
            f"RESULT delivered={t.delivered} expected={t.expected} p50_ms={p50:.1f} "
            f"p99_ms={p99:.1f} msgs_per_s={rate:.0f} floor_p50_ms={f50:.1f} "
            f"floor_p99_ms={f99:.1f} floor_delivered={f.delivered} "
            f"ratio={p99 / f99:.2f}"
        )
    if not complete:
        sys.exit(1)


if __name__ == "__main__":
    main()
