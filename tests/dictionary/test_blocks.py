"""Lesson blocks built on dictionary entries: rendering from the live
dictionary, grading on the server (right, wrong, malformed, resent), the
flashcards' reviews, author forms, and who may submit."""

from __future__ import annotations

import re
import uuid
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from PIL import Image
from xblock.core import XBlock

from content_authoring.authoring_views import BLOCK_TYPE_LABELS
from content_authoring.models import Block
from content_authoring.runtime import BlockRuntime, block_type_check
from content_authoring.services import block_fields_clean, block_submit
from courses.exceptions import NotEnrolled
from courses.models import Attempt, BlockSummary
from dictionary import services
from dictionary.models import Entry, Review, ReviewCard, Topic
from dictionary.services import EntryData, SenseData
from tests import factories
from tests.media import tone

pytestmark = pytest.mark.django_db

TYPES = [
    "vocab_list",
    "flashcards",
    "listen_choose",
    "picture_match",
    "spelling",
    "dialogue",
]


@pytest.fixture(autouse=True)
def _english_and_plain_static(settings):
    settings.LANGUAGE_CODE = "en"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


# --- real media ---------------------------------------------------------------


def _picture(colour: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (32, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


# --- dictionary ---------------------------------------------------------------


def _save(headword: str, gloss_vi: str, *, entry: Entry | None = None, **kw) -> Entry:
    saved, _created = services.entry_save(
        actor=None,
        entry=entry,
        data=EntryData(
            language=kw.pop("language", "rad"),
            headword=headword,
            level=kw.pop("level", 1),
            senses=[SenseData(gloss_vi=gloss_vi, gloss_en=kw.pop("gloss_en", ""))],
        ),
    )
    return saved


@pytest.fixture
def family():
    return Topic.objects.create(slug="family", name_vi="Gia đình", name_en="Family")


@pytest.fixture
def words(family):
    """Five Ê Đê words of the family topic; three recorded, three pictured."""
    sound = tone(0.2)
    made = {}
    for headword, gloss, audio, colour in [
        ("ama", "cha", True, "red"),
        ("ami", "mẹ", True, "blue"),
        ("adei", "em", True, None),
        ("ayŏng", "anh", False, "green"),
        ("hriăm", "học", False, None),
    ]:
        entry = _save(headword, gloss, level=1 if headword != "hriăm" else 3)
        entry.topics.add(family)
        if audio:
            entry.pronunciation.save(f"{headword}.wav", ContentFile(sound))
        if colour:
            entry.image.save(f"{headword}.png", ContentFile(_picture(colour)))
        made[headword] = entry
    return made


# --- lesson and blocks --------------------------------------------------------


@pytest.fixture
def course(db):
    return factories.make_course(lessons=1)


@pytest.fixture
def lesson(course):
    return course.lessons.get()


@pytest.fixture
def enrolled(learner, course):
    factories.enroll(learner, course)
    learner.preferred_language = "en"
    learner.save(update_fields=["preferred_language"])
    return learner


def submit(user, block: Block, data: dict, submission_id=None) -> dict:
    return block_submit(
        user=user,
        block_id=block.pk,
        submission_id=submission_id or uuid.uuid4(),
        data=data,
    )


def xblock_of(block: Block, user=None):
    from django.contrib.auth.models import AnonymousUser

    runtime = BlockRuntime(user=user or AnonymousUser())
    runtime.kvs.prime(blocks=[block])
    return runtime.get_block(str(block.pk))


def form(pairs: list[tuple[str, str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def author_clean(block_type: str, pairs: list[tuple[str, str]], block: Block):
    fields = xblock_of(block).author_parse(form(pairs))
    return block_fields_clean(block_type=block_type, fields=fields)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def handler_url(block: Block, name: str) -> str:
    return reverse(
        "content_authoring:block_handler",
        kwargs={"usage_id": block.pk, "handler_name": name},
    )


HTMX = {"HTTP_HX_REQUEST": "true"}

# --- registration -------------------------------------------------------------


@pytest.mark.parametrize("block_type", TYPES)
def test_each_type_is_an_installed_xblock_with_a_label(block_type):
    assert block_type_check(block_type).available
    assert XBlock.load_class(block_type).__module__.startswith("dictionary.blocks.")
    assert BLOCK_TYPE_LABELS[block_type]


# --- vocabulary list ----------------------------------------------------------


def test_vocab_list_shows_topic_words_alphabetically_with_lang_and_audio(
    words, make_block, enrolled, render
):
    block = make_block(
        "vocab_list", {"topics": ["family"], "max_level": 2}, graded=False
    )
    html = render(block, enrolled)
    heads = re.findall(r'lang="rad" class="dict-headword">([^<]+)<', html)
    assert heads == ["adei", "ama", "ami", "ayŏng"]  # hriăm is level 3
    assert html.count("<audio") == 3
    assert html.count("No recording yet.") == 1
    assert "cha" in html and "mẹ" in html


def test_vocab_list_keeps_the_hand_picked_order_and_max_items(
    words, make_block, enrolled, render
):
    picked = [words["hriăm"].pk, words["ama"].pk, words["ami"].pk]
    block = make_block(
        "vocab_list", {"entry_ids": picked, "max_items": 2}, graded=False
    )
    heads = re.findall(r'class="dict-headword">([^<]+)<', render(block, enrolled))
    assert heads == ["hriăm", "ama"]


def test_correcting_an_entry_updates_every_lesson_using_it(
    words, make_block, enrolled, render
):
    vocab = make_block("vocab_list", {"entry_ids": [words["ama"].pk]}, graded=False)
    spelling = make_block("spelling", {"entry_ids": [words["ama"].pk]})
    assert "cha" in render(vocab, enrolled)
    services.entry_save(
        actor=None,
        entry=words["ama"],
        data=EntryData(
            language="rad", headword="amâ", senses=[SenseData(gloss_vi="người cha")]
        ),
    )
    html = render(vocab, enrolled)
    assert "amâ" in html and "người cha" in html
    assert ">ama<" not in html
    assert "người cha" in render(spelling, enrolled)
    assert submit(enrolled, spelling, {"word": ["amâ"]})["score"] == 1.0


def test_vocab_list_with_no_matching_entry_says_so(make_block, enrolled, render):
    block = make_block("vocab_list", {"topics": ["family"]}, graded=False)
    assert "No dictionary entry matches this choice." in render(block, enrolled)


def test_mark_as_done_completes_vocabulary_and_dialogue_not_flashcards(
    words, phrases, make_block, enrolled
):
    from content_authoring.services import lesson_mark_viewed

    vocab = make_block("vocab_list", {"topics": ["family"]}, graded=False)
    lines = [
        {"speaker": "A", "entry_id": phrases["greet"].pk},
        {"speaker": "B", "entry_id": phrases["answer"].pk},
    ]
    dialogue = make_block("dialogue", {"lines": lines}, graded=False)
    cards = make_block("flashcards", {"topics": ["family"]}, graded=False)
    lesson_mark_viewed(
        user=enrolled, lesson_id=vocab.lesson_id, submission_id=uuid.uuid4()
    )
    done = set(
        BlockSummary.objects.filter(
            user=enrolled, completed_at__isnull=False
        ).values_list("block_id", flat=True)
    )
    assert {vocab.pk, dialogue.pk} <= done
    assert cards.pk not in done  # completes by rating every card


# --- flashcards ---------------------------------------------------------------


@pytest.fixture
def cards(words, make_block):
    return make_block(
        "flashcards",
        {"entry_ids": [words["ama"].pk, words["ayŏng"].pk]},
        graded=False,
    )


def test_viewing_flashcards_puts_the_words_in_the_review_queue(
    cards, words, enrolled, render, course
):
    html = render(cards, enrolled)
    queued = ReviewCard.objects.filter(user=enrolled)
    assert sorted(queued.values_list("entry_id", flat=True)) == sorted(
        [words["ama"].pk, words["ayŏng"].pk]
    )
    assert {c.course_id for c in queued} == {course.pk}
    render(cards, enrolled)
    assert ReviewCard.objects.filter(user=enrolled).count() == 2
    # Front: the word, its recording and picture; back: in a <details>.
    assert 'class="dict-front" lang="rad">ama<' in html
    assert "<audio" in html and 'class="dict-pic"' in html
    assert re.search(r"<details[^>]*>.*cha.*</details>", html, re.S)
    # A plain form: it works without JavaScript.
    assert f'method="post" action="{handler_url(cards, "rate")}"' in html
    assert html.count('name="rating"') == 4


def _rate(client, block, entry, rating, sid=None, **extra):
    return client.post(
        handler_url(block, "rate"),
        {
            "entry_id": str(entry.pk),
            "rating": str(rating),
            "submission_id": str(sid or uuid.uuid4()),
            "next": "/lesson/",
        },
        **extra,
    )


def test_a_rating_is_a_review_and_a_resent_rating_counts_once(
    cards, words, enrolled, render
):
    render(cards, enrolled)
    client = client_for(enrolled)
    sid = uuid.uuid4()
    first = _rate(client, cards, words["ama"], 3, sid)
    assert first.status_code == 303
    assert first["Location"] == f"/lesson/#block-{cards.pk}"
    again = _rate(client, cards, words["ama"], 1, sid)
    assert again.status_code == 303
    reviews = Review.objects.filter(user=enrolled)
    assert reviews.count() == 1 and reviews.get().rating == 3
    card = ReviewCard.objects.get(user=enrolled, entry=words["ama"])
    assert card.reps == 1
    # The next view shows the next card.
    assert 'lang="rad">ayŏng<' in render(cards, enrolled)


def test_rating_every_card_completes_the_block(cards, words, enrolled, render):
    client = client_for(enrolled)
    _rate(client, cards, words["ama"], 4, **HTMX)
    summary = BlockSummary.objects.get(user=enrolled, block=cards)
    assert summary.progress == 0.5 and summary.completed_at is None
    response = _rate(client, cards, words["ayŏng"], 2, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="block-{cards.pk}"' in body and "You rated all 2 cards" in body
    summary.refresh_from_db()
    assert summary.completed_at is not None


@pytest.mark.parametrize(
    ("rating", "entry_key"), [("0", "ama"), ("nine", "ama"), ("3", "hriăm")]
)
def test_a_bad_rating_is_refused_and_records_nothing(
    cards, words, enrolled, rating, entry_key
):
    response = _rate(client_for(enrolled), cards, words[entry_key], rating, **HTMX)
    assert response.status_code == 400
    assert response.content.strip()
    assert not Review.objects.exists()
    assert not BlockSummary.objects.filter(block=cards).exists()


def test_a_rating_without_a_submission_id_is_refused(cards, words, enrolled):
    response = client_for(enrolled).post(
        handler_url(cards, "rate"),
        {"entry_id": str(words["ama"].pk), "rating": "3"},
        **HTMX,
    )
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_a_rating_sent_as_json_answers_json(cards, words, enrolled):
    sid = str(uuid.uuid4())
    body = {"entry_id": words["ama"].pk, "rating": 4, "submission_id": sid}
    client = client_for(enrolled)
    first = client.post(
        handler_url(cards, "rate"), body, content_type="application/json"
    )
    again = client.post(
        handler_url(cards, "rate"), body, content_type="application/json"
    )
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["rated"] == 1
    assert Review.objects.filter(user=enrolled).count() == 1


def test_a_learner_not_enrolled_cannot_rate(cards, words, learner):
    response = _rate(client_for(learner), cards, words["ama"], 3, **HTMX)
    assert response.status_code == 403
    assert not Review.objects.exists() and not ReviewCard.objects.exists()


# --- listen and choose --------------------------------------------------------


@pytest.fixture
def listen(words, make_block):
    return make_block("listen_choose", {"topics": ["family"]})


def _questions(html: str) -> list[list[tuple[str, str]]]:
    """Per question, its (token, meaning) options."""
    parts = html.split('<li class="dict-question')[1:]
    return [
        re.findall(r'name="q-\d+" value="([0-9a-f]{16})"[^>]*> ([^<]+)<', part)
        for part in parts
    ]


def _listen_answer(html: str, right_for: set[str], words) -> dict:
    """Right options for the questions whose word is in ``right_for``, wrong for
    the others. Questions follow the alphabetical order of the recorded words."""
    order = ["adei", "ama", "ami"]
    meaning = {w: words[w].senses.first().gloss_vi for w in order}
    data = {}
    for number, (word, options) in enumerate(
        zip(order, _questions(html), strict=True), start=1
    ):
        pick = [
            t for t, text in options if (text == meaning[word]) == (word in right_for)
        ]
        data[f"q-{number}"] = [pick[0]]
    return data


def test_listen_choose_uses_only_recorded_words_and_hides_the_answer(
    listen, words, enrolled, render
):
    html = render(listen, enrolled)
    questions = _questions(html)
    assert len(questions) == 3 and all(len(q) == 4 for q in questions)
    for headword in ("adei", "ama", "ami"):
        assert headword not in html  # neither as text nor in a file's name
    urls = re.findall(r'<audio[^>]+src="([^"]+)"', html)
    assert len(urls) == 3 and all("/dictionary/blocks/" in u for u in urls)
    response = Client().get(urls[0])
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    assert "filename" not in response.get("Content-Disposition", "")


def test_listen_choose_grades_right_and_wrong(listen, words, enrolled, render):
    html = render(listen, enrolled)
    result = submit(enrolled, listen, _listen_answer(html, {"ama", "ami"}, words))
    assert result["score"] == pytest.approx(2 / 3, abs=1e-3)
    assert result["correct"] is False
    after = render(listen, enrolled)
    assert after.count('class="dict-question right"') == 2
    assert after.count('class="dict-question wrong"') == 1
    assert "ama" in after and "adei" not in after  # only words got right are shown
    result = submit(
        enrolled, listen, _listen_answer(after, {"adei", "ama", "ami"}, words)
    )
    assert result["correct"] is True and result["score"] == 1.0


@pytest.mark.parametrize(
    "data",
    [{}, {"q-1": [""]}, {"q-1": ["deadbeefdeadbeef"]}, {"q-1": ["a", "b"]}, {"q-1": 5}],
)
def test_listen_choose_refuses_malformed_answers(listen, words, enrolled, data):
    with pytest.raises(ValidationError):
        submit(enrolled, listen, data)
    assert not Attempt.objects.filter(block=listen).exists()


def test_listen_choose_resent_answer_counts_once(listen, words, enrolled, render):
    html = render(listen, enrolled)
    sid = uuid.uuid4()
    submit(enrolled, listen, _listen_answer(html, {"adei", "ama", "ami"}, words), sid)
    again = submit(enrolled, listen, _listen_answer(html, set(), words), sid)
    assert again["duplicate"] is True and again["score"] == 1.0
    assert Attempt.objects.filter(block=listen).count() == 1


def test_listen_choose_without_recordings_says_so(words, make_block, enrolled, render):
    block = make_block("listen_choose", {"entry_ids": [words["ayŏng"].pk]})
    html = render(block, enrolled)
    assert "needs at least 2 entries with a recording" in html
    assert "<audio" not in html
    with pytest.raises(ValidationError) as error:
        author_clean(
            "listen_choose", [("language", "rad"), ("entries", "ayŏng")], block
        )
    assert (
        "Listen-and-choose needs at least 2 entries with a recording."
        in error.value.messages
    )


# --- picture matching ---------------------------------------------------------


@pytest.fixture
def pictures(words, make_block):
    return make_block("picture_match", {"topics": ["family"]})


def _menu(html: str) -> dict[str, str]:
    first = html.split("</select>")[0]
    return {
        text: token
        for token, text in re.findall(
            r'<option value="([0-9a-f]{16})"[^>]*>([^<]+)<', first
        )
    }


def test_picture_match_uses_only_pictured_words_with_opaque_names(
    pictures, enrolled, render
):
    html = render(pictures, enrolled)
    assert html.count("<select") == 3
    assert set(_menu(html)) == {"ama", "ami", "ayŏng"}
    srcs = re.findall(r'<img class="dict-pic" src="([^"]+)"', html)
    assert len(srcs) == 3
    assert not any(w in src for src in srcs for w in ("ama", "ami", "ayong", ".png"))
    assert 'name="match" lang="rad"' in html
    image = Client().get(srcs[0])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_picture_match_grades_by_share(pictures, enrolled, render):
    menu = _menu(render(pictures, enrolled))
    # Pictures are in alphabetical order: ama, ami, ayŏng.
    right = submit(
        enrolled, pictures, {"match": [menu["ama"], menu["ami"], menu["ayŏng"]]}
    )
    assert right["correct"] is True and right["score"] == 1.0
    wrong = submit(enrolled, pictures, {"matches": [menu["ami"], menu["ama"], ""]})
    assert wrong["score"] == 0.0 and wrong["correct"] is False


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"match": "x"},
        {"match": ["", "", ""]},
        {"match": ["deadbeefdeadbeef"] * 3},
        {"match": ["", ""]},
    ],
)
def test_picture_match_refuses_malformed_answers(pictures, enrolled, data):
    with pytest.raises(ValidationError):
        submit(enrolled, pictures, data)
    assert not Attempt.objects.filter(block=pictures).exists()


def test_picture_match_resent_answer_counts_once(pictures, enrolled, render):
    menu = _menu(render(pictures, enrolled))
    sid = uuid.uuid4()
    submit(
        enrolled, pictures, {"match": [menu["ama"], menu["ami"], menu["ayŏng"]]}, sid
    )
    again = submit(enrolled, pictures, {"match": [menu["ami"]] * 3}, sid)
    assert again["duplicate"] is True and again["score"] == 1.0
    assert Attempt.objects.filter(block=pictures).count() == 1


def test_picture_match_without_pictures_says_so(words, make_block, enrolled, render):
    block = make_block("picture_match", {"entry_ids": [words["hriăm"].pk]})
    assert "needs at least 2 entries with a picture" in render(block, enrolled)


# --- spelling -----------------------------------------------------------------


@pytest.fixture
def spelling(words, make_block):
    return make_block("spelling", {"entry_ids": [words["hriăm"].pk, words["ama"].pk]})


def test_spelling_shows_meanings_not_the_words(spelling, enrolled, render):
    html = render(spelling, enrolled)
    assert "học" in html and "cha" in html
    assert "hriăm" not in html and ">ama<" not in html
    assert html.count('name="word"') == 2


def test_spelling_right_answer_ignores_case_and_spaces(spelling, enrolled):
    result = submit(enrolled, spelling, {"word": [" Hriăm ", "AMA"]})
    assert result["correct"] is True and result["score"] == 1.0


def test_spelling_names_the_missing_breve(spelling, enrolled, render):
    result = submit(enrolled, spelling, {"word": ["hriam", "ama"]})
    assert result["score"] == 0.5
    assert "1 of 2 right." in result["feedback_html"]
    html = render(spelling, enrolled)
    assert "The 4th letter needs a breve: ă." in html


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"word": ["", ""]},
        {"word": ["hriăm"]},
        {"word": [5, "y"]},
        {"word": ["x" * 600, "y"]},
    ],
)
def test_spelling_refuses_malformed_answers(spelling, enrolled, data):
    with pytest.raises(ValidationError):
        submit(enrolled, spelling, data)
    assert not Attempt.objects.filter(block=spelling).exists()


