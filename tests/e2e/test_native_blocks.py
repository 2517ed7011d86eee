"""The project's own question, upload and discussion blocks in a real browser on a
phone-sized screen: true/false, ordering (buttons and drag), blanks, short answer,
matching in Ê Đê, the assignment upload graded by a trainer, and a discussion."""

from __future__ import annotations

import io
import re
import unicodedata
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import PHONE, SCREENSHOTS, sign_in, sign_in_and_enroll_over_api

pytestmark = [
    pytest.mark.e2e,
    # The live server runs in another thread and sees only committed rows; the
    # reference data from migrations is put back before each test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COFFEE = "trong-ca-phe"
EDE = "tieng-ede-co-ban"
REVIEW = "Ôn tập kỹ thuật ghép cà phê"
PRACTICE = "Thực hành: ghép một cây cà phê"
MATCHING = "Ôn tập: nối từ"
# The ordering block's items in their right order (lms/demo/courses.py).
STEPS = [
    "Cưa đốn thân cách mặt đất 20–30 cm",
    "Nuôi chồi mới mọc từ gốc",
    "Ghép mắt hoặc chồi từ giống tốt",
    "Buộc dây và che nắng cho mắt ghép",
]
# The matching block's Ê Đê words (ABVD concept ids, lms/demo/courses.py).
EDE_CONCEPTS = [59, 60, 57, 58]
FIRST_VISIT_BUDGET = 60 * 1024  # bytes, compressed: DESIGN.md "Performance budgets"
MEDIA = ("img", "image", "video", "audio", "track")


@pytest.fixture(autouse=True)
def coursework_files(settings, tmp_path):
    """Learners' uploads go to a temporary folder, not the project's var/."""
    settings.COURSEWORK_FILES_ROOT = tmp_path / "coursework"
    return settings.COURSEWORK_FILES_ROOT


# --- helpers ------------------------------------------------------------------------


def _errors(page) -> list[str]:
    """JavaScript errors thrown in the page, and requests that failed (but the
    favicon, which the site does not have)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and urlsplit(r.url).path != "/favicon.ico"
            else None
        ),
    )
    page.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
    return errors


def _lesson(course_slug: str, title: str):
    from courses.models import Lesson

    return Lesson.objects.get(course__slug=course_slug, title=title)


def _enroll_and_open(page, base: str, course_slug: str, title: str) -> str:
    """Enroll from the course page and open the lesson ``title`` from the outline."""
    page.goto(f"{base}/courses/{course_slug}/")
    page.click("#enrollment form button")
    page.wait_for_url(f"{base}/courses/{course_slug}/")
    lesson = _lesson(course_slug, title)
    page.click(f'main ol a[href="/courses/{course_slug}/lessons/{lesson.pk}/"]')
    page.wait_for_url(f"{base}/courses/{course_slug}/lessons/{lesson.pk}/")
    return page.url


def _block(page, block_type: str):
    return page.locator(f"section.block-{block_type}").first


def _submit_and_wait_for_feedback(page, block):
    """Press the block's button; htmx swaps the block for one with feedback."""
    block_id = block.get_attribute("id")
    with page.expect_response(re.compile(r"/blocks/\d+/handler/submit/$")) as answer:
        block.locator("button[type=submit]").click()
    assert answer.value.status == 200, answer.value.text()[:500]
    feedback = page.locator(f"#{block_id} .feedback")
    feedback.wait_for(state="visible")
    return feedback


def _classes(locator) -> list[str]:
    return (locator.get_attribute("class") or "").split()


def _order(block) -> list[str]:
    return [
        t.strip()
        for t in block.locator("[data-order-item] .order-text").all_inner_texts()
    ]


def _summaries(username: str, lesson) -> dict[str, tuple]:
    from courses.models import BlockSummary

    rows = BlockSummary.objects.filter(user__username=username, lesson=lesson)
    return {
        r.block.block_type: (
            r.score,
            r.max_score,
            r.attempts,
            r.completed_at is not None,
        )
        for r in rows.select_related("block")
    }


def _drag(page, handle, onto, fraction: float, *, touch: bool = False) -> None:
    """Drag ``handle`` to ``fraction`` of the height of ``onto``, in small steps,
    with the mouse or (``touch``) a finger, through Chromium's input events."""
    start, end = handle.bounding_box(), onto.bounding_box()
    assert start and end, "the handle and its target must be on the screen"
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + end["height"] * fraction
    path = [(x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8) for i in range(1, 9)]
    if not touch:
        page.mouse.move(x0, y0)
        page.mouse.down()
        for x, y in path:
            page.mouse.move(x, y)
        page.mouse.up()
        return
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]},
        )
        for x, y in path:
            cdp.send(
                "Input.dispatchTouchEvent",
                {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]},
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def _photo() -> bytes:
    """A real 1200×900 JPEG, as a phone's camera would send (smaller)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), (96, 140, 70))
    draw = ImageDraw.Draw(image)
    draw.rectangle((540, 0, 660, 900), fill=(110, 80, 50))  # the stem
    draw.ellipse((520, 380, 680, 520), fill=(40, 170, 60))  # the grafted bud
    for y in range(400, 520, 12):  # the tie
        draw.line((530, y, 670, y + 6), fill=(230, 230, 230), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# --- tests --------------------------------------------------------------------------


def test_learner_answers_truefalse_ordering_blanks_and_shortanswer_in_place(
    live_server, demo, phone
):
    base = live_server.url
    page = phone.new_page()
    errors = _errors(page)
    sign_in(page, base, "thanhnien", demo)
    lesson_url = _enroll_and_open(page, base, COFFEE, REVIEW)
    lesson = _lesson(COFFEE, REVIEW)

    # True or false: the statement ("graft in the middle of the dry season") is false.
    truefalse = _block(page, "truefalse")
    truefalse.locator("input[name=answer][value=false]").check()
    feedback = _submit_and_wait_for_feedback(page, truefalse)
    assert "ok" in _classes(feedback), feedback.inner_text()
    assert "mùa mưa" in feedback.inner_text()  # the trainer's explanation
    # The answer given stays chosen in the swapped-in block.
    assert _block(page, "truefalse").locator("input[value=false]").is_checked()

    # Ordering: the script hides the number boxes and shows handles and buttons.
    ordering = _block(page, "ordering")
    ordering.locator(".grip").first.wait_for(state="visible")
    assert not ordering.locator("input[name=position]").first.is_visible()
    assert sorted(_order(ordering)) == sorted(STEPS)

    # The mouse and the finger act on what is on the screen: bring the list into view.
    ordering.locator("[data-order-list]").evaluate(
        "list => list.scrollIntoView({block: 'center'})"
    )
    items = ordering.locator("[data-order-item]")
    scrolled = page.evaluate("() => scrollY")

    # A finger drags the last item's handle above the first item: it goes first.
    before = _order(ordering)
    _drag(
        page, items.nth(len(STEPS) - 1).locator(".grip"), items.nth(0), 0.1, touch=True
    )
    assert _order(ordering) == before[-1:] + before[:-1]
    assert page.evaluate("() => scrollY") == pytest.approx(scrolled, abs=1)

    # The mouse drags the first item's handle below the last item: it goes last.
    before = _order(ordering)
    _drag(page, items.nth(0).locator(".grip"), items.nth(len(STEPS) - 1), 0.9)
    assert _order(ordering) == before[1:] + before[:1]
    assert not ordering.locator(".dragging").count()

    # The keyboard alternative: focus an item's "up" button and press Enter
    # until each step is where it belongs.
    first = _order(ordering)[0]
    down = (
        ordering.locator("[data-order-item]").nth(0).locator("button[data-move=down]")
    )
    down.focus()
    page.keyboard.press("Space")
    assert _order(ordering)[1] == first
    # Screen readers hear where the item went.
    status = ordering.locator("[data-order-status]").text_content() or ""
    assert first in status and "2" in status and "4" in status, status
    for target, text in enumerate(STEPS):
        while (position := _order(ordering).index(text)) > target:
            up = (
                ordering.locator("[data-order-item]")
                .nth(position)
                .locator("button[data-move=up]")
            )
            up.focus()
            page.keyboard.press("Enter")
            # The script keeps the focus on the moved item's button.
            assert _order(ordering).index(text) == position - 1
            assert page.evaluate("() => document.activeElement.dataset.move") == "up"
    assert _order(ordering) == STEPS
    # The hidden position numbers follow the order the learner made.
    positions = ordering.locator("input[name=position]")
    assert [positions.nth(i).input_value() for i in range(len(STEPS))] == [
        "1",
        "2",
        "3",
        "4",
    ]
    feedback = _submit_and_wait_for_feedback(page, ordering)
    assert "ok" in _classes(feedback), feedback.inner_text()
    ordering = _block(page, "ordering")
    assert _order(ordering) == STEPS  # the answered order comes back, marked right
    assert ordering.locator("[data-order-item].right").count() == len(STEPS)
    # The swapped-in block is set up again (htmx:load): handles, no number boxes.
    ordering.locator(".grip").first.wait_for(state="visible")

    # Fill in the blanks: one right, one wrong first, then both right.
    blanks = _block(page, "blanks")
    boxes = blanks.locator("input[name=blank]")
    assert boxes.count() == 2
    boxes.nth(0).fill("1100")
    boxes.nth(1).fill("40")
    feedback = _submit_and_wait_for_feedback(page, blanks)
    assert "bad" in _classes(feedback)
    blanks = _block(page, "blanks")
    assert "right" in _classes(blanks.locator("input[name=blank]").nth(0))
    assert "wrong" in _classes(blanks.locator("input[name=blank]").nth(1))
    assert blanks.locator("input[name=blank]").nth(0).input_value() == "1100"
    blanks.locator("input[name=blank]").nth(1).fill("60")
    feedback = _submit_and_wait_for_feedback(page, blanks)
    assert "ok" in _classes(feedback), feedback.inner_text()

    # Short answer.
    short = _block(page, "shortanswer")
    short.locator("input[name=answer]").fill("TR4")
    feedback = _submit_and_wait_for_feedback(page, short)
    assert "ok" in _classes(feedback), feedback.inner_text()
    assert "Đúng, đó là giống được công nhận." in feedback.inner_text()

    assert page.url == lesson_url  # every answer was swapped in place
    assert errors == []

    summaries = _summaries("thanhnien", lesson)
    assert summaries == {
        "truefalse": (1.0, 1.0, 1, True),
        "ordering": (1.0, 1.0, 1, True),
        "blanks": (1.0, 1.0, 2, True),
        "shortanswer": (1.0, 1.0, 1, True),
    }

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e-native-blocks.png"), full_page=True)
    _assert_fits_the_phone(page)


def _assert_fits_the_phone(page) -> None:
    """Nothing in the page is wider than the phone's screen."""
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1
                         && getComputedStyle(e).position !== 'absolute'
                         && !e.closest('.scroll'))
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert wide == [], wide
    assert (
        page.evaluate("() => document.documentElement.scrollWidth")
        <= PHONE["viewport"]["width"]
    )


