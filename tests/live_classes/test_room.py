"""The live room over WebSocket, through the project's whole ASGI stack:
every client frame type, every refusal, and the resume rules."""

from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import override_settings
from django.utils import timezone

from live_classes import events
from live_classes.models import (
    AttendanceInterval,
    LiveSession,
    Participant,
    PollAnswer,
    RoomEvent,
    Slide,
)
from lms.models import Role
from tests.factories import enroll, make_cohort, make_user
from tests.live_classes.conftest import connect

pytestmark = pytest.mark.asyncio

db = sync_to_async


async def joined(user, session, **kw):
    client = await connect(user, session, **kw)
    welcome = await client.recv()
    assert welcome["type"] == "welcome", welcome
    client.welcome = welcome
    return client


async def refused(user, session, **kw) -> tuple[dict, int]:
    client = await connect(user, session, **kw)
    frame = await client.recv()
    closed = await client.ws.receive_output(5)
    assert closed["type"] == "websocket.close"
    return frame, closed["code"]


def add_slides(session, n: int) -> None:
    for i in range(n):
        Slide.objects.create(
            session=session, position=i, image=f"live/slides/t-{i}.webp"
        )


# --- chat ---------------------------------------------------------------------------


async def test_chat_reaches_everyone_in_order_with_a_sequence_number(room):
    trainer = await joined(room.trainer, room.session)
    assert trainer.welcome["you"]["moderator"] is True
    learner = await joined(room.learner, room.session)
    assert learner.welcome["you"]["moderator"] is False
    assert learner.welcome["seq"] == 0 and learner.welcome["resumed"] is False
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


async def test_chat_is_stored_nfc_and_ethnic_letters_round_trip(room):
    learner = await joined(room.learner, room.session)
    typed = unicodedata.normalize("NFD", "Kâo čiăng hriăm ê̆ ô̆ ơ̆ ư̆ ƀ")
    await learner.act({"type": "chat.send", "text": typed})
    got = await learner.recv_until("chat.message")
    expected = unicodedata.normalize("NFC", typed)
    assert got["text"] == expected and "\u0306" in expected
    stored = await db(lambda: RoomEvent.objects.get(session=room.session).data)()
    assert stored["text"] == expected
    await learner.close()


async def test_resent_frame_with_the_same_id_records_one_message(room):
    learner = await joined(room.learner, room.session)
    frame = {"type": "chat.send", "id": str(uuid.uuid4()), "text": "một lần"}
    await learner.ws.send_to(text_data=json.dumps(frame))
    first = await learner.recv_until("ack")
    await learner.ws.send_to(text_data=json.dumps(frame))
    second = await learner.recv_until("ack")
    assert first["seq"] == second["seq"] == 1
    count = await db(RoomEvent.objects.filter(type="chat.message").count)()
    assert count == 1
    await learner.close()


async def test_empty_and_too_long_chat_is_refused_and_the_connection_stays(room):
    learner = await joined(room.learner, room.session)
    assert (await learner.act({"type": "chat.send", "text": "   "}))[
        "code"
    ] == "invalid"
    long = {"type": "chat.send", "text": "a" * 501}
    assert (await learner.act(long))["code"] == "invalid"
    assert (await learner.act({"type": "chat.send", "text": 5}))["code"] == "invalid"
    assert (await learner.act({"type": "chat.send", "text": "ok"}))["type"] == "ack"
    await learner.close()


async def test_chat_history_is_in_a_fresh_join(room):
    learner = await joined(room.learner, room.session)
    for word in ("một", "hai", "ba"):
        await learner.act({"type": "chat.send", "text": word})
    late = await joined(room.other, room.session)
    assert [c["text"] for c in late.welcome["chat"]] == ["một", "hai", "ba"]
    assert late.welcome["seq"] == 3
    await learner.close()
    await late.close()


# --- refusals -----------------------------------------------------------------------


async def test_anonymous_is_refused_with_a_reason(room):
    frame, code = await refused(None, room.session)
    assert frame["type"] == "refused" and frame["code"] == "not_signed_in"
    assert frame["message"]
    assert code == 4401


