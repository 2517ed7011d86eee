"""The channel layer and cache the settings choose really carry messages:
the in-memory ones by default, Redis when REDIS_URL is set (CI's second pass)."""

import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache

from lms.settings import env


def test_backends_follow_the_environment():
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if env.REDIS_URL:
        assert layer == "channels_redis.core.RedisChannelLayer"
        assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    else:
        assert layer == "lms.channel_layers.ThrottledSweepInMemoryChannelLayer"
    if env.DATABASE_URL:
        assert (
            settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        )


def test_group_message_reaches_a_member_channel():
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    group = f"test-{uuid.uuid4().hex}"
    async_to_sync(layer.group_add)(group, channel)
    async_to_sync(layer.group_send)(
        group, {"type": "chat.message", "text": "Ơ̆ng hriăm"}
    )
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "chat.message", "text": "Ơ̆ng hriăm"}
    async_to_sync(layer.group_discard)(group, channel)


def test_cache_round_trips_unicode():
    key = f"t-{uuid.uuid4().hex}"
    cache.set(key, "Tiếng Ê Đê ê̆", 30)
    assert cache.get(key) == "Tiếng Ê Đê ê̆"


@pytest.mark.django_db
def test_database_is_the_configured_one():
    from django.db import connection

    assert connection.vendor == ("postgresql" if env.DATABASE_URL else "sqlite")
    if connection.vendor == "sqlite":
        # A file like the demo's: concurrency tests mean nothing in memory.
        assert "memory" not in str(connection.settings_dict["NAME"])
