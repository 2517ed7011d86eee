"""xblock-poll from PyPI, unchanged, in a real browser: two learners vote through
its own interface and see the shared results."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, SCREENSHOTS, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_learners_vote_and_see_the_shared_tally(live_server, browser):
    from content_authoring.models import Block, BlockSharedState
    from courses.models import BlockSummary
    from tests import factories

    course = factories.make_course(lessons=1, with_question=False)
    lesson = course.lessons.get()
    block = Block.objects.create(
        lesson=lesson,
        block_type="poll",
        position=2,
        fields={
            "display_name": "Thăm dò",
            "question": "Bạn tưới cà phê bằng cách nào?",
            "answers": [
                ["G", {"label": "Tưới gốc", "img": None, "img_alt": None}],
                ["P", {"label": "Tưới phun", "img": None, "img_alt": None}],
            ],
        },
        required=True,
        graded=False,
    )
    learners = [factories.make_user(), factories.make_user()]
    for learner in learners:
        factories.enroll(learner, course)

    for n, learner in enumerate(learners, start=1):
        context = browser.new_context(**PHONE)
        context.set_default_timeout(15_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        sign_in(page, live_server.url, learner.username)
        page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.pk}/")
        poll = page.locator(f"#block-{block.pk}")
        poll.get_by_label("Tưới phun").check()
        poll.locator("input[type=button], button").filter(has_text="Submit").click()
        # The poll shows its results, gathered from everyone who voted so far.
        respondents = "respondent" if n == 1 else "respondents"
        poll.get_by_text(f"from {n} {respondents}").wait_for()
        if n == 2:
            page.screenshot(path=str(SCREENSHOTS / "e2e-poll.png"), full_page=True)
        assert errors == [], errors
        context.close()

    assert BlockSharedState.objects.get(block=block).state["tally"] == {"G": 0, "P": 2}
    assert (
        BlockSummary.objects.filter(block=block, completed_at__isnull=False).count()
        == 2
    )