async def test_not_enrolled_is_refused_in_their_language(room):
    stranger = await db(make_user)(preferred_language="en")
    frame, code = await refused(stranger, room.session)
    assert frame["code"] == "not_allowed" and code == 4403
    assert "learners and trainers of this course" in frame["message"]
    vi = await db(make_user)()
    frame, _code = await refused(vi, room.session)
    assert frame["message"] != "" and "learners" not in frame["message"]


async def test_trainer_of_another_course_is_refused(room):
    other_trainer = await db(make_user)(Role.TRAINER)
    frame, code = await refused(other_trainer, room.session)
    assert frame["code"] == "not_allowed" and code == 4403


async def test_province_admin_may_join_as_moderator(room):
    admin = await db(make_user)(Role.ADMIN)
    client = await joined(admin, room.session)
    assert client.welcome["you"]["moderator"] is True
    await client.close()


async def test_unknown_session_is_refused(room):
    class Missing:
        pk = 999999

    frame, code = await refused(room.learner, Missing)
    assert frame["code"] == "not_found" and code == 4404


async def test_cohort_session_refuses_enrolled_learners_outside_the_cohort(room):
    def restrict():
        cohort = make_cohort(room.learner, name="Cán bộ xã Ea Tul")
        LiveSession.objects.filter(pk=room.session.pk).update(cohort=cohort)

    await db(restrict)()
    inside = await joined(room.learner, room.session)
    frame, code = await refused(room.other, room.session)
    assert frame["code"] == "not_allowed" and code == 4403
    await inside.close()


async def test_learner_cannot_enter_long_before_the_start_but_the_trainer_can(room):
    def later():
        start = timezone.now() + timedelta(hours=3)
        LiveSession.objects.filter(pk=room.session.pk).update(
            starts_at=start, ends_at=start + timedelta(hours=1), status="scheduled"
        )

    await db(later)()
    frame, code = await refused(room.learner, room.session)
    assert frame["code"] == "not_open" and code == 4425
    trainer = await joined(room.trainer, room.session)
    await trainer.close()


async def test_ended_session_refuses_everyone(room):
    trainer = await joined(room.trainer, room.session)
    await trainer.act({"type": "session.end"})
    frame, code = await refused(room.learner, room.session)
    assert frame["code"] == "ended" and code == 4410


async def test_a_refused_client_cannot_act(room):
    stranger = await db(make_user)()
    client = await connect(stranger, room.session)
    await client.recv()
    count = await db(RoomEvent.objects.count)()
    assert count == 0


# --- resume -------------------------------------------------------------------------


