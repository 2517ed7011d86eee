"""Dictionary lesson blocks in a real browser on a phone: flashcards turned and
rated (with htmx, and as a plain form without JavaScript), spelling feedback
that names the missing breve, and pictures matched by tapping."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests.e2e.conftest import PHONE, SCREENSHOTS, sign_in
from tests.media import tone

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _picture(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def lesson_url(live_server, settings, tmp_path):
    """A published Ê Đê lesson of flashcards, spelling and picture matching,
    a learner enrolled in it; returns the lesson's path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from content_authoring.models import Block
    from dictionary import services
    from dictionary.services import EntryData, SenseData
    from lms.models import User
    from tests import factories

    sound = tone()
    words = {}
    for headword, gloss, colour in [
        ("ama", "cha", "red"),
        ("ami", "mẹ", "blue"),
        ("hriăm", "học", None),
    ]:
        entry, _created = services.entry_save(
            actor=None,
            data=EntryData(
                language="rad", headword=headword, senses=[SenseData(gloss_vi=gloss)]
            ),
        )
        entry.pronunciation.save(f"{headword}.wav", ContentFile(sound))
        if colour:
            entry.image.save(f"{headword}.png", ContentFile(_picture(colour)))
        words[headword] = entry
    course = factories.make_course(lessons=1, with_question=False)
    lesson = course.lessons.get()
    ids = [words["ama"].pk, words["hriăm"].pk]
    for position, (block_type, fields, graded) in enumerate(
        [
            ("flashcards", {"entry_ids": ids}, False),
            ("spelling", {"entry_ids": [words["hriăm"].pk]}, True),
            (
                "picture_match",
                {"entry_ids": [words["ama"].pk, words["ami"].pk]},
                True,
            ),
        ],
        start=2,
    ):
        Block.objects.create(
            lesson=lesson,
            block_type=block_type,
            position=position,
            fields=fields,
            required=True,
            graded=graded,
        )
    learner = factories.make_user(username="hocvien-ede")
    User.objects.filter(pk=learner.pk).update(preferred_language="en")
    factories.enroll(learner, course)
    return f"/courses/{course.slug}/lessons/{lesson.pk}/"


def _errors(page) -> list[str]:
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
    return errors


def test_flashcards_spelling_and_pictures_on_a_phone(live_server, lesson_url, phone):
    from dictionary.models import Review, ReviewCard

    base = live_server.url
    page = phone.new_page()
    errors = _errors(page)
    sign_in(page, base, "hocvien-ede")
    page.goto(f"{base}{lesson_url}")

    # Opening the lesson put its words in the learner's daily review.
    assert ReviewCard.objects.filter(user__username="hocvien-ede").count() == 2

    cards = page.locator("section.block-flashcards")
    assert cards.locator(".dict-front").inner_text() == "ama"
    assert cards.locator(".dict-front").get_attribute("lang") == "rad"
    good = cards.locator('button[name="rating"][value="3"]')
    assert not good.is_visible()  # the card is not turned yet
    cards.locator(".dict-back summary").click()
    assert cards.locator(".dict-back").inner_text().count("cha") == 1
    assert good.is_visible()
    box = good.bounding_box()
    assert box is not None and box["height"] >= 44
    good.click()
    # htmx swaps the block for the next card: wait on it, not on a clock.
    page.locator("section.block-flashcards .dict-front", has_text="hriăm").wait_for()
    cards.locator(".dict-back summary").click()
    cards.locator('button[name="rating"][value="1"]').click()
    page.locator("section.block-flashcards .dict-done").wait_for()
    assert sorted(
        Review.objects.filter(user__username="hocvien-ede").values_list(
            "rating", flat=True
        )
    ) == [1, 3]

    # Spelling: the feedback names the missing breve.
    spelling = page.locator("section.block-spelling")
    spelling.locator('input[name="word"]').fill("hriam")
    spelling.locator("button[type=submit]").click()
    hint = page.locator("section.block-spelling .dict-hints")
    hint.wait_for()
    assert "needs a breve: ă" in hint.inner_text()

    # Pictures: a tap on each picture's list of words; nothing to drag.
    pictures = page.locator("section.block-picture_match")
    selects = pictures.locator("select")
    assert selects.count() == 2
    for index, word in enumerate(["ama", "ami"]):
        selects.nth(index).select_option(label=word)
        assert selects.nth(index).bounding_box()["height"] >= 44
    pictures.locator("button[type=submit]").click()
    page.locator("section.block-picture_match .feedback.ok").wait_for()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "e2e-dictionary-blocks.png"), full_page=True)
    assert errors == []


def test_flashcards_work_as_a_plain_form_without_javascript(
    live_server, lesson_url, browser
):
    from dictionary.models import Review

    context = browser.new_context(**PHONE, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "hocvien-ede")
        page.goto(f"{live_server.url}{lesson_url}")
        cards = page.locator("section.block-flashcards")
        cards.locator('button[name="rating"][value="4"]').click()
        page.wait_for_url(f"{live_server.url}{lesson_url}#block-*")
        assert (
            page.locator("section.block-flashcards .dict-front").inner_text() == "hriăm"
        )
        assert list(Review.objects.values_list("rating", flat=True)) == [4]
    finally:
        context.close()


def test_trainer_picks_entries_by_searching_the_dictionary(live_server, phone):
    from django.urls import reverse

    from content_authoring import selectors
    from content_authoring.models import Block
    from dictionary import services
    from dictionary.services import EntryData, SenseData
    from lms.models import Role, User
    from tests import factories

    trainer = factories.make_user(Role.TRAINER, username="giangvien-ede")
    User.objects.filter(pk=trainer.pk).update(preferred_language="en")
    lesson = factories.make_course(lessons=1, trainers=(trainer,)).lessons.get()
    hriam, _created = services.entry_save(
        actor=None,
        data=EntryData(
            language="rad", headword="hriăm", senses=[SenseData(gloss_vi="học")]
        ),
    )
    base = live_server.url
    page = phone.new_page()
    errors = _errors(page)
    sign_in(page, base, "giangvien-ede")
    page.goto(f"{base}{reverse('authoring:lesson', args=[lesson.pk])}")
    page.select_option('select[name="block_type"]', "flashcards")
    page.locator('form[action$="/blocks/"] button').click()
    page.get_by_text("Block added").wait_for()
    form = page.locator(
        "form.block-author-form", has=page.locator("[data-dict-author]")
    )
    # Typed without its breve: the search folds marks.
    form.locator("[data-dict-query]").fill("hriam")
    add = form.locator("[data-dict-results] button", has_text="hriăm")
    add.click()
    assert form.locator('textarea[name="entries"]').input_value() == (
        f"#{hriam.pk} hriăm (học)"
    )
    form.locator("button", has_text="Save").last.click()
    page.get_by_text("Saved in the draft").wait_for()
    block = Block.objects.get(lesson=lesson, block_type="flashcards")
    assert selectors.block_draft(block).fields["entry_ids"] == [hriam.pk]
    assert errors == []