def test_learner_uploads_a_photo_trainer_grades_it_and_learner_sees_the_grade(
    live_server, demo, phone, browser, tmp_path
):
    from content_authoring.coursework.models import AssignmentSubmission, DiscussionPost

    base = live_server.url
    page = phone.new_page()
    errors = _errors(page)
    sign_in(page, base, "thanhnien", demo)
    lesson_url = _enroll_and_open(page, base, COFFEE, PRACTICE)
    lesson = _lesson(COFFEE, PRACTICE)

    photo = tmp_path / "mat-ghep.jpg"
    photo.write_bytes(_photo())
    assignment = _block(page, "assignment")
    assignment_id = assignment.get_attribute("id")
    upload = assignment.locator("input[type=file]")
    assert upload.get_attribute("accept") == "image/*"
    upload.set_input_files(str(photo))
    assignment.locator("textarea[name=note]").fill("Mắt ghép sau 15 ngày.")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e-assignment-upload.png"), full_page=True)
    _assert_fits_the_phone(page)
    with page.expect_response(re.compile(r"/assignments/\d+/submit/$")) as sent:
        assignment.locator("button[type=submit]").click()
    assert sent.value.status == 200, sent.value.text()[:500]
    status = page.locator(f"#{assignment_id} .submission-status")
    status.wait_for(state="visible")
    assert page.url == lesson_url
    submission = AssignmentSubmission.objects.get(user__username="thanhnien")
    assert submission.status == "submitted"
    assert submission.kind == "photo"
    assert submission.note == "Mắt ghép sau 15 ngày."
    # The learner can look at the photo just sent.
    link = page.locator(f"#{assignment_id} .submission-status a")
    shown = page.request.get(f"{base}{link.get_attribute('href')}")
    assert shown.status == 200
    assert shown.headers["content-type"] == "image/jpeg"

    # The discussion: a reply appears in the block without leaving the page.
    discussion = _block(page, "discussion")
    discussion_id = discussion.get_attribute("id")
    reply = "Mùa khô nhà tôi thiếu nước, tôi tủ gốc bằng cỏ khô."
    discussion.locator("textarea[name=body]").fill(reply)
    with page.expect_response(re.compile(r"/discussions/\d+/posts/$")) as posted:
        discussion.locator("button[type=submit]").click()
    assert posted.value.status == 200, posted.value.text()[:500]
    post = page.locator(f"#{discussion_id} .posts .post-body").first
    post.wait_for(state="visible")
    assert post.inner_text() == reply
    assert page.locator(f"#{discussion_id} textarea[name=body]").input_value() == ""
    assert DiscussionPost.objects.filter(block__lesson=lesson).count() == 1
    assert _summaries("thanhnien", lesson)["discussion"][3] is True

    # The trainer, on their own phone, grades it from the queue.
    trainer_context = browser.new_context(**PHONE)
    trainer_context.set_default_timeout(10_000)
    try:
        trainer = trainer_context.new_page()
        trainer_errors = _errors(trainer)
        sign_in(trainer, base, "giangvien", demo)
        trainer.goto(f"{base}/blocks/coursework/courses/{lesson.course_id}/grading/")
        trainer.click(
            f'a[href="/blocks/coursework/submissions/{submission.uuid}/grade/"]'
        )
        trainer.wait_for_url(re.compile(r"/grade/$"))
        image = trainer.locator("main img")
        image.scroll_into_view_if_needed()
        trainer.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [
            1200,
            900,
        ]
        width = image.evaluate("img => img.getBoundingClientRect().width")
        assert width <= PHONE["viewport"]["width"]
        assert "Mắt ghép sau 15 ngày." in trainer.locator("main").inner_text()
        trainer.fill("#points-0", "4")
        trainer.fill("#points-1", "3.5")
        trainer.fill("#points-2", "2")
        trainer.fill("#feedback", "Vết ghép đẹp, nhớ tháo dây sau 20 ngày.")
        SCREENSHOTS.mkdir(exist_ok=True)
        trainer.screenshot(path=str(SCREENSHOTS / "e2e-grading.png"), full_page=True)
        _assert_fits_the_phone(trainer)
        trainer.click("button[name=action][value=grade]")
        trainer.wait_for_url(re.compile(r"/grading/$"))
        assert re.search(r"9[.,]5 / 10", trainer.locator("main table").inner_text())

        # The trainer hides the reply from the lesson page (htmx, in place).
        trainer.goto(f"{base}{urlsplit(lesson_url).path}")
        moderated = trainer.locator(f"#{discussion_id}")
        moderated.locator(".post form button").click()
        moderated.locator(".post.hidden-post").wait_for(state="visible")
        assert urlsplit(trainer.url).path == urlsplit(lesson_url).path
        assert trainer_errors == []
    finally:
        trainer_context.close()

    submission.refresh_from_db()
    assert submission.status == "graded"
    assert DiscussionPost.objects.get(block__lesson=lesson).hidden
    assert submission.score == 9.5

    page.reload()
    assignment = page.locator(f"#{assignment_id}")
    assert "ok" in _classes(assignment.locator(".submission-status"))
    rubric = assignment.locator("details.rubric")
    assert rubric.get_attribute("open") is not None
    rows = [t.strip() for t in rubric.locator("li").all_inner_texts()]
    assert rows[0].startswith("Vị trí ghép — 4 / 4"), rows
    assert re.match(r"Mắt ghép sống — 3[.,]5 / 4", rows[1]), rows
    assert rows[2].startswith("Ảnh rõ — 2 / 2"), rows
    assert "Vết ghép đẹp, nhớ tháo dây sau 20 ngày." in assignment.inner_text()
    assert re.search(r"9[.,]5 / 10", assignment.inner_text())
    assert reply not in page.locator(f"#{discussion_id}").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "e2e-assignment.png"), full_page=True)
    _assert_fits_the_phone(page)
    summary = _summaries("thanhnien", lesson)["assignment"]
    assert summary[:2] == (9.5, 10.0)
    assert summary[3] is True
    assert errors == []