def test_spelling_resent_answer_counts_once(spelling, enrolled):
    sid = uuid.uuid4()
    submit(enrolled, spelling, {"word": ["hriăm", "ama"]}, sid)
    again = submit(enrolled, spelling, {"word": ["x", "y"]}, sid)
    assert again["duplicate"] is True and again["score"] == 1.0
    assert Attempt.objects.filter(block=spelling).count() == 1


# --- dialogue -----------------------------------------------------------------


@pytest.fixture
def phrases():
    return {
        "greet": _save("Ih mơ̆ng ti?", "Bạn từ đâu đến?"),
        "answer": _save("Kâo mơ̆ng Buôn Ma Thuột", "Tôi từ Buôn Ma Thuột"),
    }


def test_dialogue_renders_speakers_phrases_and_translations(
    phrases, make_block, enrolled, render
):
    block = make_block(
        "dialogue",
        {
            "lines": [
                {"speaker": "H'Linh", "entry_id": phrases["greet"].pk},
                {"speaker": "Y Tlam", "entry_id": phrases["answer"].pk},
            ]
        },
        graded=False,
    )
    html = render(block, enrolled)
    assert 'class="dict-phrase" lang="rad">Ih mơ̆ng ti?<' in html
    assert "H&#x27;Linh" in html and "Y Tlam" in html
    assert "Tôi từ Buôn Ma Thuột" in html
    assert "side-0" in html and "side-1" in html


