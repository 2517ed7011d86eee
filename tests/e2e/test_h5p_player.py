"""Real H5P packages in a real browser: every valid fixture plays inside the
sandboxed frame, and those with questions record a score when a learner
answers through H5P's own interface."""

from __future__ import annotations

import re

import pytest
from django.core.files import File

from content_authoring.h5p.services import h5p_package_upload
from content_authoring.models import Block
from courses.models import Attempt, BlockSummary
from lms.models import Role
from tests import factories
from tests.conftest import FIXTURES

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

H5P_FIXTURES = FIXTURES / "h5p"
PASSWORD = "pw-Đắk-Lắk-2026"
VALID = [
    "H5P.Accordion.h5p",
    "H5P.Blanks.h5p",
    "H5P.Flashcards.h5p",
    "H5P.InteractiveVideo.h5p",
    "H5P.MultiChoice.h5p",
    "H5P.QuestionSet.h5p",
    "H5P.TrueFalse.h5p",
    "standalone-h5p-test.h5p",
]


def _lesson_with_package(name: str):
    """A published course whose one lesson is a single H5P block, a trainer who
    uploaded the package, and an enrolled learner."""
    trainer = factories.make_user(Role.TRAINER)
    course = factories.make_course(lessons=1, with_question=False, trainers=(trainer,))
    lesson = course.lessons.get()
    Block.objects.filter(lesson=lesson).delete()
    with (H5P_FIXTURES / name).open("rb") as handle:
        package = h5p_package_upload(
            actor=trainer, course=course, upload=File(handle, name=name)
        ).package
    block = Block.objects.create(
        lesson=lesson,
        block_type="h5p",
        position=1,
        fields={"package_id": package.pk},
        required=True,
        graded=package.has_questions,
    )
    learner = factories.make_user(Role.LEARNER)
    factories.enroll(learner, course)
    return course, lesson, block, learner


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")


def _open_lesson(live_server, phone, name: str):
    course, lesson, block, learner = _lesson_with_package(name)
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, live_server.url, learner.username)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.pk}/")
    frame_element = page.locator("iframe.h5p-frame")
    frame_element.scroll_into_view_if_needed()
    frame = page.frame_locator("iframe.h5p-frame")
    frame.locator("body[data-h5p-ready=true]").wait_for(state="attached")
    # The content itself rendered (H5P marks its root when initialised).
    frame.locator(".h5p-content.h5p-initialized").first.wait_for(state="attached")
    return page, frame, block, learner, errors


def _wait_recorded(page, count: int = 1) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('[data-h5p-block]').dataset.recorded"
        " || 0) >= n",
        arg=count,
    )


def _summary(block, learner) -> BlockSummary:
    return BlockSummary.objects.get(block=block, user=learner)


@pytest.mark.parametrize("name", VALID)
def test_every_valid_fixture_plays_in_the_sandboxed_frame(live_server, phone, name):
    page, frame, block, learner, errors = _open_lesson(live_server, phone, name)
    iframe = page.locator("iframe.h5p-frame")
    assert iframe.get_attribute("sandbox") == "allow-scripts"
    # Opaque origin: the frame cannot read the platform's cookies.
    origin = page.frames[1].evaluate("() => window.origin")
    assert origin == "null"
    cookie = page.frames[1].evaluate("() => document.cookie")
    assert cookie == ""
    assert page.frames[1].locator(".h5p-content").count() >= 1
    assert errors == [], errors


def test_accordion_completes_when_viewed(live_server, phone):
    page, frame, block, learner, _errors = _open_lesson(
        live_server, phone, "H5P.Accordion.h5p"
    )
    page.wait_for_function(
        "() => document.querySelector('[data-h5p-block]').dataset.viewedSaved"
        " === 'true'"
    )
    summary = _summary(block, learner)
    assert summary.completed_at is not None
    assert summary.score is None


