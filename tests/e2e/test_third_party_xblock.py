"""A third-party XBlock from PyPI (drag-and-drop v2), unchanged, in a real browser:
its own JavaScript starts through xblock-runtime.js, a learner places the items
with the keyboard and with the mouse, checks, and the score reaches the records."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


DND_DATA = {
    "targetImgDescription": "Sơ đồ vườn cà phê",
    "zones": [
        {"uid": "shade", "title": "Dưới bóng râm", "description": "Vùng râm",
         "x": 10, "y": 10, "width": 220, "height": 180, "align": "center"},
        {"uid": "sun", "title": "Ngoài nắng", "description": "Vùng nắng",
         "x": 260, "y": 10, "width": 220, "height": 180, "align": "center"},
    ],
    "items": [
        {"displayName": "Cây cà phê con", "zones": ["shade"], "imageURL": "",
         "id": 0, "feedback": {"correct": "Đúng!", "incorrect": "Chưa đúng."}},
        {"displayName": "Cây muồng", "zones": ["sun"], "imageURL": "", "id": 1,
         "feedback": {"correct": "Đúng!", "incorrect": "Chưa đúng."}},
    ],
    "feedback": {"start": "Kéo cây vào chỗ trồng.", "finish": "Hoàn thành!"},
}  # fmt: skip


@pytest.fixture
def dnd_lesson(live_server):
    from content_authoring.models import Block
    from tests import factories

    course = factories.make_course(lessons=1, with_question=False)
    lesson = course.lessons.get()
    block = Block.objects.create(
        lesson=lesson,
        block_type="drag-and-drop-v2",
        position=2,
        fields={
            "display_name": "Trồng cây đúng chỗ",
            "mode": "assessment",
            "max_attempts": 2,
            "data": DND_DATA,
        },
        required=True,
        graded=True,
    )
    learner = factories.make_user()
    factories.enroll(learner, course)
    return course, lesson, block, learner


def test_learner_places_items_checks_and_the_score_is_recorded(
    live_server, phone, dnd_lesson
):
    from courses.models import Attempt, BlockSummary, Enrollment

    course, lesson, block, learner = dnd_lesson
    base = live_server.url
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    handler_calls: list[tuple[str, str, str | None, str | None]] = []
    page.on(
        "request",
        lambda r: (
            "/handler/" in r.url
            and handler_calls.append(
                (
                    r.method,
                    r.url.rsplit("/handler/", 1)[1],
                    r.headers.get("x-csrftoken"),
                    r.headers.get("x-submission-id"),
                )
            )
        ),
    )

    sign_in(page, base, learner.username)
    page.goto(f"{base}/courses/{course.slug}/lessons/{lesson.pk}/")
    section = page.locator(f"#block-{block.pk}")
    # The block's own code started: it fetched its state and drew the items.
    item0 = section.locator(".item-bank .option[data-value='0']")
    item1 = section.locator(".item-bank .option[data-value='1']")
    item0.wait_for()
    assert section.get_attribute("data-initialized") == "true"
    assert page.locator("script[src*='jquery']").count() == 1

    # Keyboard placement (the block's accessible way): Enter picks the item up
    # and focuses the first zone; Enter drops it there.
    item0.focus()
    page.keyboard.press("Enter")
    with page.expect_response(lambda r: "/handler/drop_item" in r.url):
        page.keyboard.press("Enter")
    section.locator(".zone[data-uid='shade'] .option[data-value='0']").wait_for()

    # Mouse drag for the other one, onto the sunny zone. The block redraws
    # after its handler answers; measure only once the layout has settled, or
    # a busy machine drops the item where the zone used to be.
    item1.scroll_into_view_if_needed()
    sun = section.locator(".zone[data-uid='sun']")
    box, zone = item1.bounding_box(), sun.bounding_box()
    for _ in range(20):
        page.wait_for_timeout(100)
        settled = (item1.bounding_box(), sun.bounding_box())
        if settled == (box, zone):
            break
        box, zone = settled
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # The picture is wider than a phone: release just inside the zone's left edge.
    page.mouse.move(zone["x"] + 15, zone["y"] + 40, steps=8)
    page.mouse.up()
    section.locator(".zone[data-uid='sun'] .option[data-value='1']").wait_for()

    section.locator(".submit-attempt-container .submit").click()
    section.locator(".message.correct", has_text="Your highest score is 1").wait_for()
    page.screenshot(
        path=str(SCREENSHOTS / "e2e-third-party-xblock.png"), full_page=True
    )

    attempt = Attempt.objects.get(user=learner, block=block)
    assert (attempt.score, attempt.max_score) == (1.0, 1.0)
    summary = BlockSummary.objects.get(user=learner, block=block)
    assert summary.completed_at is not None
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.score == pytest.approx(1.0)
    assert enrollment.progress == pytest.approx(0.5)  # the text is not done yet

    # Reloading shows the saved placement and the recorded progress.
    page.reload()
    section.locator(".zone[data-uid='shade'] .option[data-value='0']").wait_for()
    assert page.locator("#course-progress").get_attribute("value") == "50"

    assert errors == []
    assert handler_calls, "the block called no handler"
    # Every handler call was a POST with the CSRF token and its own submission id.
    assert {m for m, *_ in handler_calls} == {"POST"}
    assert all(token and sid for _m, _h, token, sid in handler_calls)
    ids = [sid for *_rest, sid in handler_calls]
    assert len(set(ids)) == len(ids)
    handlers = [h.split("/")[0] for _m, h, _t, _s in handler_calls]
    assert "student_view_user_state" in handlers and "do_attempt" in handlers
