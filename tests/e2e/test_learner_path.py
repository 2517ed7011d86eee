"""The learner's path in a real browser on a phone-sized screen: sign in, find a
course, enroll, answer a question, finish the lesson, see progress at home."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import SCREENSHOTS, sign_in, sign_in_and_enroll_over_api

pytestmark = [
    pytest.mark.e2e,
    # The live server runs in another thread, so it sees only committed rows;
    # the reference data (communes, ethnic groups) from migrations is put back
    # before each test, as another transactional test may have flushed it.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COURSE = "trong-ca-phe"
# The first lesson's question and its right answer (lms/demo/courses.py).
RIGHT_ANSWER = "5–7 cặp"
FIRST_VISIT_BUDGET = 60 * 1024  # bytes, compressed: DESIGN.md "Performance budgets"
MEDIA = ("img", "image", "video", "audio", "track")


def _record_hosts(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def _foreign(urls: list[str]) -> list[str]:
    return [
        u
        for u in urls
        if urlsplit(u).scheme not in ("data", "blob", "about")
        and urlsplit(u).hostname != "127.0.0.1"
    ]


def _progress(page, selector: str) -> float:
    return float(page.locator(selector).get_attribute("value"))


def _mcq_block(page):
    """The lesson's multiple-choice block: the block section with radio choices."""
    return (
        page.locator("section.block")
        .filter(has=page.locator("input[type=radio]"))
        .first
    )


def test_learner_signs_in_enrolls_answers_and_sees_progress(live_server, demo, phone):
    base = live_server.url
    page = phone.new_page()
    urls = _record_hosts(page)

    sign_in(page, base, "thanhnien", demo)

    page.click('header a[href="/courses/"]')
    page.wait_for_url(f"{base}/courses/")
    page.click(f'#results a[href="/courses/{COURSE}/"]')
    page.wait_for_url(f"{base}/courses/{COURSE}/")

    page.click("#enrollment form button")
    page.wait_for_url(f"{base}/courses/{COURSE}/")
    assert _progress(page, "#enrollment progress") == 0

    # The course outline lists the lessons; the first one is where a learner starts.
    page.locator(f'main ol a[href^="/courses/{COURSE}/lessons/"]').first.click()
    page.wait_for_url(re.compile(rf"/courses/{COURSE}/lessons/\d+/$"))
    lesson_url = page.url
    before = _progress(page, "#course-progress")

    block = _mcq_block(page)
    block_id = block.get_attribute("id")
    block.get_by_label(RIGHT_ANSWER, exact=True).check()
    block.locator("button").first.click()
    # htmx swaps the block for its feedback: wait on the feedback, not a clock.
    feedback = page.locator(f"#{block_id} .feedback")
    feedback.wait_for(state="visible")
    assert "ok" in (feedback.get_attribute("class") or "").split(), (
        feedback.inner_text()
    )

    # The answer itself moves the course progress bar (htmx out-of-band swap).
    grows = (
        "before => {"
        "  const bar = document.querySelector('#course-progress');"
        "  return bar && Number(bar.value) > before;"
        "}"
    )
    page.wait_for_function(grows, arg=before)
    answered = _progress(page, "#course-progress")

    # Marking the reading done moves it again.
    page.get_by_role("button", name="Tôi đã học xong bài này").click()
    page.wait_for_function(grows, arg=answered)
    after = _progress(page, "#course-progress")
    assert after > answered > before
    assert page.url == lesson_url  # htmx updated the page in place
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e-lesson.png"), full_page=True)

    page.click("header a.brand")
    page.wait_for_url(f"{base}/")
    card = page.locator("article.card").filter(
        has=page.locator(f'a[href="/courses/{COURSE}/"]')
    )
    assert _progress(card, "progress") > 0
    assert _progress(card, "progress") == after

    assert _foreign(urls) == [], "the pages must not load anything from another host"


