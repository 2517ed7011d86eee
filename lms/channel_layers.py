"""The in-memory channel layer of the embedded default, made to hold a room.

Channels' ``InMemoryChannelLayer`` sweeps every channel and group for expired
messages on every send and receive; with 500 connections in one room that is
500 × 500 steps per broadcast, most of a core (measured with py-spy while
``bench/live_fanout.py`` ran). Sweeping at most once a second keeps expiry
working (messages expire after a minute, group memberships after a day) at a
cost that does not grow with the room.
"""

from __future__ import annotations

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
