"""Alphabetical order of Ê Đê, J'rai and M'nông: the letters with a breve, ƀ,
č and ñ are letters of their own, and the database sorts the keys as Python
does."""

from __future__ import annotations

import re
import unicodedata

import pytest
from django.db import connection
from django.db.models.functions import Collate

from dictionary import alphabet, services
from dictionary.alphabet import letters, sort_key
from dictionary.models import Entry
from dictionary.services import EntryData, SenseData
from lms.text import fold

BREVE, CIRCUMFLEX = "\u0306", "\u0302"


@pytest.fixture
def abvd_forms(shared_fixtures) -> list[str]:
    """The Ê Đê forms of the real ABVD list, with the space it puts before a
    combining breve removed (the importer does the same)."""
    lift = (shared_fixtures / "dictionary" / "rade-abvd-741.lift").read_text("utf-8")
    forms = re.findall(r'<lexical-unit><form lang="rad"><text>([^<]*)', lift)
    return [unicodedata.normalize("NFC", f.replace(" " + BREVE, BREVE)) for f in forms]


def _order(language: str, words: list[str]) -> list[str]:
    return sorted(words, key=lambda w: sort_key(language, w))


def test_the_alphabets_have_the_documented_letters():
    assert len(letters("rad")) == 38
    assert len(letters("jra")) == 40
    assert letters("mnn") == letters("cmo") and len(letters("mnn")) == 38
    assert letters("rad")[:12] == [
        "a",
        "ă",
        "â",
        "b",
        "ƀ",
        "č",
        "d",
        "đ",
        "e",
        "ĕ",
        "ê",
        "ê̆",
    ]
    assert letters("jra")[16:24] == ["j", "dj", "k", "l", "m", "n", "ñ", "ng"]
    assert "c/ch" in letters("mnn") and "dj" in letters("mnn")
    # Another language code: the Vietnamese alphabet.
    assert letters("vie")[:5] == ["a", "ă", "â", "b", "c"]


def test_real_ede_words_sort_in_the_ede_order(abvd_forms):
    words = [
        "asâo", "asăp", "ală", "ama", "amĭ",
        "ɓŭk", "boh", "ɓloh", "buh",
        "čăt", "čap", "čăm",
        "ɗĭ", "dơng", "dai", "ɗih", "dôk", "djă",
        "kô̆", "koh", "kĕ", "kŏ",
        "ôh", "ơʔơh", "ŏng",
        "ñu", "năm", "nơ̆ng ngă",
        "hruê", "hriê", "hrip",
        "jih jang", "jhat", "jĕ",
    ]  # fmt: skip
    assert set(words) <= set(abvd_forms)
    assert _order("rad", words) == [
        "ală", "ama", "amĭ", "asăp", "asâo",  # ă before â
        "boh", "buh", "ɓloh", "ɓŭk",  # every b before ƀ (written ɓ by the source)
        "čap", "čăm", "čăt",
        "dai", "djă", "dôk", "dơng", "ɗih", "ɗĭ",  # đ after d; i before ĭ
        "hriê", "hrip", "hruê",
        "jĕ", "jhat", "jih jang",
        "kĕ", "koh", "kŏ", "kô̆",  # o ŏ ô ô̆
        "năm", "nơ̆ng ngă", "ñu",
        "ŏng", "ôh", "ơʔơh",
    ]  # fmt: skip
    # The provisional order (folded text) got these wrong.
    assert sorted(["asăp", "asâo", "boh", "ɓloh"], key=fold) == [
        "asâo",
        "asăp",
        "ɓloh",
        "boh",
    ]


def test_jrai_has_dj_and_ng_as_letters(abvd_forms):
    words = ["djă", "dua", "jŭ", "kjuh", "dlông", "ngă", "ñu", "năm", "nơ̆ng ngă"]
    assert set(words) <= set(abvd_forms)
    assert _order("jra", words) == [
        "dlông", "dua", "jŭ", "djă", "kjuh",  # dj after j
        "năm", "nơ̆ng ngă", "ñu", "ngă",  # ng after ñ
    ]  # fmt: skip
    # In Ê Đê the same forms are plain letter sequences.
    assert _order("rad", words)[:3] == ["djă", "dlông", "dua"]


def test_mnong_ch_follows_c_and_dj_follows_d_stroke():
    assert _order("mnn", ["che", "cuh", "cai", "đă", "djrah", "duh"]) == [
        "cai",
        "cuh",
        "che",
        "duh",
        "đă",
        "djrah",
    ]


def test_the_key_is_short_lower_case_ascii_whatever_the_text():
    for text in ["Ê̆p", "M'nông", "Y-Bhăm Đuôn-yă", "ƀuôn 12", "ߊ", "ß", "  ", "ǅ"]:
        key = sort_key("rad", text)
        assert re.fullmatch(r"[0-9a-z]*", key), text
    long = "kmlang " * 200
    assert len(sort_key("rad", long)) == alphabet.MAX_LENGTH


def test_marks_typed_in_any_order_give_the_same_key_and_ties_are_deterministic():
    typed_other_way = "k" + "e" + BREVE + CIRCUMFLEX + "t"
    assert sort_key("rad", typed_other_way) == sort_key("rad", "kê̆t")
    # Case, tone marks and punctuation only break ties, always the same way.
    assert sort_key("rad", "ama") < sort_key("rad", "Ama") < sort_key("rad", "amai")
    assert (
        sort_key("rad", "mnông") < sort_key("rad", "m'nông") < sort_key("rad", "mnôt")
    )
    assert sort_key("rad", "anăn") < sort_key("rad", "anắn") < sort_key("rad", "anăng")
    assert sort_key("rad", "ama") < sort_key("rad", "ama ih") < sort_key("rad", "amai")
    # Letters outside the alphabet sit after the letter before them.
    assert _order("rad", ["ga", "fa", "ê̆p"]) == ["ê̆p", "fa", "ga"]


@pytest.mark.django_db
def test_the_database_orders_sort_keys_as_python_does(abvd_forms):
    """On PostgreSQL the column's collation (en_US, which ignores punctuation)
    must agree with Python; SQLite compares bytes."""
    for n, form in enumerate(abvd_forms):
        services.entry_save(
            actor=None,
            data=EntryData(
                language="rad",
                headword=form,
                senses=[SenseData(gloss_en=f"concept {n}")],
                source="test",
                source_id=str(n),
            ),
        )
    in_database = list(
        Entry.objects.filter(language="rad")
        .order_by("sort_key", "pk")
        .values_list("headword", flat=True)
    )
    by_python = [
        e.headword
        for e in sorted(
            Entry.objects.filter(language="rad"), key=lambda e: (e.sort_key, e.pk)
        )
    ]
    assert len(in_database) == len(abvd_forms)
    assert in_database == by_python
    if connection.vendor == "postgresql":
        # The test database may be C.UTF-8: try the linguistic collation too
        # (ICU English ignores punctuation and case at the first level).
        in_english = list(
            Entry.objects.filter(language="rad")
            .order_by(Collate("sort_key", "en-US-x-icu"), "pk")
            .values_list("headword", flat=True)
        )
        assert in_english == by_python
    assert in_database.index("boh") < in_database.index("ɓloh")
