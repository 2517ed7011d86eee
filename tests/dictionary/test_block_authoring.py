"""Dictionary blocks on the authoring page: added, filled in by searching the
dictionary or typing headwords, saved to the draft, refused with clear
messages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from content_authoring import selectors
from content_authoring.models import Block
from dictionary import services
from dictionary.services import EntryData, SenseData
from tests import factories

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
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def lesson(trainer):
    return factories.make_course(lessons=1, trainers=(trainer,)).lessons.get()


@pytest.fixture
def signed_in(client, trainer):
    trainer.preferred_language = "en"
    trainer.save(update_fields=["preferred_language"])
    client.force_login(trainer)
    return client


def _word(headword: str, gloss: str):
    entry, _created = services.entry_save(
        actor=None,
        data=EntryData(
            language="rad", headword=headword, senses=[SenseData(gloss_vi=gloss)]
        ),
    )
    return entry


@pytest.mark.parametrize("block_type", TYPES)
def test_trainer_adds_a_dictionary_block_and_sees_its_form(
    signed_in, lesson, block_type
):
    page = signed_in.get(reverse("authoring:lesson", args=[lesson.pk]))
    assert f'value="{block_type}"' in page.content.decode()
    response = signed_in.post(
        reverse("authoring:block_add", args=[lesson.pk]), {"block_type": block_type}
    )
    assert response.status_code == 302
    block = Block.objects.get(lesson=lesson, block_type=block_type)
    page = signed_in.get(response.url).content.decode()
    assert 'name="language"' in page and "data-dict-author" in page
    assert "dictionary/blocks.js" in page
    assert ('name="lines"' in page) == (block_type == "dialogue")
    assert block.pk


def test_trainer_saves_typed_headwords_into_the_draft(signed_in, lesson):
    hriam, ama = _word("hriăm", "học"), _word("ama", "cha")
    signed_in.post(
        reverse("authoring:block_add", args=[lesson.pk]), {"block_type": "spelling"}
    )
    block = Block.objects.get(lesson=lesson, block_type="spelling")
    response = signed_in.post(
        reverse("authoring:block_save", args=[block.pk]),
        {
            "display_name": "Viết từ",
            "language": "rad",
            "entries": f"hriăm\n#{ama.pk} ama (cha)",
            "max_items": "10",
            "max_level": "0",
        },
        follow=True,
    )
    assert "Saved in the draft" in response.content.decode()
    draft = selectors.block_draft(Block.objects.get(pk=block.pk))
    assert draft.fields["entry_ids"] == [hriam.pk, ama.pk]
    assert draft.fields["display_name"] == "Viết từ"


def test_an_unknown_headword_is_refused_with_its_name(signed_in, lesson):
    _word("ama", "cha")
    signed_in.post(
        reverse("authoring:block_add", args=[lesson.pk]), {"block_type": "vocab_list"}
    )
    block = Block.objects.get(lesson=lesson, block_type="vocab_list")
    before = selectors.block_draft(block).fields
    response = signed_in.post(
        reverse("authoring:block_save", args=[block.pk]),
        {"language": "rad", "entries": "ama\nhriam", "max_items": "10"},
        follow=True,
    )
    assert "Not in the dictionary for this language: hriam." in (
        response.content.decode()
    )
    assert selectors.block_draft(Block.objects.get(pk=block.pk)).fields == before