def test_learner_matches_ede_words_and_sees_the_score(live_server, demo, phone):
    from courses.models import Course
    from lms.demo.courses import _word

    assert Course.objects.get(slug=EDE).enrollment_mode == "open"
    base = live_server.url
    page = phone.new_page()
    errors = _errors(page)
    sign_in(page, base, "thanhnien", demo)
    _enroll_and_open(page, base, EDE, MATCHING)
    lesson = _lesson(EDE, MATCHING)

    matching = _block(page, "matching")
    assert matching.locator("[lang=rad]").count() == 1
    text = matching.inner_text()
    words = [_word(c) for c in EDE_CONCEPTS]
    for word in words:
        assert unicodedata.normalize("NFC", word["form"]) in text, (word, text)
    assert unicodedata.is_normalized("NFC", page.locator("main").inner_text())

    rows = matching.locator(".match-row")
    assert rows.count() == len(words)
    for i, word in enumerate(words):
        row = rows.nth(i)
        assert row.locator("label").inner_text().strip() == unicodedata.normalize(
            "NFC", word["form"]
        )
        row.locator("select").select_option(label=word["gloss_vi"])
    feedback = _submit_and_wait_for_feedback(page, matching)
    assert "ok" in _classes(feedback), feedback.inner_text()
    matching = _block(page, "matching")
    assert matching.locator(".match-row.right").count() == len(words)
    # The choices are kept after the swap.
    assert [
        matching.locator(".match-row select")
        .nth(i)
        .evaluate("s => s.options[s.selectedIndex].text")
        for i in range(len(words))
    ] == [w["gloss_vi"] for w in words]

    # The spelling question wants the Ê Đê word with its diacritics.
    spelling = _block(page, "shortanswer")
    house = _word(61)
    assert house["gloss_vi"] in spelling.inner_text()
    spelling.locator("input[name=answer]").fill(house["form"])
    feedback = _submit_and_wait_for_feedback(page, spelling)
    assert "ok" in _classes(feedback), feedback.inner_text()

    summaries = _summaries("thanhnien", lesson)
    assert summaries["matching"] == (1.0, 1.0, 1, True)
    assert summaries["shortanswer"] == (1.0, 1.0, 1, True)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e-matching.png"), full_page=True)
    _assert_fits_the_phone(page)
    assert errors == []