def test_true_false_answer_records_a_score(live_server, phone):
    page, frame, block, learner, errors = _open_lesson(
        live_server, phone, "H5P.TrueFalse.h5p"
    )
    frame.locator(".h5p-true-false-answer").first.click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_recorded(page)
    attempt = Attempt.objects.get(block=block, user=learner)
    assert attempt.max_score == 1
    assert attempt.answer["verb"] == "answered"
    summary = _summary(block, learner)
    assert summary.max_score == 1 and summary.completed_at is not None
    assert errors == []


def test_standalone_test_package_answer_records_a_score(live_server, phone):
    page, frame, block, learner, _errors = _open_lesson(
        live_server, phone, "standalone-h5p-test.h5p"
    )
    frame.locator(".h5p-true-false-answer").first.click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_recorded(page)
    assert Attempt.objects.filter(block=block, user=learner).count() == 1
    assert _summary(block, learner).max_score == 1


def test_multichoice_answer_then_retry_records_two_attempts(live_server, phone):
    page, frame, block, learner, _errors = _open_lesson(
        live_server, phone, "H5P.MultiChoice.h5p"
    )
    frame.locator(".h5p-answer").first.click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_recorded(page, 1)
    first = Attempt.objects.get(block=block, user=learner)
    assert first.max_score and first.max_score >= 1
    frame.locator(".h5p-question-try-again").click()
    frame.locator(".h5p-answer").last.click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_recorded(page, 2)
    attempts = Attempt.objects.filter(block=block, user=learner)
    assert attempts.count() == 2
    assert len({a.submission_id for a in attempts}) == 2
    assert _summary(block, learner).attempts == 2


def test_blanks_answer_records_a_score(live_server, phone):
    page, frame, block, learner, _errors = _open_lesson(
        live_server, phone, "H5P.Blanks.h5p"
    )
    # This package checks each blank as it is left ("autoCheck"): the last one
    # filled makes the answer complete, with no check button.
    for blank in frame.locator("input.h5p-text-input").all():
        blank.fill("x")
        blank.press("Tab")
    _wait_recorded(page)
    attempt = Attempt.objects.get(block=block, user=learner)
    assert attempt.max_score == frame.locator("input.h5p-text-input").count()
    assert attempt.score == 0


def test_question_set_finished_records_the_total_once(live_server, phone):
    page, frame, block, learner, _errors = _open_lesson(
        live_server, phone, "H5P.QuestionSet.h5p"
    )
    _finish_question_set(frame)
    _wait_recorded(page)
    attempts = Attempt.objects.filter(block=block, user=learner)
    # Each child question's own "answered" has a parent: only the total counts.
    assert attempts.count() == 1
    assert attempts[0].answer["verb"] == "completed"
    assert attempts[0].max_score and attempts[0].max_score > 1
    assert _summary(block, learner).completed_at is not None


def _finish_question_set(frame) -> None:
    """Answer every question with its first option (or "x" in blanks) and
    move on until the result page shows."""
    intro = frame.locator(".qs-startbutton")
    if intro.count() and intro.first.is_visible():
        intro.first.click()
    for _ in range(40):
        if frame.locator(".questionset-results").first.is_visible():
            return
        question = frame.locator(".question-container:visible").first
        blanks = question.locator("input.h5p-text-input")
        for i in range(blanks.count()):
            blanks.nth(i).fill("x")
        for selector in (
            ".h5p-answer",
            ".h5p-true-false-answer",
            ".h5p-alternative-container",
        ):
            options = question.locator(selector)
            if options.count():
                options.first.click()
                break
        check = question.locator(".h5p-question-check-answer:visible")
        if check.count():
            check.first.click()
        for selector in (".h5p-question-finish:visible", ".h5p-question-next:visible"):
            button = question.locator(selector)
            if button.count():
                button.first.click()
                break
        else:
            raise AssertionError(
                "the question set shows no next or finish button: "
                + re.sub(r"\s+", " ", question.inner_text())[:300]
            )
    raise AssertionError("the question set never reached its results")
