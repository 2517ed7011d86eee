"""The live room across web processes: two Daphne processes share one database
and one Redis channel layer, as behind a load balancer.

Each test starts real servers (tests/asgi_server.py) on the test database and
talks to them with the ``websockets`` client, as a browser would. Nothing waits
by sleeping: every wait is for a frame, with a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from live_classes.models import LiveSession
from lms.models import Role, User
from tests.asgi_server import DaphneServer, redis_url_or_skip, session_cookie
from tests.factories import enroll, make_course, make_user

# Longest wait for any one frame, connection or close.
TIMEOUT = 10.0
# Frames a server sends that are not room events, though some carry a seq.
NOT_ROOM_EVENTS = {"welcome", "ack", "error", "refused", "pong", "presence"}


@pytest.fixture
def redis_url() -> str:
    """The Redis the servers share: $REDIS_URL, else a local one if it answers."""
    return redis_url_or_skip()


@dataclass
class Room:
    """A live session, its trainer and two enrolled learners (as cookies)."""

    session: LiveSession
    trainer: User
    learners: list[User]
    cookies: dict[int, str]

    def path(self, last_seq: int | None = None) -> str:
        path = f"/ws/live/{self.session.pk}/"
        return path if last_seq is None else f"{path}?last_seq={last_seq}"

    async def join(
        self, server: DaphneServer, user: User, *, last_seq: int | None = None
    ) -> RoomClient:
        """``user`` opens the room on ``server`` (fresh, or resuming)."""
        name = f"{user.username} via {server.name}"
        if last_seq is not None:
            name += f" (last_seq={last_seq})"
        return await RoomClient.open(
            server, self.path(last_seq), self.cookies[user.pk], name
        )


@pytest.fixture
def scale_room(transactional_db) -> Room:
    """Committed and signed in, so the servers see them."""
    from live_classes.services import live_session_create

    trainer = make_user(Role.TRAINER, full_name="Cô H'Hen Niê")
    learners = [
        make_user(Role.LEARNER, full_name="Y Siu Êban"),
        make_user(Role.LEARNER, full_name="H'Nhi Byă"),
    ]
    course = make_course(trainers=(trainer,))
    for learner in learners:
        enroll(learner, course)
    now = timezone.now()
    session = live_session_create(
        actor=trainer,
        course=course,
        title="Chăm sóc cà phê mùa khô",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )
    return Room(
        session=session,
        trainer=trainer,
        learners=learners,
        cookies={u.pk: session_cookie(u) for u in (trainer, *learners)},
    )


class RoomClient:
    """One WebSocket to a room, keeping every frame it received (for messages)."""

    def __init__(self, ws: ClientConnection, name: str, server: DaphneServer):
        self.ws = ws
        self.name = name
        self.server = server
        self.frames: list[dict] = []

    @classmethod
    async def open(
        cls, server: DaphneServer, path: str, cookie: str, name: str
    ) -> RoomClient:
        ws = await connect(
            server.ws(path),
            origin=server.base,
            additional_headers={"Cookie": cookie},
            proxy=None,
            open_timeout=TIMEOUT,
            close_timeout=2,
        )
        return cls(ws, name, server)

    def history(self) -> str:
        lines = "\n".join(f"  {json.dumps(f, ensure_ascii=False)}" for f in self.frames)
        return f"{self.name} ({self.server.name}) received:\n{lines or '  nothing'}"

    async def send(self, frame: dict, frame_id: str | None = None) -> str:
        """Send ``frame`` with ``frame_id`` (a fresh one by default); return it."""
        frame_id = frame_id or str(uuid.uuid4())
        await self.ws.send(json.dumps({**frame, "id": frame_id}))
        return frame_id

    async def receive(self) -> dict:
        try:
            raw = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
        except TimeoutError:
            pytest.fail(
                f"{self.name}: no frame within {TIMEOUT:.0f} s\n{self.history()}\n"
                f"{self.server.log()}"
            )
        except ConnectionClosed as e:
            pytest.fail(
                f"{self.name}: connection closed ({e})\n{self.history()}\n"
                f"{self.server.log()}"
            )
        frame = json.loads(raw)
        self.frames.append(frame)
        return frame

    async def expect(self, type_: str, **fields) -> dict:
        """The next frame of ``type_`` (with these field values), skipping
        others; a refusal or an error first is a failure."""
        while True:
            frame = await self.receive()
            if frame.get("type") == type_ and all(
                frame.get(k) == v for k, v in fields.items()
            ):
                return frame
            if frame.get("type") in ("refused", "error"):
                pytest.fail(
                    f"{self.name}: expected {type_} {fields or ''}, got "
                    f"{json.dumps(frame, ensure_ascii=False)}\n{self.history()}"
                )

    async def room_events_through(self, seq: int) -> list[dict]:
        """Every room event received, up to and including number ``seq``."""
        events: list[dict] = []
        while not events or events[-1]["seq"] < seq:
            frame = await self.receive()
            if frame.get("type") in ("refused", "error"):
                pytest.fail(f"{self.name}: {frame}\n{self.history()}")
            if is_room_event(frame):
                events.append(frame)
        return events

    async def barrier(self) -> list[dict]:
        """Ping and wait for the pong; return the room events that came first."""
        await self.ws.send(json.dumps({"type": "ping"}))
        events = []
        while (frame := await self.receive())["type"] != "pong":
            if is_room_event(frame):
                events.append(frame)
        return events

    async def closed(self) -> None:
        """Wait for the connection to be closed by the other end."""
        try:
            async with asyncio.timeout(TIMEOUT):
                while True:
                    self.frames.append(json.loads(await self.ws.recv()))
        except ConnectionClosed:
            return
        except TimeoutError:
            pytest.fail(f"{self.name}: still open after {TIMEOUT:.0f} s")

    async def close(self) -> None:
        await self.ws.close()


def is_room_event(frame: dict) -> bool:
    return "seq" in frame and frame.get("type") not in NOT_ROOM_EVENTS


async def chat(trainer: RoomClient, text: str) -> int:
    """Send a chat message and return its seq (from the ack)."""
    frame_id = await trainer.send({"type": "chat.send", "text": text})
    ack = await trainer.expect("ack", ref=frame_id)
    assert isinstance(ack.get("seq"), int), trainer.history()
    return ack["seq"]


def test_daphne_serves_the_test_database_both_ways(daphne_servers):
    """A page through the server reads the test's committed rows and its write
    is visible to the test; a restarted server serves again on the same port."""
    from courses.models import Enrollment, Lesson

    learner = make_user(Role.LEARNER)
    course = make_course(title="Khoá học qua Daphne")
    enrollment = enroll(learner, course)
    lesson = Lesson.objects.get(course=course)
    server = daphne_servers.start()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        f"{server.base}/courses/{course.slug}/lessons/{lesson.pk}/",
        headers={"Cookie": session_cookie(learner)},
    )
    with opener.open(request, timeout=TIMEOUT) as response:
        assert response.status == 200, server.log()
        assert lesson.title in response.read().decode()
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == lesson.pk
    assert Enrollment.objects.get(pk=enrollment.pk).last_activity_at is not None

    port = server.port
    server.kill()
    assert not server.running
    server.restart()
    assert server.port == port
    with opener.open(f"{server.base}/healthz", timeout=TIMEOUT) as response:
        assert response.status == 200


def test_message_sent_through_one_process_reaches_clients_on_the_other(
    daphne_servers,
    redis_url,
    scale_room,
):
    room = scale_room
    learner = room.learners[0]
    a = daphne_servers.start(redis_url=redis_url)
    b = daphne_servers.start(redis_url=redis_url)
    text = "Chào cả lớp, hôm nay học tưới cà phê 🌱"

    async def scenario():
        async with contextlib.AsyncExitStack() as stack:
            on_b = await room.join(b, learner)
            stack.push_async_callback(on_b.close)
            on_a = await room.join(a, room.trainer)
            stack.push_async_callback(on_a.close)
            welcome = await on_b.expect("welcome")
            assert welcome["resumed"] is False
            assert welcome["you"]["moderator"] is False
            trainer_welcome = await on_a.expect("welcome")
            assert trainer_welcome["you"]["moderator"] is True

            frame_id = await on_a.send({"type": "chat.send", "text": text})
            ack = await on_a.expect("ack", ref=frame_id)
            message = await on_b.expect("chat.message")

            assert ack["seq"] == welcome["seq"] + 1, on_a.history()
            assert message["seq"] == ack["seq"], on_b.history()
            assert message["text"] == text
            assert message["by"]["id"] == room.trainer.pk
            assert message["client_id"] == frame_id
            # The sender's own process delivers it to the sender too.
            echoed = await on_a.expect("chat.message")
            assert echoed["seq"] == ack["seq"]

    asyncio.run(scenario())


def test_reconnect_to_other_process_resumes_from_the_right_sequence(
    daphne_servers,
    redis_url,
    scale_room,
):
    """The learner's process crashes (SIGKILL); the learner reconnects to the
    other one with ``last_seq`` and gets exactly what it missed, then live
    events; a fresh join on the restarted process sees the whole chat."""
    room = scale_room
    learner = room.learners[0]
    a = daphne_servers.start(redis_url=redis_url)
    b = daphne_servers.start(redis_url=redis_url)
    missed_texts = ["Tin nhắn 1: mở nắp bình", "Tin nhắn 2: đo độ ẩm", "Tin nhắn 3"]
    live_text = "Tin nhắn trực tiếp"

    async def scenario():
        async with contextlib.AsyncExitStack() as stack:
            trainer = await room.join(b, room.trainer)
            stack.push_async_callback(trainer.close)
            on_a = await room.join(a, learner)
            await trainer.expect("welcome")
            welcome = await on_a.expect("welcome")
            for emoji in ("👍", "👏"):
                frame_id = await trainer.send({"type": "reaction.send", "emoji": emoji})
                await trainer.expect("ack", ref=frame_id)
            seen = await on_a.room_events_through(welcome["seq"] + 2)
            assert [(e["type"], e["seq"], e["emoji"]) for e in seen] == [
                ("reaction", welcome["seq"] + 1, "👍"),
                ("reaction", welcome["seq"] + 2, "👏"),
            ], on_a.history()
            last_seq = seen[-1]["seq"]

            a.kill()  # the web process dies with the learner's connection
            await on_a.closed()

            missed = [await chat(trainer, text) for text in missed_texts]
            assert missed == [last_seq + 1, last_seq + 2, last_seq + 3]

            on_b = await room.join(b, learner, last_seq=last_seq)
            stack.push_async_callback(on_b.close)
            again = await on_b.expect("welcome")
            assert again["resumed"] is True, on_b.history()
            assert again["seq"] == last_seq
            # A live event while the missed ones may still be on their way.
            live_seq = await chat(trainer, live_text)
            assert live_seq == last_seq + 4

            events = await on_b.room_events_through(live_seq)
            assert [(e["type"], e["seq"], e.get("text")) for e in events] == [
                ("chat.message", last_seq + 1, missed_texts[0]),
                ("chat.message", last_seq + 2, missed_texts[1]),
                ("chat.message", last_seq + 3, missed_texts[2]),
                ("chat.message", last_seq + 4, live_text),
            ], on_b.history()
            assert await on_b.barrier() == [], on_b.history()

        # The crashed process, restarted, serves a fresh join at the room's state.
        a.restart()
        async with contextlib.AsyncExitStack() as stack:
            late = await room.join(a, room.learners[1])
            stack.push_async_callback(late.close)
            fresh = await late.expect("welcome")
            assert fresh["resumed"] is False
            assert fresh["seq"] == last_seq + 4
            assert [m["text"] for m in fresh["chat"]][-4:] == [
                *missed_texts,
                live_text,
            ], late.history()

    asyncio.run(scenario())


def test_frame_resent_through_other_process_after_a_crash_is_recorded_once(
    daphne_servers,
    redis_url,
    scale_room,
):
    """A phone whose process died re-sends its frame to another process: the
    same ``id`` is acknowledged with the same ``seq`` and nobody sees it twice."""
    room = scale_room
    a = daphne_servers.start(redis_url=redis_url)
    b = daphne_servers.start(redis_url=redis_url)
    frame = {"type": "chat.send", "text": "Gửi lại sau khi mất mạng"}

    async def scenario():
        async with contextlib.AsyncExitStack() as stack:
            learner = await room.join(b, room.learners[0])
            stack.push_async_callback(learner.close)
            on_a = await room.join(a, room.trainer)
            welcome = await learner.expect("welcome")
            await on_a.expect("welcome")
            frame_id = await on_a.send(frame)
            first = await on_a.expect("ack", ref=frame_id)
            assert first["seq"] == welcome["seq"] + 1
            assert (await learner.expect("chat.message"))["seq"] == first["seq"]

            a.kill()
            await on_a.closed()
            on_b = await room.join(b, room.trainer)
            stack.push_async_callback(on_b.close)
            await on_b.expect("welcome")
            await on_b.send(frame, frame_id)
            again = await on_b.expect("ack", ref=frame_id)
            assert again["seq"] == first["seq"], on_b.history()
            # The next message follows without a gap; nothing came in between.
            next_seq = await chat(on_b, "Tin nhắn tiếp theo")
            assert next_seq == first["seq"] + 1
            events = await learner.room_events_through(next_seq)
            assert [(e["seq"], e["text"]) for e in events] == [
                (next_seq, "Tin nhắn tiếp theo")
            ], learner.history()

    asyncio.run(scenario())


def slide_pictures(count: int) -> list[SimpleUploadedFile]:
    """``count`` small PNG pictures, each a different colour."""
    from PIL import Image

    pictures = []
    for n in range(count):
        buffer = io.BytesIO()
        Image.new("RGB", (320, 180), (40 * n, 120, 200 - 40 * n)).save(buffer, "PNG")
        pictures.append(
            SimpleUploadedFile(f"trang-{n + 1}.png", buffer.getvalue(), "image/png")
        )
    return pictures


def as_worker(call, /, **kwargs):
    """Call a service from another thread with its own database connection,
    closed after, as a task worker process would."""
    from django.db import connection

    try:
        return call(**kwargs)
    finally:
        connection.close()


def test_late_joiner_on_one_process_lands_on_the_slide_set_through_the_other(
    daphne_servers,
    redis_url,
    scale_room,
    settings,
):
    """Slides added by a third process reach both web processes' clients; the
    trainer on one moves to a slide; a late joiner on the other starts there."""
    from live_classes.services import slides_add

    room = scale_room
    a = daphne_servers.start(redis_url=redis_url)
    b = daphne_servers.start(redis_url=redis_url)
    # The test's own process broadcasts on the servers' layer, as a worker would.
    settings.CHANNEL_LAYERS = daphne_servers.channel_layers(redis_url)
    early, late = room.learners

    async def scenario():
        async with contextlib.AsyncExitStack() as stack:
            on_b = await room.join(b, early)
            stack.push_async_callback(on_b.close)
            trainer = await room.join(a, room.trainer)
            stack.push_async_callback(trainer.close)
            welcome = await on_b.expect("welcome")
            assert (welcome["slides"], welcome["slide"]) == ([], 0)
            await trainer.expect("welcome")

            added = await asyncio.to_thread(
                as_worker,
                slides_add,
                actor=room.trainer,
                session=room.session,
                uploads=slide_pictures(3),
            )
            assert added == 3
            for client in (on_b, trainer):
                updated = await client.expect("slides.updated")
                assert updated["seq"] == welcome["seq"] + 1, client.history()
                assert [s["n"] for s in updated["slides"]] == [0, 1, 2]

            frame_id = await trainer.send({"type": "slide.goto", "slide": 2})
            ack = await trainer.expect("ack", ref=frame_id)
            changed = await on_b.expect("slide.changed")
            assert (changed["seq"], changed["slide"]) == (ack["seq"], 2)

            joiner = await room.join(b, late)
            stack.push_async_callback(joiner.close)
            fresh = await joiner.expect("welcome")
            assert fresh["resumed"] is False
            assert fresh["seq"] == ack["seq"]
            assert fresh["slide"] == 2
            assert [s["n"] for s in fresh["slides"]] == [0, 1, 2]
            return fresh["slides"][2]["url"]

    url = asyncio.run(scenario())
    # The slide itself, from the other process, to the late joiner.
    request = urllib.request.Request(
        f"{a.base}{url}", headers={"Cookie": room.cookies[late.pk]}
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=TIMEOUT) as response:
        assert response.status == 200, a.log()
        assert response.headers["Content-Type"].startswith("image/")