def test_first_visit_to_the_review_lesson_stays_within_60_kb(live_server, demo, phone):
    """The review lesson is text and questions: the text-lesson budget applies."""
    base = live_server.url
    sign_in_and_enroll_over_api(phone, base, "thanhnien", demo, COFFEE)
    lesson = _lesson(COFFEE, REVIEW)

    page = phone.new_page()
    errors = _errors(page)
    response = page.goto(
        f"{base}/courses/{COFFEE}/lessons/{lesson.pk}/", wait_until="load"
    )
    assert response.status == 200
    entries = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'),
                  ...performance.getEntriesByType('resource')].map(e => ({
            name: e.name, type: e.initiatorType, transferSize: e.transferSize,
            encodedBodySize: e.encodedBodySize}))"""
    )
    counted = [
        e
        for e in entries
        if e["type"] not in MEDIA and not urlsplit(e["name"]).path.startswith("/media/")
    ]
    paths = [urlsplit(e["name"]).path for e in counted]
    assert counted[0]["type"] == "navigation"
    assert any("ordering" in p and p.endswith(".js") for p in paths), paths
    assert any("blocks" in p and p.endswith(".css") for p in paths), paths
    assert all(e["transferSize"] > 0 for e in counted), counted
    total = sum(e["transferSize"] for e in counted)
    body = sum(e["encodedBodySize"] for e in counted)
    print(
        f"\nreview lesson first visit: {total} bytes transferred "
        f"({body} bytes of compressed bodies): "
        + ", ".join(
            f"{p}={e['transferSize']}" for p, e in zip(paths, counted, strict=True)
        )
    )
    assert total <= FIRST_VISIT_BUDGET, (
        f"first visit transferred {total} bytes (> {FIRST_VISIT_BUDGET}): "
        + ", ".join(f"{e['name']}={e['transferSize']}" for e in counted)
    )
    assert errors == []


@pytest.mark.parametrize(
    ("name", "size", "status"),
    [
        # Text dressed up as a photo: the server looks at the bytes, not the name.
        pytest.param("anh.jpg", 0, 400, id="not-a-photo"),
        # A JPEG past the block's 10 MB (the site's cap is 20 MB): refused whole.
        pytest.param("lon.jpg", 11, 400, id="larger-than-the-block-allows"),
        # Past the site's cap: refused before the body is read.
        pytest.param("rat-lon.jpg", 25, 413, id="larger-than-the-site-allows"),
    ],
)
def test_refused_upload_says_why_inside_the_block_and_records_nothing(
    live_server, demo, phone, tmp_path, name, size, status
):
    from content_authoring.coursework.models import AssignmentSubmission

    content = (
        _photo() + b"\0" * (size * 1024 * 1024)
        if size
        else b"not a photo at all\n" * 100
    )
    base = live_server.url
    page = phone.new_page()
    errors = _errors(page)
    sign_in(page, base, "thanhnien", demo)
    lesson_url = _enroll_and_open(page, base, COFFEE, PRACTICE)
    upload = tmp_path / name
    upload.write_bytes(content)

    assignment = _block(page, "assignment")
    assignment.locator("input[type=file]").set_input_files(str(upload))
    with page.expect_response(re.compile(r"/assignments/\d+/submit/$")) as sent:
        assignment.locator("button[type=submit]").click()
    assert sent.value.status == status, sent.value.text()[:500]
    message = assignment.locator("[data-block-error]")
    message.wait_for(state="visible")
    assert message.inner_text().strip()
    # The form stays, ready for another photo, and the page did not move.
    assert assignment.locator("input[type=file]").count() == 1
    assert page.url == lesson_url
    assert not AssignmentSubmission.objects.exists()
    assert [e for e in errors if not e.startswith(f"{status} ")] == []
