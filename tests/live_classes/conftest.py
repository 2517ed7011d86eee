"""Live room fixtures: people, a course, a session, and WebSocket clients that
go through the project's whole ASGI stack (origin check, session auth)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from lms.models import Role
from tests.factories import enroll, make_course, make_user

TIMEOUT = 5


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A new channel layer object per test: each async test has its own event
    loop, and the Redis layer keeps locks and connections bound to the loop
    that first used them."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


class RoomClient:
    """One browser tab in the room: sends frames, reads frames in order."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.ws = communicator
        self.seen: list[dict[str, Any]] = []

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        frame = json.loads(await self.ws.receive_from(timeout))
        self.seen.append(frame)
        return frame

    async def recv_until(self, type_: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Frames up to and including the first of ``type_`` (others are kept
        in ``seen``)."""
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == type_:
                return frame

    async def send(self, frame: dict[str, Any]) -> str:
        frame = {"id": str(uuid.uuid4()), **frame}
        await self.ws.send_to(text_data=json.dumps(frame))
        return frame["id"]

    async def act(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send and wait for the ack (or error) naming this frame."""
        ref = await self.send(frame)
        while True:
            answer = await self.recv()
            if answer["type"] in ("ack", "error") and answer.get("ref") == ref:
                return answer

    async def nothing_more(self, timeout: float = 0.3) -> bool:
        return await self.ws.receive_nothing(timeout)

    async def close(self) -> None:
        await self.ws.disconnect()


async def connect(user, session, *, last_seq: int | None = None) -> RoomClient:
    from lms.asgi import application

    path = f"/ws/live/{session.pk}/"
    if last_seq is not None:
        path += f"?last_seq={last_seq}"
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        cookie = await _cookie(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await communicator.connect(TIMEOUT)
    assert connected
    return RoomClient(communicator)


async def _cookie(user) -> str:
    from channels.db import database_sync_to_async

    return await database_sync_to_async(session_cookie)(user)


@pytest.fixture
def room(transactional_db):
    """A published course with a trainer and two enrolled learners, and a
    live class that started five minutes ago."""
    from live_classes.services import live_session_create

    trainer = make_user(Role.TRAINER, full_name="Giảng viên H'Hen")
    learner = make_user(full_name="Y Siu Êban")
    other = make_user(full_name="H'Nhi Niê")
    course = make_course(trainers=(trainer,))
    enroll(learner, course)
    enroll(other, course)
    now = timezone.now()
    session = live_session_create(
        actor=trainer,
        course=course,
        title="Lớp trực tiếp: chào hỏi",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(minutes=55),
    )

    class Room:
        pass

    r = Room()
    r.trainer, r.learner, r.other, r.course, r.session = (
        trainer,
        learner,
        other,
        course,
        session,
    )
    return r
