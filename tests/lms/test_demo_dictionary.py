"""The demo's Ê Đê dictionary (the ABVD list) and the course built on it."""

import io
import unicodedata

import pytest
from PIL import Image

from content_authoring.models import Block
from courses.models import Course, Enrollment
from dictionary.models import Entry, EntryRevision, Sense, Topic
from dictionary.services import EntryData, SenseData, entry_save
from lms.demo.courses import WORDS
from lms.demo.dictionary import COURSE_SLUG, SOURCE, TOPIC_CONCEPTS, TOPICS
from lms.demo.loader import load_demo
from lms.demo.pictures import DRAWINGS, MAX_BYTES, picture_webp
from lms.text import canonical

pytestmark = pytest.mark.django_db

DICTIONARY_TYPES = {
    "vocab_list",
    "flashcards",
    "listen_choose",
    "picture_match",
    "spelling",
    "dialogue",
}


def _demo_entries():
    return Entry.objects.filter(language="rad", source=SOURCE)


def _counts() -> dict[str, int]:
    course = Course.objects.get(slug=COURSE_SLUG)
    return {
        "entries": _demo_entries().count(),
        "senses": Sense.objects.count(),
        "revisions": EntryRevision.objects.count(),
        "topics": Topic.objects.count(),
        "tags": Entry.topics.through.objects.count(),
        "blocks": Block.objects.filter(lesson__course=course).count(),
        "enrolled": Enrollment.objects.filter(course=course).count(),
    }


def test_loading_the_demo_twice_gives_the_same_dictionary_and_course():
    load_demo()
    first = _counts()
    images = dict(_demo_entries().exclude(image="").values_list("pk", "image"))
    load_demo()
    assert _counts() == first
    assert dict(_demo_entries().exclude(image="").values_list("pk", "image")) == (
        images
    )
    assert first["entries"] == len(WORDS["words"]) > 200
    assert first["revisions"] == first["entries"]  # one each, at creation


def test_every_demo_word_is_an_entry_with_its_source_id_and_gloss():
    load_demo()
    entries = {e.source_id: e for e in _demo_entries().prefetch_related("senses")}
    for word in WORDS["words"]:
        entry = entries[f"{word['concept_id']}-{word['n']}"]
        assert entry.headword == word["form"]
        (sense,) = entry.senses.all()
        assert sense.gloss_en == word["gloss_en"]
        assert sense.gloss_vi == word["gloss_vi"]
    # Homographs of different concepts stay two entries ("boh": egg, fruit).
    assert _demo_entries().filter(headword="boh").count() == 2


def test_demo_entries_are_canonical_and_every_vietnamese_gloss_is_marked_translated():
    load_demo()
    senses = Sense.objects.filter(entry__source=SOURCE)
    assert senses.count() == len(WORDS["words"])
    assert not senses.filter(gloss_vi_translated=False).exists()
    assert not senses.filter(gloss_vi="").exists()
    for entry in _demo_entries():
        assert entry.headword == canonical(entry.headword)
        assert unicodedata.is_normalized("NFC", entry.headword)
        # The source's IPA letters never reach the dictionary.
        assert not set(entry.headword) & {"ɓ", "ɗ"}, entry.headword
    # A letter with no precomposed form, typed with its breve last.
    assert _demo_entries().filter(headword="mô\u0306").exists()
    for sense in senses:
        assert sense.gloss_vi == canonical(sense.gloss_vi)


def test_demo_entries_have_topics_and_levels_one_to_three():
    load_demo()
    assert set(Topic.objects.values_list("slug", flat=True)) >= {
        slug for slug, _vi, _en in TOPICS
    }
    for slug, _vi, _en in TOPICS:
        assert Topic.objects.get(slug=slug).entries.exists(), slug
    untagged = _demo_entries().filter(topics=None)
    assert not untagged.exists(), list(untagged.values_list("headword", flat=True))
    assert set(_demo_entries().values_list("level", flat=True)) == {1, 2, 3}
    mother = _demo_entries().get(headword="amĭ")
    assert mother.level == 1
    assert set(mother.topics.values_list("slug", flat=True)) == {"family"}
    # Every concept of the list has a topic in the mapping, none a made-up one.
    mapped = {c for concepts in TOPIC_CONCEPTS.values() for c in concepts}
    assert mapped == {w["concept_id"] for w in WORDS["words"]}


