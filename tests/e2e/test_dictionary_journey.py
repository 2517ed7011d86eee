"""An official's way through the dictionary on a phone, on the demo data:
search a word typed without its special letters, open the entry, play the
pronunciation an editor recorded, then review the lesson's flashcards and the
daily review queue."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.media import tone

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_official_searches_listens_and_reviews_flashcards(
    live_server, demo, phone, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    from content_authoring.models import Block
    from dictionary import services
    from dictionary.models import Entry, Review, ReviewCard
    from lms.models import User

    child = Entry.objects.get(language="rad", headword="hđeh")
    editor = User.objects.get(username="quantri")
    services.entry_pronunciation_set(
        actor=editor, entry=child, data=tone(1, frequency=330), filename="hdeh.wav"
    )
    child.refresh_from_db()
    assert child.pronunciation.name.endswith(".m4a")

    base = live_server.url
    page = phone.new_page()
    failures: list[str] = []
    page.on("pageerror", lambda exc: failures.append(f"pageerror: {exc}"))
    page.on(
        "response",
        lambda r: (
            failures.append(f"{r.status} {r.url}")
            if r.status >= 400 and urlsplit(r.url).path != "/favicon.ico"
            else None
        ),
    )
    sign_in(page, base, "canbo2", demo)

    # Search, typing "hdeh" for hđeh as people do on a phone keyboard.
    page.click("header nav >> text=Từ điển")
    page.fill("input[name=q]", "hdeh")
    result = page.locator("#results a", has_text="hđeh").first
    result.wait_for()
    assert "con, trẻ em" in page.locator("#results").inner_text()
    result.click()
    page.wait_for_url(f"{base}/dictionary/{child.pk}/")
    assert page.locator("h1").inner_text() == "hđeh"
    assert page.locator("h1").get_attribute("lang") == "rad"
    assert page.locator("#no-recording").count() == 0

    # The recording plays: the browser decodes it and time moves.
    audio = page.locator("main audio")
    audio.evaluate("a => a.play()")
    page.wait_for_function(
        "() => document.querySelector('main audio').currentTime > 0.2"
    )
    assert audio.evaluate("a => a.duration") == pytest.approx(1.0, abs=0.2)
    page.screenshot(path=str(SCREENSHOTS / "e2e-dictionary-entry.png"), full_page=True)

    # The first lesson of the Ê Đê course: its flashcards.
    block = Block.objects.get(
        lesson__course__slug="tieng-ede-giao-tiep",
        lesson__position=1,
        block_type="flashcards",
    )
    lesson = block.lesson
    page.goto(f"{base}/courses/{lesson.course.slug}/lessons/{lesson.pk}/")
    cards = page.locator("section.block-flashcards")
    front = cards.locator(".dict-front")
    first_word = front.inner_text()
    assert front.get_attribute("lang") == "rad"
    first = Entry.objects.get(pk=block.fields["entry_ids"][0])
    assert first_word == first.headword
    # Opening the lesson put its words in the learner's review queue.
    learner = User.objects.get(username="canbo2")
    assert ReviewCard.objects.filter(user=learner).count() == len(
        block.fields["entry_ids"]
    )
    cards.locator(".dict-back summary").click()
    meaning = first.senses.first().gloss_vi
    assert meaning in cards.locator(".dict-back").inner_text()
    cards.locator('button[name="rating"][value="3"]').click()  # "Nhớ" (Good)
    # The next card comes without a page load.
    page.wait_for_function(
        "w => document.querySelector('section.block-flashcards .dict-front')"
        "?.textContent.trim() !== w",
        arg=first_word,
    )
    review = Review.objects.get(user=learner)
    assert review.card.entry_id == first.pk and review.rating == 3
    assert review.card.course_id == lesson.course_id
    page.screenshot(
        path=str(SCREENSHOTS / "e2e-dictionary-flashcards.png"), full_page=True
    )

    # The home page counts the words to review; the review page takes answers.
    page.goto(f"{base}/")
    home = page.locator("article.review-home")
    assert "cần ôn" in home.inner_text()
    home.locator("a", has_text="Ôn ngay").click()
    page.wait_for_url(f"{base}/dictionary/review/")
    word = page.locator(".review-word").inner_text()
    page.locator(".review-answer summary").click()
    page.locator('.review-rate button[name="rating"][value="4"]').click()  # "Dễ"
    page.wait_for_url(f"{base}/dictionary/review/")
    assert Review.objects.filter(user=learner).count() == 2
    newest = Review.objects.filter(user=learner).latest("reviewed_at")
    assert newest.card.entry.headword == word and newest.rating == 4
    assert failures == []
