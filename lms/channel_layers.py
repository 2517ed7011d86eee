"""The in-memory channel layer of the embedded default, made to hold a room.

Channels' ``InMemoryChannelLayer`` sweeps every channel and group for expired
messages on every send and receive; with 500 connections in one room that is
500 × 500 steps per broadcast, most of a core (measured with py-spy while
``bench/live_fanout.py`` ran). Sweeping at most once a second keeps expiry
working (messages expire after a minute, group memberships after a day) at a
cost that does not grow with the room.

A group send also made one task and one deep copy of the message per member;
here the one message goes straight onto each member's queue (consumers only
read it), as the Redis layer sends one encoded message to many.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from channels.layers import InMemoryChannelLayer


class ThrottledSweepInMemoryChannelLayer(InMemoryChannelLayer):
    sweep_every = 1.0  # seconds
    _last_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep < self.sweep_every:
            return
        self._last_sweep = now
        super()._clean_expired()

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        expires = time.time() + self.expiry
        for channel in list(self.groups.get(group, {})):
            queue = self.channels.setdefault(
                channel, asyncio.Queue(maxsize=self.get_capacity(channel))
            )
            # As in Channels, a full member misses it (the room refills by seq).
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait((expires, message))
