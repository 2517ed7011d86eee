"""The live room over WebSocket, through the project's whole ASGI stack."""

from __future__ import annotations

import pytest

from tests.live_classes.conftest import connect

pytestmark = pytest.mark.asyncio


async def test_chat_reaches_everyone_in_order_with_a_sequence_number(room):
    trainer = await connect(room.trainer, room.session)
    welcome = await trainer.recv()
    assert welcome["type"] == "welcome"
    assert welcome["you"]["moderator"] is True
    learner = await connect(room.learner, room.session)
    lw = await learner.recv()
    assert lw["you"]["moderator"] is False and lw["seq"] == 0
    answer = await learner.act({"type": "chat.send", "text": "Ơ năng, kâo hriăm"})
    assert answer["type"] == "ack" and answer["seq"] == 1
    got = await trainer.recv_until("chat.message")
    assert got["seq"] == 1
    assert got["text"] == "Ơ năng, kâo hriăm"
    assert got["by"]["name"] == "Y Siu Êban"
    mine = await learner.recv_until("chat.message")
    assert mine["client_id"] == answer["ref"]
    await trainer.close()
    await learner.close()
