"""Real H5P packages in a real browser: every valid fixture plays inside the
sandboxed frame, and those with questions record a score when a learner
answers through H5P's own interface."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

import pytest
from django.core.files import File
from imageio_ffmpeg import get_ffmpeg_exe

from content_authoring.h5p.services import h5p_package_upload
from content_authoring.models import Block
from courses.models import Attempt, BlockSummary
from lms.models import Role
from tests import factories
from tests.conftest import FIXTURES
from tests.e2e.conftest import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

H5P_FIXTURES = FIXTURES / "h5p"
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


def _open_lesson(live_server, phone, name: str):
    course, lesson, block, learner = _lesson_with_package(name)
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server.url, learner.username)
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
    # The package shuffles its answers on every load, and H5P offers "Retry"
    # only after a wrong answer: pick answers by their text, wrong first.
    frame.locator(".h5p-answer", has_text="Blue").click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_recorded(page, 1)
    first = Attempt.objects.get(block=block, user=learner)
    assert first.score == 0 and first.max_score == 1
    frame.locator(".h5p-question-try-again").click()
    frame.locator(".h5p-answer", has_text="Very dark purple").click()
    frame.locator(".h5p-question-check-answer").click()
    _wait_recorded(page, 2)
    attempts = Attempt.objects.filter(block=block, user=learner)
    assert attempts.count() == 2
    assert len({a.submission_id for a in attempts}) == 2
    summary = _summary(block, learner)
    assert summary.attempts == 2 and summary.score == 1  # the best is kept


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


def _flashcards_answers() -> list[str]:
    """The right answer of each card of the Flashcards fixture, in order."""
    with zipfile.ZipFile(H5P_FIXTURES / "H5P.Flashcards.h5p") as package:
        content = json.loads(package.read("content/content.json"))
    return [card["answer"] for card in content["cards"]]


def test_flashcards_typed_to_the_end_record_the_score_once(live_server, phone):
    """The learner types an answer on every card and checks it; after the
    last card Flashcards sends one `completed` statement with the number of
    right answers, and that is the result (it does not complete on view)."""
    right = _flashcards_answers()
    assert len(right) == 5
    # Right for the first three cards (one in other letter case: Flashcards
    # ignores case), wrong for the last two.
    typed = [right[0], right[1].upper(), right[2], "Chuối", "Xoài"]
    page, frame, block, learner, errors = _open_lesson(
        live_server, phone, "H5P.Flashcards.h5p"
    )
    # The cards are built once their pictures have loaded.
    frame.locator(".h5p-card.h5p-current").wait_for()
    cards = frame.locator(".h5p-card")
    assert cards.count() == len(right)
    for index, answer in enumerate(typed):
        card = cards.nth(index)
        assert "h5p-current" in (card.get_attribute("class") or "")
        card.locator(".h5p-textinput").fill(answer)
        # On a narrow screen Flashcards may show an icon button instead of
        # the labelled one: press whichever is shown.
        card.locator(
            ".h5p-check-button:visible, .h5p-icon-button:visible"
        ).first.click()
        verdict = "h5p-correct" if index < 3 else "h5p-wrong"
        card.locator(f".h5p-input.{verdict} .h5p-feedback-label").wait_for()
        if index < len(typed) - 1:
            # Flashcards would turn the card by itself after 3.5 s; the
            # learner does not wait and presses "Next".
            frame.locator(".h5p-navigation .h5p-next").click()
            cards.nth(index + 1).and_(frame.locator(".h5p-card.h5p-current")).wait_for()
    _wait_recorded(page)
    status = page.locator("[data-h5p-status]")
    assert "3/5" in status.inner_text()

    attempts = Attempt.objects.filter(block=block, user=learner)
    assert attempts.count() == 1
    attempt = attempts.get()
    assert attempt.kind == "grade"
    assert attempt.answer["verb"] == "completed"
    assert (attempt.score, attempt.max_score) == (3, 5)
    summary = _summary(block, learner)
    assert (summary.score, summary.max_score) == (3, 5)
    assert summary.completed_at is not None
    # A package with questions never asks to be completed on view.
    block_box = page.locator("[data-h5p-block]")
    assert block_box.get_attribute("data-has-questions") == "true"
    assert block_box.get_attribute("data-viewed-saved") is None
    assert errors == [], errors


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


def _interactive_video_source() -> str:
    """The video the Interactive Video fixture plays: a URL on h5p.org, not a
    file inside the package."""
    with zipfile.ZipFile(H5P_FIXTURES / "H5P.InteractiveVideo.h5p") as package:
        content = json.loads(package.read("content/content.json"))
    return content["interactiveVideo"]["video"]["files"][0]["path"]


@pytest.fixture(scope="module")
def stand_in_clip(tmp_path_factory) -> bytes:
    """A 20-second silent H.264 clip (about 200 KB) made here with ffmpeg."""
    clip = tmp_path_factory.mktemp("iv") / "clip.mp4"
    subprocess.run(
        [
            get_ffmpeg_exe(), "-v", "error", "-f", "lavfi",
            "-i", "testsrc=duration=20:size=320x180:rate=10",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", str(clip),
        ],
        check=True,
    )  # fmt: skip
    return clip.read_bytes()


def test_interactive_video_answers_then_submit_record_the_total(
    live_server, phone, stand_in_clip
):
    """The learner plays the video, answers its questions in their pop-up
    dialogs, opens the summary (the star at the end of the seek bar) and
    presses "Submit answers": Interactive Video posts one `completed`
    statement with the total of all its questions, and that is the result.

    The package's video is not in the package: it is
    https://h5p.org/sites/default/files/h5p/iv.mp4, and these tests have no
    network. Without it Interactive Video only shows "Video format not
    supported." and never builds its controls, its interactions or its
    summary, so nothing can be answered. The browser is given a generated
    clip at that same URL instead; everything else is the real package in
    the real player.
    """
    source = _interactive_video_source()
    assert source.startswith("https://h5p.org/")
    phone.route(
        source,
        lambda route: route.fulfill(
            status=200, body=stand_in_clip, content_type="video/mp4"
        ),
    )
    page, frame, block, learner, errors = _open_lesson(
        live_server, phone, "H5P.InteractiveVideo.h5p"
    )
    # Every interaction of this package shows from 0:00 to 0:10, so playing
    # from the start reaches them all: no seeking is needed. One of them (a
    # "Crossroads") is set to pause the video when it appears, so the video
    # then waits, paused, while the learner answers.
    frame.locator(".h5p-splash-wrapper").click()
    frame.locator(".h5p-interaction.h5p-truefalse-interaction").first.wait_for()
    play = frame.locator(".h5p-controls-left").get_by_role(
        "button", name=re.compile(r"^Play")
    )
    play.wait_for()

    dialog = frame.locator(".h5p-dialog")

    def open_interaction(kind: str, index: int) -> None:
        # On a phone the buttons are 28 px and some overlap (the two
        # True/False ones), so they are opened from the keyboard, as H5P
        # allows, rather than by a click that would land on the top one.
        frame.locator(f".h5p-interaction.h5p-{kind}-interaction").nth(index).press(
            "Enter"
        )
        dialog.wait_for()

    def check_and_close() -> None:
        check = dialog.locator(".h5p-question-check-answer")
        check.click()
        check.wait_for(state="hidden")  # checked: H5P swaps in "Retry"
        frame.locator(".h5p-dialog-close").click()
        dialog.wait_for(state="hidden")

    # Both True/False questions: "True" is right.
    for index in (0, 1):
        open_interaction("truefalse", index)
        dialog.locator(".h5p-true-false-answer").filter(has_text="True").click()
        check_and_close()
    # The first Multiple Choice question: "aa" is right (answers are shuffled).
    open_interaction("multichoice", 0)
    dialog.locator(".h5p-answer").filter(has_text=re.compile(r"^\s*aa\s*$")).click()
    check_and_close()
    # The second one has no right answer: any choice scores nothing.
    open_interaction("multichoice", 1)
    dialog.locator(".h5p-answer").first.click()
    check_and_close()

    play.wait_for()  # still paused: the interactions are still there
    player = page.frames[1]
    expected_max = player.evaluate("() => H5P.instances[0].getUsersMaxScore()")
    # The points of all its questions, answered or not (the others were left).
    assert expected_max == 10
    # The star at the end of the seek bar opens the submit screen.
    frame.locator(".h5p-controls").get_by_role("button", name="Summary").click()
    endscreen = frame.locator(".h5p-interactive-video-endscreen")
    endscreen.get_by_role("button", name="Submit Answers").click()
    endscreen.get_by_text("Your answers have been submitted!").wait_for()
    _wait_recorded(page)

    attempts = Attempt.objects.filter(block=block, user=learner)
    # The questions' own "answered" statements name the video as their parent
    # and are not results: only the submitted total is.
    assert attempts.count() == 1
    attempt = attempts.get()
    assert attempt.answer["verb"] == "completed"
    assert (attempt.score, attempt.max_score) == (3, expected_max)
    summary = _summary(block, learner)
    assert summary.max_score == expected_max and summary.score == 3
    assert summary.completed_at is not None
    assert errors == [], errors
