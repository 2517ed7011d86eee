"""The one way real-time events leave the services.

A *room event* is numbered (``seq``, per session, without gaps) and stored in the
same transaction as the change it reports, then broadcast to the room's group
after the commit. Numbering under a lock on the session row means event ``n`` is
committed before ``n + 1`` can be numbered, so a consumer that sees a gap can
always fill it from the database. Frames that are not room events (WebRTC
signaling, presence for trainers, acknowledgements) go to one person or to the
trainers, unnumbered. Only ``live_classes.services`` calls this module.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from live_classes.models import LiveSession, RoomEvent


def room_group(session_id: int) -> str:
    return f"live-{session_id}"


def user_group(session_id: int, user_id: int) -> str:
    return f"live-{session_id}-u-{user_id}"


def staff_group(session_id: int) -> str:
    return f"live-{session_id}-staff"


def person(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def event_frame(event: RoomEvent) -> dict[str, Any]:
    """The frame clients receive for ``event`` (see docs/live-protocol.md)."""
    return {
        "type": event.type,
        "seq": event.seq,
        "at": event.created_at.isoformat(),
        "by": event.data.get("_by"),
        **{k: v for k, v in event.data.items() if not k.startswith("_")},
        **({"client_id": str(event.client_id)} if event.client_id else {}),
    }


def event_text(event: RoomEvent) -> str:
    return json.dumps(event_frame(event), ensure_ascii=False, separators=(",", ":"))


def room_event_append(
    *,
    session: LiveSession,
    type: str,
    actor=None,
    data: dict[str, Any] | None = None,
    client_id: uuid.UUID | None = None,
    close: str | list[int] | None = None,
) -> RoomEvent:
    """Number, store and (after commit) broadcast one room event.

    ``session`` must have been locked (``select_for_update``) in the current
    transaction. ``close`` asks the consumers to close after delivering it:
    ``"all"``, or the ids of the people to disconnect.
    """
    assert transaction.get_connection().in_atomic_block, "call inside atomic()"
    session.last_seq += 1
    LiveSession.objects.filter(pk=session.pk).update(last_seq=session.last_seq)
    payload = dict(data or {})
    payload["_by"] = person(actor)
    event = RoomEvent.objects.create(
        session=session,
        seq=session.last_seq,
        type=type,
        actor=actor,
        client_id=client_id,
        data=payload,
        created_at=timezone.now(),
    )
    message = {
        "type": "room.event",
        "seq": event.seq,
        "text": event_text(event),
        "close": close,
    }
    group = room_group(session.pk)
    transaction.on_commit(lambda: _group_send(group, message))
    return event


def frame_to_user(*, session_id: int, user_id: int, frame: dict[str, Any]) -> None:
    """An unnumbered frame to every connection of one person (after commit)."""
    _send_later(user_group(session_id, user_id), frame)


def frame_to_staff(*, session_id: int, frame: dict[str, Any]) -> None:
    """An unnumbered frame to the room's trainers (after commit)."""
    _send_later(staff_group(session_id), frame)


def _send_later(group: str, frame: dict[str, Any]) -> None:
    message = {
        "type": "room.direct",
        "text": json.dumps(frame, ensure_ascii=False, separators=(",", ":")),
    }
    transaction.on_commit(lambda: _group_send(group, message))


_outbox = threading.local()


@contextmanager
def collected() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Keep the broadcasts of the services called inside, for the caller to
    send. The WebSocket consumer runs services in a worker thread and sends
    their broadcasts itself, on its own event loop: a worker thread blocking on
    ``async_to_sync`` could wait for ever on a loop that a stopping server
    has closed, and keep the process from exiting."""
    previous = getattr(_outbox, "messages", None)
    _outbox.messages = []
    try:
        yield _outbox.messages
    finally:
        _outbox.messages = previous


def _group_send(group: str, message: dict[str, Any]) -> None:
    pending = getattr(_outbox, "messages", None)
    if pending is not None:
        pending.append((group, message))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send(group, message)
        return
    # This thread runs an event loop of its own (a script or test driving a
    # browser through Playwright's sync API) and cannot block on it.
    helper = threading.Thread(target=send, args=(group, message))
    helper.start()
    helper.join()
