"""Fixed-window counters in the shared cache (Redis when ``REDIS_URL`` is set,
so every process counts together): at most ``limit`` hits per key in a window
of ``window`` seconds that starts at the key's first hit."""

from __future__ import annotations

from django.core.cache import cache


def _key(key: str, window: int) -> str:
    return f"rate:{window}:{key}"


def allow(key: str, *, limit: int, window: int) -> bool:
    slot = _key(key, window)
    cache.add(slot, 0, timeout=window)
    try:
        count = cache.incr(slot)
    except ValueError:  # expired between add and incr
        cache.add(slot, 1, timeout=window)
        count = 1
    return count <= limit


async def aallow(key: str, *, limit: int, window: int) -> bool:
    slot = _key(key, window)
    await cache.aadd(slot, 0, timeout=window)
    try:
        count = await cache.aincr(slot)
    except ValueError:
        await cache.aadd(slot, 1, timeout=window)
        count = 1
    return count <= limit
