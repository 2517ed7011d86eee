"""The live room's WebSocket (protocol: docs/live-protocol.md).

An async consumer, unlike Channels' default advice, because a room's cost is its
fan-out: every broadcast reaches every connection, and an async handler that
forwards an already-encoded frame costs a fraction of a sync handler's hop to a
worker thread (docs/decisions/0009-live-room.md). Everything
that reads or writes the database is a service, called through
``database_sync_to_async``, so the consumer stays thin.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation

from live_classes import events, selectors, services
from live_classes.services import ERROR_MESSAGES, Refused, RoomError
from lms import ratelimit

SEEN_EVERY = 60.0  # seconds between attendance "still here" writes


def _dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def _in_language(lang: str, call, /, **kwargs):
    """Run a service in ``lang``; return its result and the broadcasts it made
    (the consumer sends them from its event loop: ``events.collected``)."""
    with translation.override(lang), events.collected() as outbox:
        try:
            return call(**kwargs), list(outbox)
        except RoomError as exc:
            # The message is rendered here, in the person's language.
            raise type(exc)(*_rendered(exc)) from None


def _rendered(exc: RoomError) -> tuple:
    if isinstance(exc, Refused):
        return (exc.code, str(exc.message), exc.close_code)
    return (exc.code, str(exc.message))


class LiveRoomConsumer(AsyncWebsocketConsumer):
    session_id: int
    user_id: int | None = None
    interval_id: int | None = None
    moderator = False
    last_seq = 0
    lang = "vi"
    groups_joined: tuple[str, ...] = ()
    last_seen_write = 0.0

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a hop to a worker thread)
        # before every handler; a broadcast touches no database, and 500 hops
        # per chat message were a sixth of the process's time. The gap-fill
        # read goes through ``database_sync_to_async``, which cleans up itself.
        if message["type"] in ("room.event", "room.direct"):
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

    # --- connection -----------------------------------------------------------------

    async def connect(self) -> None:
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        user = self.scope.get("user")
        self.user = user
        last_seq = _last_seq(self.scope.get("query_string", b""))
        # Accept first, so a refusal can say why in a frame the page shows.
        await self.accept()
        self.user_id, self.lang = await database_sync_to_async(_identity)(user)
        if self.user_id is not None:
            # Join the groups before reading the room, so nothing said between
            # the read and the join is missed (duplicates are dropped by seq).
            self.groups_joined = (
                events.room_group(self.session_id),
                events.user_group(self.session_id, self.user_id),
            )
            for group in self.groups_joined:
                await self.channel_layer.group_add(group, self.channel_name)
        try:
            joined = await self._call(
                services.room_join,
                user=user,
                session_id=self.session_id,
                last_seq=last_seq,
            )
        except Refused as refused:
            await self._leave_groups()
            await self.send(
                _dumps(
                    {
                        "type": "refused",
                        "code": refused.code,
                        "message": refused.message,
                    }
                )
            )
            await self.close(code=refused.close_code)
            return
        self.interval_id = joined.interval_id
        self.moderator = joined.moderator
        if self.moderator:
            group = events.staff_group(self.session_id)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined = (*self.groups_joined, group)
        for text in joined.frames:
            await self.send(text)
        self.last_seq = joined.seq
        self.last_seen_write = time.monotonic()

    async def disconnect(self, code: int) -> None:
        await self._leave_groups()
        if self.interval_id is not None:
            interval, self.interval_id = self.interval_id, None
            await self._call(services.room_leave, interval_id=interval)

    async def _call(self, service, /, **kwargs):
        """A service in a worker thread, then its broadcasts from this loop."""
        result, outbox = await database_sync_to_async(_in_language)(
            self.lang, service, **kwargs
        )
        for group, message in outbox:
            await self.channel_layer.group_send(group, message)
        return result

    async def _leave_groups(self) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = ()

    # --- from the client -------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data=None) -> None:
        if self.interval_id is None:
            return  # refused or closing
        if text_data is None:
            await self._error("malformed")
            return
        if len(text_data) > settings.LIVE_MAX_FRAME_BYTES or (
            len(text_data.encode()) > settings.LIVE_MAX_FRAME_BYTES
        ):
            await self._error("too_big")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("malformed")
            return
        kind = frame["type"]
        ref = frame.get("id") if isinstance(frame.get("id"), str) else None
        if settings.LIVE_RATE_LIMITS and not await self._allowed("frame"):
            await self._error("rate_limited", ref=ref)
            return
        if kind == "ping":
            await self._ping()
            return
        action = ACTIONS.get(kind)
        if action is None:
            await self._error("unknown_type", ref=ref)
            return
        if (
            kind == "chat.send"
            and settings.LIVE_RATE_LIMITS
            and not await self._allowed("chat")
        ):
            await self._error("rate_limited", ref=ref)
            return
        call, fields = action
        arguments = {
            ("client_id" if name == "id" else name): frame.get(name, default)
            for name, default in fields
        }
        try:
            done = await self._call(
                call, user=self.user, session_id=self.session_id, **arguments
            )
        except RoomError as exc:
            await self.send(
                _dumps(
                    {
                        "type": "error",
                        "code": exc.code,
                        "message": exc.message,
                        "ref": ref,
                    }
                )
            )
            return
        if ref is not None:
            seq = getattr(done, "seq", None)
            await self.send(_dumps({"type": "ack", "ref": ref, "seq": seq}))

    async def _ping(self) -> None:
        await self.send('{"type":"pong"}')
        now = time.monotonic()
        if self.interval_id is not None and now - self.last_seen_write >= SEEN_EVERY:
            self.last_seen_write = now
            await database_sync_to_async(services.room_seen)(
                interval_id=self.interval_id
            )

    async def _allowed(self, what: str) -> bool:
        """Fixed windows in the shared cache: ``rate`` a second on average with
        bursts up to ``burst``, per person and room across all connections."""
        rate, burst = (
            settings.LIVE_CHAT_RATE if what == "chat" else settings.LIVE_FRAME_RATE
        )
        return await ratelimit.aallow(
            f"live:{what}:{self.session_id}:{self.user_id}",
            limit=burst,
            window=max(1, round(burst / rate)),
        )

    async def _error(self, code: str, ref: str | None = None) -> None:
        with translation.override(self.lang):
            message = str(ERROR_MESSAGES[code])
        await self.send(
            _dumps({"type": "error", "code": code, "message": message, "ref": ref})
        )

    # --- from the room ----------------------------------------------------------

    async def room_event(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if seq <= self.last_seq:
            return  # already sent (it was in the welcome's state or the replay)
        if seq > self.last_seq + 1:
            # Broadcasts from two processes can overtake each other; the events
            # in between are committed, so read them.
            for text in await database_sync_to_async(selectors.event_texts)(
                session_id=self.session_id, after=self.last_seq, upto=seq - 1
            ):
                await self.send(text)
        await self.send(message["text"])
        self.last_seq = seq
        close = message.get("close")
        if close == "all":
            await self.close(code=4410)
        elif isinstance(close, list) and self.user_id in close:
            await self.close(code=4403)

    async def room_direct(self, message: dict[str, Any]) -> None:
        await self.send(message["text"])


def _identity(user) -> tuple[int | None, str]:
    if user is None or not user.is_authenticated:
        return None, "vi"
    return user.pk, user.preferred_language or "vi"


def _last_seq(query_string: bytes) -> int | None:
    values = parse_qs(query_string.decode("latin-1")).get("last_seq")
    if not values:
        return None
    try:
        value = int(values[0])
    except ValueError:
        return None
    return value if value >= 0 else None


def _hand_raise(**kw):
    return services.hand_set(raised=True, **kw)


def _hand_lower(**kw):
    return services.hand_set(raised=False, **kw)


def _end(*, user, session_id, client_id):
    return services.live_session_end(
        actor=user, session_id=session_id, client_id=client_id
    )


def _signal(*, user, session_id, to, kind, data):
    services.rtc_signal(user=user, session_id=session_id, to=to, kind=kind, data=data)


# Client frame type -> (service, [(frame field -> keyword, default)]).
ACTIONS: dict[str, tuple[Any, list[tuple[str, Any]]]] = {
    "chat.send": (services.chat_send, [("id", None), ("text", None)]),
    "hand.raise": (_hand_raise, [("id", None)]),
    "hand.lower": (_hand_lower, [("id", None), ("user_id", None)]),
    "reaction.send": (services.reaction_send, [("id", None), ("emoji", None)]),
    "slide.goto": (services.slide_goto, [("id", None), ("slide", None)]),
    "poll.open": (
        services.poll_open,
        [
            ("id", None),
            ("kind", None),
            ("question", None),
            ("options", None),
            ("correct", None),
        ],
    ),
    "poll.answer": (
        services.poll_answer,
        [("id", None), ("poll_id", None), ("option", None)],
    ),
    "poll.close": (services.poll_close, [("id", None), ("poll_id", None)]),
    "moderation.mute": (
        services.participant_mute,
        [("id", None), ("user_id", None), ("muted", True)],
    ),
    "moderation.remove": (
        services.participant_remove,
        [("id", None), ("user_id", None)],
    ),
    "session.end": (_end, [("id", None)]),
    "rtc.join": (services.rtc_join, [("id", None), ("media", None)]),
    "rtc.leave": (services.rtc_leave, [("id", None)]),
    "rtc.signal": (_signal, [("to", None), ("kind", None), ("data", None)]),
}
