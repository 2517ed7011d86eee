"""Tapping an Ê Đê word in a lesson on a phone shows its dictionary entry in a
small popup; a word not in the dictionary says so; links stay links."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LESSON_HTML = (
    '<p lang="rad"><strong>Ama</strong> ih <em>hriăm</em> <b>zzyq</b></p>'
    '<p>Tiếng Việt <i>cha</i> <a lang="rad" href="/dictionary/">ama</a></p>'
)


@pytest.fixture
def lesson_with_ede_words(db):
    from content_authoring.models import Block
    from dictionary import services
    from dictionary.services import EntryData, SenseData
    from tests import factories

    for headword, vi, en in [("ama", "cha", "father"), ("hriăm", "học", "learn")]:
        services.entry_save(
            actor=None,
            data=EntryData(
                language="rad",
                headword=headword,
                senses=[SenseData(gloss_vi=vi, gloss_vi_translated=True, gloss_en=en)],
            ),
        )
    course = factories.make_course(with_question=False)
    lesson = course.lessons.get()
    Block.objects.filter(lesson=lesson).update(fields={"html": LESSON_HTML})
    learner = factories.make_user()
    factories.enroll(learner, course)
    return learner, f"/courses/{course.slug}/lessons/{lesson.pk}/"


def test_tapping_an_ede_word_shows_its_gloss(live_server, phone, lesson_with_ede_words):
    learner, path = lesson_with_ede_words
    base = live_server.url
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    lookups: list[str] = []
    page.on(
        "request",
        lambda r: lookups.append(r.url) if "/api/lookup" in r.url else None,
    )
    sign_in(page, base, learner.username)
    page.goto(base + path)

    page.locator("main p[lang=rad] strong").tap()
    popup = page.get_by_role("dialog")
    popup.wait_for()
    assert "cha" in popup.inner_text() and "father" in popup.inner_text()
    assert popup.locator("strong[lang=rad]").inner_text() == "ama"
    assert popup.evaluate("el => document.activeElement === el")
    entry_link = popup.get_by_role("link")
    assert urlsplit(entry_link.get_attribute("href")).path.startswith("/dictionary/")
    assert popup.get_by_role("button", name="▶").count() == 0  # no recording

    page.keyboard.press("Escape")
    popup.wait_for(state="detached")

    # A word with marks; then tapping outside closes the popup.
    page.locator("main p[lang=rad] em").tap()
    page.get_by_role("dialog").wait_for()
    assert "học" in page.get_by_role("dialog").inner_text()
    page.locator("main h1").tap()
    page.get_by_role("dialog").wait_for(state="detached")

    # A word the dictionary lacks says so.
    page.locator("main p[lang=rad] b").tap()
    page.get_by_role("dialog").wait_for()
    assert "zzyq" in page.get_by_role("dialog").inner_text()
    assert page.get_by_role("dialog").locator("a").count() == 0
    page.get_by_role("dialog").get_by_role("button").tap()
    page.get_by_role("dialog").wait_for(state="detached")

    # Vietnamese text is left alone: after tapping it and then an Ê Đê word,
    # only the Ê Đê word was looked up.
    assert len(lookups) == 3
    page.locator("main p i").tap()
    page.locator("main p[lang=rad] strong").tap()
    page.get_by_role("dialog").wait_for()
    assert len(lookups) == 3  # "ama" again: from the page's cache
    assert "father" in page.get_by_role("dialog").inner_text()
    page.keyboard.press("Escape")
    # A link in Ê Đê stays a link.
    page.locator("main a[lang=rad]").tap()
    page.wait_for_url(base + "/dictionary/")
    assert len(lookups) == 3
    assert errors == []