def test_first_visit_to_a_text_lesson_stays_within_60_kb(live_server, demo, phone):
    base = live_server.url
    # The lesson page below is the browser's first visit (see the helper).
    sign_in_and_enroll_over_api(phone, base, "hocvien", demo, COURSE)
    lesson = phone.request.get(f"{base}/courses/{COURSE}/continue/", max_redirects=0)
    lesson_path = lesson.headers["location"]
    assert re.fullmatch(rf"/courses/{COURSE}/lessons/\d+/", lesson_path), lesson_path

    page = phone.new_page()
    urls = _record_hosts(page)
    response = page.goto(f"{base}{lesson_path}", wait_until="load")
    assert response.status == 200
    entries = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'),
                  ...performance.getEntriesByType('resource')].map(e => ({
            name: e.name, type: e.initiatorType, transferSize: e.transferSize,
            encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize}))"""
    )
    counted = [
        e
        for e in entries
        if e["type"] not in MEDIA and not urlsplit(e["name"]).path.startswith("/media/")
    ]
    kinds = {urlsplit(e["name"]).path.rsplit(".", 1)[-1] for e in counted[1:]}
    assert counted[0]["type"] == "navigation"
    assert {"css", "js"} <= kinds, f"the page should load its CSS and htmx: {counted}"
    # A zero would mean a cached copy, or timings withheld: neither measures anything.
    assert all(e["transferSize"] > 0 for e in counted), counted
    total = sum(e["transferSize"] for e in counted)
    assert total <= FIRST_VISIT_BUDGET, (
        f"first visit transferred {total} bytes (> {FIRST_VISIT_BUDGET}): "
        + ", ".join(f"{e['name']}={e['transferSize']}" for e in counted)
    )
    assert _foreign(urls) == [], "the lesson must not load anything from another host"


@pytest.mark.parametrize(
    "cookies_lost",
    [
        # The server-side session ended (expiry, sign-out elsewhere); the CSRF
        # cookie, which lives a year, is still there.
        pytest.param(
            ("sessionid",),
            id="session-expired",
        ),
        # The phone's browser data was cleared: no session, no CSRF cookie.
        pytest.param(
            None,
            id="all-cookies-cleared",
        ),
    ],
)
def test_answer_after_the_session_expired_asks_to_sign_in_again(
    live_server, demo, phone, cookies_lost
):
    base = live_server.url
    page = phone.new_page()
    sign_in(page, base, "thanhnien", demo)
    page.goto(f"{base}/courses/{COURSE}/")
    page.click("#enrollment form button")
    page.wait_for_url(f"{base}/courses/{COURSE}/")
    page.locator(f'main ol a[href^="/courses/{COURSE}/lessons/"]').first.click()
    page.wait_for_url(re.compile(rf"/courses/{COURSE}/lessons/\d+/$"))

    # The session ran out while the learner was reading.
    if cookies_lost is None:
        phone.clear_cookies()
    else:
        for name in cookies_lost:
            phone.clear_cookies(name=name)
    block = _mcq_block(page)
    block.get_by_label(RIGHT_ANSWER, exact=True).check()
    with page.expect_response(re.compile(r"/blocks/\d+/handler/submit/$")) as answered:
        block.locator("button").first.click()
    status = answered.value.status

    # The page goes to the sign-in form, or links to it, or the block says to
    # sign in ("đăng nhập"); what it must not do is look as if nothing happened.
    try:
        page.wait_for_function(
            """() => location.pathname.startsWith('/accounts/login/')
                || [...document.querySelectorAll('main a[href^="/accounts/login/"]')]
                     .some(a => a.offsetParent !== null)
                || [...document.querySelectorAll('main [data-block-error]')]
                     .some(e => /đăng nhập/i.test(e.textContent))""",
            timeout=5_000,
        )
    except PlaywrightTimeout:
        shown = page.locator("main [data-block-error]").all_inner_texts()
        pytest.fail(
            f"the answer was refused ({status}) and the learner was not asked to sign "
            f"in again: still on {urlsplit(page.url).path}, no link to the sign-in "
            f"page; the block's error area shows {shown!r}",
            pytrace=False,
        )