def test_dialogue_author_form_reads_speaker_lines(phrases, make_block):
    block = make_block("dialogue", {}, graded=False)
    studio = xblock_of(block).studio_view({}).body_html()
    assert 'name="lines"' in studio
    fields = author_clean(
        "dialogue",
        [
            ("language", "rad"),
            (
                "lines",
                f"A: #{phrases['greet'].pk} Ih mơ̆ng ti?\nB: Kâo mơ̆ng Buôn Ma Thuột\n",
            ),
        ],
        block,
    )
    assert fields["lines"] == [
        {"speaker": "A", "entry_id": phrases["greet"].pk},
        {"speaker": "B", "entry_id": phrases["answer"].pk},
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("A: Ih mơ̆ng ti?", "A dialogue needs at least 2 lines."),
        ("A: Ih mơ̆ng ti?\nno speaker here", "“Speaker: phrase”"),
        ("A: Ih mơ̆ng ti?\nB: not a phrase", "Not in the dictionary"),
    ],
)
def test_dialogue_author_errors_are_clear(phrases, make_block, lines, message):
    block = make_block("dialogue", {}, graded=False)
    with pytest.raises(ValidationError) as error:
        author_clean("dialogue", [("language", "rad"), ("lines", lines)], block)
    assert any(message in m for m in error.value.messages)