async def test_reconnect_receives_exactly_what_was_missed_in_order(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await trainer.act({"type": "chat.send", "text": "1"})
    seen = await learner.recv_until("chat.message")
    await learner.close()
    for text in ("2", "3", "4"):
        await trainer.act({"type": "chat.send", "text": text})
    back = await joined(room.learner, room.session, last_seq=seen["seq"])
    assert back.welcome["resumed"] is True and back.welcome["seq"] == seen["seq"]
    assert "chat" not in back.welcome
    missed = [await back.recv() for _ in range(3)]
    assert [m["text"] for m in missed] == ["2", "3", "4"]
    assert [m["seq"] for m in missed] == [
        seen["seq"] + 1,
        seen["seq"] + 2,
        seen["seq"] + 3,
    ]
    await trainer.act({"type": "chat.send", "text": "5"})
    live = await back.recv_until("chat.message")
    assert live["text"] == "5" and live["seq"] == seen["seq"] + 4
    assert await back.nothing_more()
    await trainer.close()
    await back.close()


async def test_resume_number_beyond_the_room_is_a_fresh_join(room):
    learner = await joined(room.learner, room.session, last_seq=50)
    assert learner.welcome["resumed"] is False and "chat" in learner.welcome
    await learner.close()


async def test_resume_number_that_is_not_a_number_is_a_fresh_join(room):
    from channels.testing import WebsocketCommunicator

    from lms.asgi import application
    from tests.live_classes.conftest import RoomClient, session_cookie

    cookie = await db(session_cookie)(room.learner)
    communicator = WebsocketCommunicator(
        application,
        f"/ws/live/{room.session.pk}/?last_seq=abc",
        headers=[
            (b"origin", b"http://testserver"),
            (b"cookie", f"sessionid={cookie}".encode()),
        ],
    )
    assert (await communicator.connect())[0]
    client = RoomClient(communicator)
    welcome = await client.recv()
    assert welcome["type"] == "welcome" and welcome["resumed"] is False
    await client.close()


async def test_broadcasts_that_overtake_each_other_are_delivered_in_order_once(room):
    """Event n+1's broadcast arriving before n's (two web processes): the
    consumer reads n from the database, sends n then n+1, and drops the late n."""
    learner = await joined(room.learner, room.session)

    def appended():
        from django.db import transaction

        with transaction.atomic():
            session = LiveSession.objects.select_for_update().get(pk=room.session.pk)
            rows = []
            for emoji in ("👍", "👏"):
                session.last_seq += 1
                LiveSession.objects.filter(pk=session.pk).update(
                    last_seq=session.last_seq
                )
                rows.append(
                    RoomEvent.objects.create(
                        session=session,
                        seq=session.last_seq,
                        type="reaction",
                        data={"emoji": emoji, "_by": None},
                        created_at=timezone.now(),
                    )
                )
        return [(r.seq, events.event_text(r)) for r in rows]

    (seq1, text1), (seq2, text2) = await db(appended)()
    layer = get_channel_layer()
    group = events.room_group(room.session.pk)
    await layer.group_send(
        group, {"type": "room.event", "seq": seq2, "text": text2, "close": None}
    )
    await layer.group_send(
        group, {"type": "room.event", "seq": seq1, "text": text1, "close": None}
    )
    got = [await learner.recv(), await learner.recv()]
    assert [g["seq"] for g in got] == [seq1, seq2]
    assert [g["emoji"] for g in got] == ["👍", "👏"]
    assert await learner.nothing_more()
    await learner.close()


async def test_late_joiner_lands_on_the_current_slide(room):
    await db(add_slides)(room.session, 3)
    trainer = await joined(room.trainer, room.session)
    assert len(trainer.welcome["slides"]) == 3 and trainer.welcome["slide"] == 0
    answer = await trainer.act({"type": "slide.goto", "slide": 2})
    assert answer["type"] == "ack"
    late = await joined(room.learner, room.session)
    assert late.welcome["slide"] == 2
    assert late.welcome["slides"][2]["url"].endswith("t-2.webp")
    await trainer.close()
    await late.close()


# --- slides, hands, reactions -------------------------------------------------------


async def test_slide_changes_reach_learners_and_learners_cannot_change_slides(room):
    await db(add_slides)(room.session, 2)
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await trainer.act({"type": "slide.goto", "slide": 1})
    got = await learner.recv_until("slide.changed")
    assert got["slide"] == 1
    refused_ = await learner.act({"type": "slide.goto", "slide": 0})
    assert refused_["type"] == "error" and refused_["code"] == "forbidden"
    for bad in (2, -1, "1", True, None):
        answer = await trainer.act({"type": "slide.goto", "slide": bad})
        assert answer["code"] == "invalid", bad
    await trainer.close()
    await learner.close()


async def test_hand_raise_and_lower_by_the_learner_and_by_the_trainer(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await learner.act({"type": "hand.raise"})
    raised = await trainer.recv_until("hand.raised")
    assert raised["user"]["id"] == room.learner.pk
    late = await joined(room.other, room.session)
    assert [h["id"] for h in late.welcome["hands"]] == [room.learner.pk]
    answer = await late.act({"type": "hand.lower", "user_id": room.learner.pk})
    assert answer["code"] == "forbidden"
    await trainer.act({"type": "hand.lower", "user_id": room.learner.pk})
    lowered = await learner.recv_until("hand.lowered")
    assert (
        lowered["user"]["id"] == room.learner.pk
        and lowered["by"]["id"] == room.trainer.pk
    )
    for c in (trainer, learner, late):
        await c.close()


async def test_reactions_from_the_offered_set_only(room):
    learner = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    await learner.act({"type": "reaction.send", "emoji": "👏"})
    got = await other.recv_until("reaction")
    assert got["emoji"] == "👏" and got["by"]["id"] == room.learner.pk
    assert (await learner.act({"type": "reaction.send", "emoji": "💩"}))[
        "code"
    ] == "invalid"
    await learner.close()
    await other.close()


# --- polls --------------------------------------------------------------------------


async def test_poll_open_answer_tally_results_and_close(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    await trainer.act(
        {
            "type": "poll.open",
            "kind": "quiz",
            "question": "“Cảm ơn” tiếng Êđê là gì?",
            "options": ["Bơni", "Kâo", "Ih"],
            "correct": [0],
        }
    )
    opened = await learner.recv_until("poll.opened")
    poll = opened["poll"]
    assert poll["options"] == ["Bơni", "Kâo", "Ih"] and "correct" not in poll
    answer = await learner.act(
        {"type": "poll.answer", "poll_id": poll["id"], "option": 0}
    )
    assert answer["type"] == "ack"
    tally = await trainer.recv_until("poll.tally")
    assert tally["counts"] == [1, 0, 0] and tally["total"] == 1
    results = await other.recv_until("poll.results")
    assert results["counts"] == [1, 0, 0]
    again = await learner.act(
        {"type": "poll.answer", "poll_id": poll["id"], "option": 1}
    )
    assert again["code"] == "invalid"
    await other.act({"type": "poll.answer", "poll_id": poll["id"], "option": 2})
    tally = await trainer.recv_until("poll.tally")
    assert tally["counts"] == [1, 0, 1]
    mine = await trainer.act(
        {"type": "poll.answer", "poll_id": poll["id"], "option": 0}
    )
    assert mine["code"] == "forbidden"
    await trainer.act({"type": "poll.close", "poll_id": poll["id"]})
    closed = await learner.recv_until("poll.closed")
    assert closed["counts"] == [1, 0, 1] and closed["correct"] == [0]
    late = await other.act({"type": "poll.answer", "poll_id": poll["id"], "option": 1})
    assert late["code"] in ("invalid", "poll_closed")
    answers = await db(
        lambda: sorted(PollAnswer.objects.values_list("option", "correct"))
    )()
    assert answers == [(0, True), (2, False)]
    for c in (trainer, learner, other):
        await c.close()


async def test_answer_to_a_closed_poll_is_refused(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await trainer.act(
        {"type": "poll.open", "kind": "poll", "question": "?", "options": ["a", "b"]}
    )
    opened = await learner.recv_until("poll.opened")
    await trainer.act({"type": "poll.close", "poll_id": opened["poll"]["id"]})
    await learner.recv_until("poll.closed")
    answer = await learner.act(
        {"type": "poll.answer", "poll_id": opened["poll"]["id"], "option": 0}
    )
    assert answer["code"] == "poll_closed"
    await trainer.close()
    await learner.close()


async def test_open_poll_is_in_a_late_joiners_welcome_with_their_answer(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await trainer.act(
        {"type": "poll.open", "kind": "poll", "question": "Q", "options": ["a", "b"]}
    )
    opened = await learner.recv_until("poll.opened")
    await learner.act(
        {"type": "poll.answer", "poll_id": opened["poll"]["id"], "option": 1}
    )
    await learner.close()
    back = await joined(room.learner, room.session)
    assert back.welcome["poll"]["answered"] == 1
    assert back.welcome["poll"]["counts"] == [0, 1]
    await trainer.close()
    await back.close()


async def test_invalid_polls_are_refused_and_learners_cannot_open_polls(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    bad = [
        {"kind": "vote", "question": "Q", "options": ["a", "b"]},
        {"kind": "poll", "question": "", "options": ["a", "b"]},
        {"kind": "poll", "question": "Q", "options": ["a"]},
        {"kind": "poll", "question": "Q", "options": ["a"] * 7},
        {"kind": "poll", "question": "Q", "options": ["a", ""]},
        {"kind": "quiz", "question": "Q", "options": ["a", "b"]},
        {"kind": "quiz", "question": "Q", "options": ["a", "b"], "correct": [5]},
    ]
    for frame in bad:
        answer = await trainer.act({"type": "poll.open", **frame})
        assert answer["code"] == "invalid", frame
    answer = await learner.act(
        {"type": "poll.open", "kind": "poll", "question": "Q", "options": ["a", "b"]}
    )
    assert answer["code"] == "forbidden"
    await trainer.close()
    await learner.close()


# --- moderation ---------------------------------------------------------------------


async def test_muted_learner_cannot_chat_until_unmuted(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await trainer.act(
        {"type": "moderation.mute", "user_id": room.learner.pk, "muted": True}
    )
    muted = await learner.recv_until("participant.muted")
    assert muted["muted"] is True and muted["user"]["id"] == room.learner.pk
    answer = await learner.act({"type": "chat.send", "text": "xin chào"})
    assert answer["code"] == "muted"
    again = await joined(room.learner, room.session)
    assert again.welcome["you"]["muted"] is True
    await again.close()
    await trainer.act(
        {"type": "moderation.mute", "user_id": room.learner.pk, "muted": False}
    )
    await learner.recv_until("participant.muted")
    assert (await learner.act({"type": "chat.send", "text": "xin chào"}))[
        "type"
    ] == "ack"
    await trainer.close()
    await learner.close()


async def test_removed_learner_is_disconnected_and_cannot_come_back(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    await trainer.act({"type": "moderation.remove", "user_id": room.learner.pk})
    removed = await learner.recv_until("participant.removed")
    assert removed["user"]["id"] == room.learner.pk
    closed = await learner.ws.receive_output(5)
    assert closed == {"type": "websocket.close", "code": 4403}
    seen = await other.recv_until("participant.removed")
    assert seen["user"]["id"] == room.learner.pk
    frame, code = await refused(room.learner, room.session)
    assert frame["code"] == "removed" and code == 4403
    assert (await other.act({"type": "chat.send", "text": "vẫn ở đây"}))[
        "type"
    ] == "ack"
    await trainer.close()
    await other.close()


async def test_learners_cannot_moderate_and_trainers_cannot_be_muted(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    for frame in (
        {"type": "moderation.mute", "user_id": room.other.pk, "muted": True},
        {"type": "moderation.remove", "user_id": room.other.pk},
        {"type": "session.end"},
        {"type": "poll.close", "poll_id": 1},
    ):
        assert (await learner.act(frame))["code"] == "forbidden", frame
    answer = await trainer.act(
        {"type": "moderation.remove", "user_id": room.trainer.pk}
    )
    assert answer["code"] == "forbidden"
    answer = await trainer.act(
        {"type": "moderation.mute", "user_id": 424242, "muted": True}
    )
    assert answer["code"] == "invalid"
    for c in (trainer, learner, other):
        await c.close()


async def test_ending_the_session_tells_everyone_and_closes_every_connection(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await trainer.act({"type": "session.end"})
    ended = await learner.recv_until("session.ended")
    assert ended["by"]["id"] == room.trainer.pk
    assert (await learner.ws.receive_output(5))["code"] == 4410
    await trainer.recv_until("session.ended")
    assert (await trainer.ws.receive_output(5))["code"] == 4410

    def state():
        session = LiveSession.objects.get(pk=room.session.pk)
        open_ = AttendanceInterval.objects.filter(session=session, left_at__isnull=True)
        return session.status, session.ended_at is not None, open_.count()

    assert await db(state)() == ("ended", True, 0)


# --- presence and WebRTC signaling --------------------------------------------------


async def test_trainers_get_presence_and_learners_do_not(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    presence = await trainer.recv_until("presence")
    assert presence["count"] == 2 and presence["joined"]["id"] == room.learner.pk
    await learner.close()
    left = await trainer.recv_until("presence")
    assert left["count"] == 1 and left["left"]["id"] == room.learner.pk
    other = await joined(room.other, room.session)
    await trainer.act({"type": "chat.send", "text": "x"})
    frames = [await other.recv()]
    while frames[-1]["type"] != "chat.message":
        frames.append(await other.recv())
    assert all(f["type"] != "presence" for f in frames)
    await trainer.close()
    await other.close()


async def test_rtc_join_signal_and_leave(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    await trainer.act({"type": "rtc.join", "media": "audio"})
    joined_ = await learner.recv_until("rtc.joined")
    assert joined_["user"]["id"] == room.trainer.pk and joined_["media"] == "audio"
    offer = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}
    await learner.send(
        {"type": "rtc.signal", "to": room.trainer.pk, "kind": "offer", "data": offer}
    )
    got = await trainer.recv_until("rtc.signal")
    assert (
        got["from"]["id"] == room.learner.pk
        and got["kind"] == "offer"
        and got["data"] == offer
    )
    await trainer.send(
        {
            "type": "rtc.signal",
            "to": room.learner.pk,
            "kind": "answer",
            "data": {"type": "answer", "sdp": "v=0"},
        }
    )
    answer = await learner.recv_until("rtc.signal")
    assert answer["kind"] == "answer"
    # The third person hears the rtc.joined, not the private signaling.
    await other.recv_until("rtc.joined")
    await trainer.act({"type": "chat.send", "text": "marker"})
    frames = []
    while not frames or frames[-1]["type"] != "chat.message":
        frames.append(await other.recv())
    assert all(f["type"] != "rtc.signal" for f in frames)
    late = await joined(room.other, room.session)
    assert late.welcome["media"] == [
        {"id": room.trainer.pk, "name": room.trainer.display_name, "media": "audio"}
    ]
    await late.close()
    await trainer.act({"type": "rtc.leave"})
    left = await learner.recv_until("rtc.left")
    assert left["user"]["id"] == room.trainer.pk
    for c in (trainer, learner, other):
        await c.close()


async def test_rtc_signal_to_someone_absent_or_malformed_is_refused(room):
    learner = await joined(room.learner, room.session)
    for frame in (
        {"to": room.other.pk, "kind": "offer", "data": {"sdp": "x"}},  # not connected
        {"to": room.trainer.pk, "kind": "hello", "data": {}},
        {"to": room.learner.pk, "kind": "ice", "data": {}},
        {"to": "x", "kind": "ice", "data": {}},
        {"to": room.other.pk, "kind": "ice", "data": 5},
    ):
        answer = await learner.act({"type": "rtc.signal", **frame})
        assert answer["type"] == "error" and answer["code"] == "invalid", frame
    await learner.close()


async def test_media_mesh_is_capped(room):
    with override_settings(LIVE_RTC_MAX_PEERS=1):
        trainer = await joined(room.trainer, room.session)
        learner = await joined(room.learner, room.session)
        assert (await trainer.act({"type": "rtc.join", "media": "video"}))[
            "type"
        ] == "ack"
        full = await learner.act({"type": "rtc.join", "media": "audio"})
        assert full["code"] == "media_full"
        assert (await learner.act({"type": "rtc.join", "media": "screen"}))[
            "code"
        ] == "invalid"
        await trainer.close()
        await learner.close()


async def test_leaving_the_room_takes_a_person_out_of_the_mesh(room):
    trainer = await joined(room.trainer, room.session)
    learner = await joined(room.learner, room.session)
    await learner.act({"type": "rtc.join", "media": "audio"})
    await trainer.recv_until("rtc.joined")
    await learner.close()
    left = await trainer.recv_until("rtc.left")
    assert left["user"]["id"] == room.learner.pk
    media = await db(lambda: Participant.objects.get(user=room.learner).media)()
    assert media == ""
    await trainer.close()


# --- limits -------------------------------------------------------------------------


async def test_oversize_and_malformed_frames_get_errors_and_the_connection_stays(room):
    learner = await joined(room.learner, room.session)
    await learner.ws.send_to(text_data="x" * (16 * 1024 + 1))
    assert (await learner.recv())["code"] == "too_big"
    await learner.ws.send_to(text_data="{not json")
    assert (await learner.recv())["code"] == "malformed"
    await learner.ws.send_to(text_data="[1, 2]")
    assert (await learner.recv())["code"] == "malformed"
    await learner.ws.send_to(text_data='{"type": 5}')
    assert (await learner.recv())["code"] == "malformed"
    await learner.ws.send_to(bytes_data=b"\x00\x01")
    assert (await learner.recv())["code"] == "malformed"
    assert (await learner.act({"type": "teleport"}))["code"] == "unknown_type"
    assert (await learner.act({"type": "chat.send", "id": "not-a-uuid", "text": "x"}))[
        "code"
    ] == "invalid"
    assert (await learner.act({"type": "chat.send", "text": "vẫn khoẻ"}))[
        "type"
    ] == "ack"
    await learner.close()


async def test_too_many_frames_are_rate_limited_per_person(room):
    # Windows of 10 s allowing 10 frames: 25 frames sent within 10 s fall in at
    # most two windows, so at most 20 pass, whatever the clock says.
    with override_settings(LIVE_FRAME_RATE=(1, 10)):
        learner = await joined(room.learner, room.session)
        answers = []
        for _ in range(25):
            answers.append(await learner.act({"type": "reaction.send", "emoji": "👍"}))
        codes = [a.get("code") for a in answers]
        assert 10 <= codes.count(None) <= 20
        assert set(codes) == {None, "rate_limited"}
        # The limit is per person: a second tab shares it.
        tab = await joined(room.learner, room.session)
        again = [
            await tab.act({"type": "reaction.send", "emoji": "👏"}) for _ in range(12)
        ]
        assert "rate_limited" in [a.get("code") for a in again]
        await tab.close()
        await learner.close()


async def test_chat_has_its_own_tighter_limit(room):
    with override_settings(LIVE_CHAT_RATE=(1, 5)):
        learner = await joined(room.learner, room.session)
        answers = [
            await learner.act({"type": "chat.send", "text": f"m{i}"}) for i in range(12)
        ]
        codes = [a.get("code") for a in answers]
        assert 5 <= codes.count(None) <= 10 and "rate_limited" in codes
        # Reactions are not chat: still allowed.
        answer = await learner.act({"type": "reaction.send", "emoji": "👍"})
        assert answer["type"] == "ack"
        await learner.close()


async def test_ping_answers_pong_and_keeps_attendance_fresh(room):
    learner = await joined(room.learner, room.session)

    def age_interval():
        AttendanceInterval.objects.filter(user=room.learner).update(
            last_seen_at=timezone.now() - timedelta(minutes=5)
        )

    await db(age_interval)()
    from live_classes import consumers

    consumers.SEEN_EVERY, saved = 0.0, consumers.SEEN_EVERY
    try:
        await learner.ws.send_to(text_data='{"type":"ping"}')
        assert (await learner.recv())["type"] == "pong"
    finally:
        consumers.SEEN_EVERY = saved
    seen = await db(
        lambda: AttendanceInterval.objects.get(user=room.learner).last_seen_at
    )()
    assert timezone.now() - seen < timedelta(seconds=30)
    await learner.close()


async def test_a_dropped_connection_closes_its_attendance_interval(room):
    learner = await joined(room.learner, room.session)
    await learner.close()

    def intervals():
        return list(
            AttendanceInterval.objects.filter(user=room.learner).values_list(
                "left_at", flat=True
            )
        )

    left = await db(intervals)()
    assert len(left) == 1 and left[0] is not None


async def test_two_tabs_of_one_person_both_receive_and_count_once(room):
    tab1 = await joined(room.learner, room.session)
    tab2 = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    await other.act({"type": "chat.send", "text": "hai tab"})
    assert (await tab1.recv_until("chat.message"))["text"] == "hai tab"
    assert (await tab2.recv_until("chat.message"))["text"] == "hai tab"
    count = await db(Participant.objects.filter(user=room.learner).count)()
    assert count == 1
    for c in (tab1, tab2, other):
        await c.close()


async def test_a_new_enrollment_may_join_while_class_runs(room):
    newcomer = await db(make_user)()
    await db(enroll)(newcomer, room.course)
    client = await joined(newcomer, room.session)
    await client.close()


async def test_a_trainer_joining_late_sees_who_is_already_in_the_room(room):
    learner = await joined(room.learner, room.session)
    other = await joined(room.other, room.session)
    trainer = await joined(room.trainer, room.session)
    present = {p["id"] for p in trainer.welcome["present"]}
    assert present == {room.learner.pk, room.other.pk, room.trainer.pk}
    assert "present" not in learner.welcome
    for c in (learner, other, trainer):
        await c.close()


async def test_a_breve_typed_before_the_circumflex_is_stored_in_canonical_order(room):
    learner = await joined(room.learner, room.session)
    typed = "k" + "e\u0306\u0302" + "t"  # ĕ + circumflex: looks like kê̆t
    await learner.act({"type": "chat.send", "text": typed})
    got = await learner.recv_until("chat.message")
    assert got["text"] == "kê̆t" == unicodedata.normalize("NFC", "ke\u0302\u0306t")
    await learner.close()