def test_demo_pictures_are_small_webp_drawings_of_concrete_words():
    load_demo()
    pictured = _demo_entries().exclude(image="")
    concepts = {int(e.source_id.split("-")[0]) for e in pictured}
    assert concepts == set(DRAWINGS)
    assert len(concepts) >= 10
    for entry in pictured:
        with entry.image.open("rb") as handle:
            data = handle.read()
        assert len(data) <= MAX_BYTES == 20 * 1024
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        assert image.size == (240, 240)
        # A drawing, not a blank square.
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or []) > 8
    assert _demo_entries().get(headword="sang").image.name.endswith(".webp")


def test_each_pictogram_is_a_different_picture():
    drawn = {concept: picture_webp(concept) for concept in DRAWINGS}
    assert len(set(drawn.values())) == len(drawn)


def test_a_picture_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr("lms.demo.pictures.MAX_BYTES", 200)
    with pytest.raises(ValueError, match="larger than 200 bytes"):
        picture_webp(61)


def test_no_demo_entry_has_a_recording():
    """Nobody has recorded these words, and no speech engine may stand in."""
    load_demo()
    assert not _demo_entries().exclude(pronunciation="").exists()


def test_the_course_blocks_use_existing_entries_and_no_listening():
    load_demo()
    course = Course.objects.get(slug=COURSE_SLUG)
    assert course.title == "Tiếng Êđê giao tiếp cho cán bộ"
    assert course.lessons.count() == 4
    blocks = list(Block.objects.filter(lesson__course=course))
    types = {b.block_type for b in blocks}
    assert {"vocab_list", "flashcards", "picture_match", "spelling"} <= types
    assert {"html", "dialogue"} <= types
    assert "listen_choose" not in types  # the entries have no recordings
    entry_ids = set(_demo_entries().values_list("pk", flat=True))
    topics = set(Topic.objects.values_list("slug", flat=True))
    for block in blocks:
        if block.block_type not in DICTIONARY_TYPES:
            continue
        fields = block.fields
        assert fields["language"] == "rad"
        chosen = set(fields["entry_ids"])
        chosen |= {line["entry_id"] for line in fields.get("lines", [])}
        assert chosen <= entry_ids, block.fields
        assert set(fields.get("topics", [])) <= topics
        assert chosen or fields["topics"], block.fields
        if block.block_type == "picture_match":
            assert not _demo_entries().filter(pk__in=chosen, image="").exists()
    html = " ".join(b.fields["html"] for b in blocks if b.block_type == "html")
    assert "CC BY 4.0" in html and "Greenhill" in html


def test_the_course_chosen_by_topic_has_words_of_that_topic_and_level():
    load_demo()
    block = Block.objects.get(
        lesson__course__slug=COURSE_SLUG,
        block_type="vocab_list",
        fields__topics=["actions"],
    )
    level = block.fields["max_level"]
    matching = _demo_entries().filter(topics__slug="actions", level__lte=level)
    assert 5 <= matching.count() <= block.fields["max_items"]


def test_the_cohort_officials_are_enrolled_in_the_course():
    load_demo()
    enrolled = set(
        Enrollment.objects.filter(
            course__slug=COURSE_SLUG, status=Enrollment.Status.ACTIVE
        ).values_list("user__username", flat=True)
    )
    assert enrolled == {"hocvien", "canbo2"}


def test_reloading_the_demo_keeps_an_editors_correction():
    load_demo()
    entry = _demo_entries().get(headword="sang")
    entry_save(
        actor=None,
        entry=entry,
        data=EntryData(
            language="rad",
            headword="sang",
            level=1,
            senses=[SenseData(gloss_vi="nhà, nhà dài", gloss_en="house")],
            source=SOURCE,
            source_id=entry.source_id,
        ),
    )
    load_demo()
    entry.refresh_from_db()
    assert entry.senses.get().gloss_vi == "nhà, nhà dài"
    assert _demo_entries().filter(headword="sang").count() == 1


def test_a_lost_demo_picture_is_drawn_again():
    load_demo()
    entry = _demo_entries().get(headword="hjan")
    entry.image.storage.delete(entry.image.name)
    load_demo()
    entry.refresh_from_db()
    assert entry.image.storage.exists(entry.image.name)