# --- authoring ----------------------------------------------------------------


def test_author_form_lists_languages_topics_and_chosen_entries(
    words, make_block, family
):
    block = make_block("vocab_list", {"entry_ids": [words["ama"].pk]}, graded=False)
    html = xblock_of(block).studio_view({}).body_html()
    assert 'name="language"' in html and 'value="rad" selected' in html
    assert 'name="topics" value="family"' in html
    assert f"#{words['ama'].pk} ama (cha)" in html
    assert 'data-search-url="/dictionary/api/search"' in html


def test_author_form_resolves_headwords_and_search_lines(words, make_block):
    block = make_block("spelling", {})
    fields = author_clean(
        "spelling",
        [
            ("language", "rad"),
            ("entries", f"hriăm\n#{words['ama'].pk} ama (cha)\n\nHriăm\n"),
            ("max_items", "5"),
            ("max_level", ""),
        ],
        block,
    )
    assert fields["entry_ids"] == [words["hriăm"].pk, words["ama"].pk]
    assert fields["max_items"] == 5 and fields["max_level"] == 0


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("language", "rad")], "Pick entries from the dictionary, or choose topics."),
        ([("language", "rad"), ("entries", "hriam")], "Not in the dictionary"),
        ([("language", "xx")], "Choose a language."),
        ([("language", "rad"), ("topics", "nope")], "Unknown topics: nope."),
        (
            [("language", "rad"), ("topics", "family"), ("max_items", "500")],
            "Use between 1 and 50 words.",
        ),
        (
            [("language", "rad"), ("topics", "family"), ("max_level", "two")],
            "whole number",
        ),
        (
            [("language", "jra"), ("entries", "#999999")],
            "not in the dictionary for this language",
        ),
    ],
)
def test_author_validation_messages(words, make_block, pairs, message):
    block = make_block("vocab_list", {}, graded=False)
    with pytest.raises(ValidationError) as error:
        author_clean("vocab_list", pairs, block)
    assert any(message in m for m in error.value.messages), error.value.messages


