"""A trainer builds a lesson in the browser from a native question and a real
H5P package, publishes it with a note; a learner answers both and sees the
score."""

from __future__ import annotations

import re

import pytest

from content_authoring.models import Block, LessonRevision
from courses.models import Attempt, BlockSummary, Enrollment, Lesson
from lms.models import Role
from tests import factories
from tests.conftest import FIXTURES
from tests.e2e.conftest import PHONE, SCREENSHOTS, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUESTION = "Nên ghép cải tạo cà phê vào mùa nào?"
CHOICES = ["Giữa mùa khô", "Mùa mưa", "Bất kỳ lúc nào"]


def _last_block(page):
    return page.locator("li.author-block").last


def test_trainer_builds_and_publishes_a_lesson_learner_answers_it(live_server, browser):
    trainer = factories.make_user(Role.TRAINER, username="gv_ghep")
    learner = factories.make_user(Role.LEARNER, username="hv_ghep")
    course = factories.make_course(lessons=0, trainers=(trainer,), title="Ghép cà phê")
    factories.enroll(learner, course)
    base = live_server.url

    desk = browser.new_context(viewport={"width": 1100, "height": 900}, locale="vi-VN")
    desk.set_default_timeout(15_000)
    page = desk.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, trainer.username)

    # A new lesson in the course's module.
    page.goto(f"{base}/author/courses/{course.slug}/")
    page.fill("input[name=title][placeholder]", "Ôn tập: ghép cà phê")
    page.get_by_role("button", name=re.compile("Thêm bài học")).click()
    page.wait_for_url(re.compile(r"/author/lessons/\d+/$"))
    lesson = Lesson.objects.get(course=course, title="Ôn tập: ghép cà phê")
    assert lesson.status == "draft"

    # A multiple-choice question, filled in through its author view.
    page.select_option("select[name=block_type]", "mcq")
    page.locator("form[action$='/blocks/'] button").click()
    block = _last_block(page)
    block.locator("textarea[name=question]").fill(QUESTION)
    rows = block.locator("input[name=choice]")
    for i, text in enumerate(CHOICES):
        rows.nth(i).fill(text)
    block.locator("input[name=correct][value='1']").check()
    block.locator("form.block-author-form > button").click()
    page.wait_for_load_state()
    mcq = Block.objects.get(lesson=lesson, block_type="mcq")
    assert mcq.fields["question"] == QUESTION and mcq.fields["correct"] == [1]
    assert not mcq.live

    # An H5P block: upload a real package from its author view, then pick it.
    page.select_option("select[name=block_type]", "h5p")
    page.locator("form[action$='/blocks/'] button").click()
    _last_block(page).get_by_role("link", name=re.compile("H5P")).click()
    page.set_input_files("#id_package", str(FIXTURES / "h5p" / "H5P.TrueFalse.h5p"))
    page.get_by_role("button", name=re.compile("Tải lên")).click()
    page.locator("#h5p-uploaded").wait_for()
    page.locator("a.button.secondary", has_text=re.compile("Quay lại")).click()
    page.wait_for_url(re.compile(r"/author/lessons/\d+/"))
    block = _last_block(page)
    block.locator("input[name=package_id]").first.check()
    block.locator("form.block-author-form > button").click()
    page.wait_for_load_state()
    h5p = Block.objects.get(lesson=lesson, block_type="h5p")
    assert h5p.fields["package_id"]

    # Reorder by dragging the H5P block above the question...
    page.reload()
    blocks = page.locator("li.author-block")
    # Fold the forms so both blocks are on the screen.
    page.evaluate(
        "() => document.querySelectorAll('li.author-block details')"
        ".forEach(d => { d.open = false; })"
    )
    blocks.nth(1).scroll_into_view_if_needed()
    handle = blocks.nth(1).locator(".handle").bounding_box()
    target = blocks.nth(0).bounding_box()
    page.mouse.move(handle["x"] + 5, handle["y"] + 5)
    page.mouse.down()
    page.mouse.move(target["x"] + 40, target["y"] + 6, steps=8)
    page.mouse.up()
    page.locator("[role=status]", has_text="Đã lưu thứ tự").wait_for()
    order = lambda: [  # noqa: E731
        b.pk
        for b in sorted(
            Block.objects.filter(lesson=lesson),
            key=lambda b: (b.draft or {}).get("position", b.position),
        )
    ]
    assert order() == [h5p.pk, mcq.pk]
    # ...and back with the keyboard: the move-down button of the first block.
    down = page.locator(f"#b{h5p.pk} button[value=down]")
    down.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.locator(f"li.author-block:first-child#b{mcq.pk}").wait_for()
    assert order() == [mcq.pk, h5p.pk]

    # Publish with a change note.
    page.fill("input[name=note]", "Thêm câu hỏi ghép cành và bài H5P")
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    assert page.locator(".messages").inner_text().startswith("Đã đăng")
    page.screenshot(path=str(SCREENSHOTS / "e2e-authoring.png"), full_page=True)
    revision = LessonRevision.objects.get(lesson=lesson)
    assert revision.note == "Thêm câu hỏi ghép cành và bài H5P"
    lesson.refresh_from_db()
    assert lesson.status == "published"
    assert set(Block.objects.filter(lesson=lesson).values_list("live", flat=True)) == {
        True
    }
    assert errors == [], errors
    desk.close()

    # The learner, on a phone, answers both.
    phone = browser.new_context(**PHONE)
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, learner.username)
    page.goto(f"{base}/courses/{course.slug}/lessons/{lesson.pk}/")
    question = page.locator("section.block").filter(
        has=page.locator("input[type=radio]")
    )
    question.get_by_label(CHOICES[1]).check()
    question.locator("button").first.click()
    page.wait_for_function(
        "() => Number(document.querySelector('#course-progress').value) > 0"
    )
    frame = page.frame_locator("iframe.h5p-frame")
    frame.locator(".h5p-true-false-answer").first.click()
    frame.locator(".h5p-question-check-answer").click()
    page.wait_for_function(
        "() => Number(document.querySelector('[data-h5p-block]').dataset.recorded"
        " || 0) >= 1"
    )
    page.screenshot(path=str(SCREENSHOTS / "e2e-authoring-learner.png"), full_page=True)
    assert BlockSummary.objects.get(block=mcq, user=learner).score == 1.0
    h5p_summary = BlockSummary.objects.get(block=h5p, user=learner)
    assert h5p_summary.max_score == 1 and h5p_summary.completed_at is not None
    assert Attempt.objects.filter(user=learner).count() == 2
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.progress == 1.0 and enrollment.completed_at is not None
    # The learner sees the score: the question's feedback and the course page.
    page.goto(f"{base}/courses/{course.slug}/")
    assert "100" in page.locator("main").inner_text()
    assert errors == [], errors
    phone.close()