def test_picture_match_author_needs_two_pictures(words, make_block):
    block = make_block("picture_match", {})
    with pytest.raises(ValidationError) as error:
        author_clean(
            "picture_match", [("language", "rad"), ("entries", "ama\nhriăm")], block
        )
    assert "Picture matching needs at least 2 entries with a picture." in (
        error.value.messages
    )


# --- permissions --------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["listen", "pictures", "spelling"])
def test_a_learner_not_enrolled_cannot_submit(request, fixture, learner):
    block = request.getfixturevalue(fixture)
    with pytest.raises(NotEnrolled):
        submit(learner, block, {"word": ["x", "y"]})
    response = client_for(learner).post(
        handler_url(block, "submit"),
        {"word": ["x", "y"], "submission_id": str(uuid.uuid4())},
        **HTMX,
    )
    assert response.status_code == 403
    assert not Attempt.objects.filter(block=block).exists()


def test_an_htmx_answer_comes_back_as_the_block_with_feedback(spelling, enrolled):
    response = client_for(enrolled).post(
        handler_url(spelling, "submit"),
        {"word": ["hriam", "ama"], "submission_id": str(uuid.uuid4())},
        HTTP_ACCEPT_LANGUAGE="en",
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="block-{spelling.pk}"' in body
    assert "1 of 2 right." in body


def test_media_of_another_block_or_a_wrong_name_is_404(pictures, words):
    assert (
        Client()
        .get(
            reverse(
                "dictionary:block_media",
                kwargs={"usage_id": pictures.pk, "kind": "image", "name": "0" * 16},
            )
        )
        .status_code
        == 404
    )
    assert (
        Client()
        .get(
            reverse(
                "dictionary:block_media",
                kwargs={"usage_id": 999999, "kind": "image", "name": "0" * 16},
            )
        )
        .status_code
        == 404
    )


# --- page weight --------------------------------------------------------------


def test_a_lesson_of_all_six_types_renders_in_bounded_queries(
    words, phrases, make_block, enrolled, rf, django_assert_max_num_queries
):
    from content_authoring.selectors import lesson_render

    topic = {"topics": ["family"]}
    make_block("vocab_list", topic, graded=False)
    make_block("flashcards", topic, graded=False)
    make_block("listen_choose", topic)
    make_block("picture_match", topic)
    block = make_block("spelling", topic)
    make_block(
        "dialogue",
        {
            "lines": [
                {"speaker": "A", "entry_id": phrases["greet"].pk},
                {"speaker": "B", "entry_id": phrases["answer"].pk},
            ]
        },
        graded=False,
    )
    request = rf.get("/lesson/")
    request.user = enrolled
    with django_assert_max_num_queries(25):
        rendered = lesson_render(request=request, user=enrolled, lesson=block.lesson)
    assert all(b.available for b in rendered.blocks)
    dictionary_html = "".join(
        str(b.html) for b in rendered.blocks if b.block.position >= 10
    )
    # Phones on 3G: six exercises of five words in a few kilobytes of HTML.
    assert len(dictionary_html.encode()) < 16_000
