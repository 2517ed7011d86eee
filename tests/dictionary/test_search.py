"""Dictionary entries: canonical text, revisions, permissions, and search as
people type it."""

from __future__ import annotations

import unicodedata

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from dictionary import selectors, services
from dictionary.models import Entry, EntryRevision
from dictionary.services import EntryData, SenseData
from lms.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

BREVE, CIRCUMFLEX = "\u0306", "\u0302"


def _save(headword: str, gloss_vi: str = "", gloss_en: str = "", **kw) -> Entry:
    entry, _created = services.entry_save(
        actor=None,
        data=EntryData(
            language=kw.pop("language", "rad"),
            headword=headword,
            senses=[SenseData(gloss_vi=gloss_vi, gloss_en=gloss_en)],
            **kw,
        ),
    )
    return entry


def test_breve_typed_before_the_circumflex_is_stored_in_the_canonical_order():
    typed = "k" + "e" + BREVE + CIRCUMFLEX + "t"  # looks like kê̆t
    entry = _save(typed, gloss_en="test")
    assert entry.headword == unicodedata.normalize(
        "NFC", "ke" + CIRCUMFLEX + BREVE + "t"
    )
    assert entry.headword == "kê̆t"


def test_search_folds_marks_both_ways_and_ranks_exact_headwords_first():
    hriam = _save("hriăm", gloss_vi="học", gloss_en="learn")
    _save("hriăm klei", gloss_vi="bài học", gloss_en="lesson")
    ket = _save("kê̆t", gloss_en="test")
    assert selectors.entries_search(query="hriam")[0] == hriam
    assert [e.headword for e in selectors.entries_search(query="hriam")] == [
        "hriăm",
        "hriăm klei",
    ]
    typed_other_way = "k" + "e" + BREVE + CIRCUMFLEX + "t"
    assert selectors.entries_search(query=typed_other_way) == [ket]
    assert selectors.entries_search(query="KÊ̆T") == [ket]
    # Vietnamese → Ê Đê, with or without the Vietnamese marks.
    assert hriam in selectors.entries_search(query="học")
    assert hriam in selectors.entries_search(query="hoc")
    assert hriam in selectors.entries_search(query="learn")
    assert selectors.entries_search(query="   ") == []


def test_search_keeps_to_the_language_asked():
    ede = _save("ama", gloss_en="father", language="rad")
    jrai = _save("ama", gloss_en="father", language="jra")
    assert selectors.entries_search(query="ama", language="jra") == [jrai]
    assert set(selectors.entries_search(query="ama")) == {ede, jrai}


def test_saving_keeps_a_revision_only_when_something_changed():
    entry = _save("ƀuôn", gloss_vi="buôn làng", gloss_en="village")
    assert EntryRevision.objects.filter(entry=entry).count() == 1
    again, created = services.entry_save(
        actor=None,
        entry=entry,
        data=EntryData(
            language="rad",
            headword="ƀuôn",
            senses=[SenseData(gloss_vi="buôn làng", gloss_en="village")],
        ),
    )
    assert not created and EntryRevision.objects.filter(entry=entry).count() == 1
    services.entry_save(
        actor=None,
        entry=entry,
        data=EntryData(
            language="rad",
            headword="ƀuôn",
            senses=[SenseData(gloss_vi="làng", gloss_en="village")],
        ),
        note="sửa nghĩa",
    )
    assert EntryRevision.objects.filter(entry=entry).count() == 2
    assert (
        EntryRevision.objects.filter(entry=entry).first().data["senses"][0]["gloss_vi"]
        == "làng"
    )


def test_only_editors_change_entries():
    data = EntryData(language="rad", headword="ih", senses=[SenseData(gloss_en="you")])
    with pytest.raises(PermissionDenied):
        services.entry_save(actor=make_user(), data=data)
    trainer = make_user(Role.TRAINER)
    with pytest.raises(PermissionDenied):
        services.entry_save(actor=trainer, data=data)
    trainer.user_permissions.add(Permission.objects.get(codename="change_entry"))
    trainer = type(trainer).objects.get(pk=trainer.pk)  # fresh permission cache
    entry, created = services.entry_save(actor=trainer, data=data)
    assert created and entry.revisions.first().author == trainer


def test_public_pages_and_json(client):
    entry = _save("hriăm", gloss_vi="học", gloss_en="learn")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/dictionary/", {"q": "hriam"}).content.decode()
    assert "hriăm" in page and "Austronesian Basic Vocabulary Database" in page
    partial = client.get("/dictionary/", {"q": "hoc"}, HTTP_HX_REQUEST="true")
    assert (
        "hriăm" in partial.content.decode() and "<html" not in partial.content.decode()
    )
    shown = client.get(f"/dictionary/{entry.pk}/").content.decode()
    assert "No recording of this word yet." in shown and "<audio" not in shown
    data = client.get("/dictionary/api/search", {"q": "hriam"}).json()
    assert data["results"][0]["headword"] == "hriăm"
    assert data["results"][0]["audio"] is None
    assert (
        client.get(f"/dictionary/api/entries/{entry.pk}").json()["senses"][0][
            "gloss_en"
        ]
        == "learn"
    )
    assert client.get("/dictionary/999999/").status_code == 404


# --- fuzzy search, both directions, lookups ----------------------------------------


def _distractors(count: int, prefix: str = "hr") -> None:
    """Entries that share the query's first letters ("hribak") but are not
    close to it: the SQL pre-filter keeps them, the scoring must not."""
    from lms.text import fold as fold_text

    words = [f"{prefix}i{b}{a}k" for a in "aeiou" for b in "bdgklmnpst"]
    Entry.objects.bulk_create(
        Entry(
            language="rad",
            headword=w,
            search_text=f"{fold_text(w)} | tu {n} | word {n}",
            sort_key=w,
            source="distractor",
            source_id=str(n),
        )
        for n, w in enumerate((words * (count // len(words) + 1))[:count])
    )


@pytest.mark.parametrize(
    "typed",
    [
        "hriem",  # a wrong vowel (and no breve)
        "hram",  # a missing letter
        "hriaam",  # an extra letter
        "HRIĔM",  # any case and marks
    ],
)
def test_a_typo_finds_the_word_as_did_you_mean(typed):
    hriam = _save("hriăm", gloss_vi="học", gloss_en="learn")
    _save("mnuih", gloss_vi="người", gloss_en="person")
    _distractors(300)
    results = selectors.dictionary_search(query=typed, language="rad")
    assert not results.by_headword and not results.by_gloss
    assert results.suggestions[0] == hriam
    assert all(e.headword != "mnuih" for e in results.suggestions)


def test_exact_and_prefix_matches_come_first_and_fuzzy_fills_in_after():
    hriam = _save("hriăm", gloss_vi="học", gloss_en="learn")
    hriem_klei = _save("hriêm klei", gloss_en="(test) starts with the query")
    results = selectors.dictionary_search(query="hriem", language="rad")
    assert results.by_headword == [hriem_klei]
    assert results.suggestions == [hriam]


def test_a_word_typed_as_written_gets_no_did_you_mean():
    hriam = _save("hriăm", gloss_vi="học", gloss_en="learn")
    _save("hriăng", gloss_en="(test) near spelling")
    results = selectors.dictionary_search(query="hriam", language="rad")
    assert results.by_headword == [hriam] and results.suggestions == []


def test_unrelated_and_too_short_queries_suggest_nothing():
    _save("hriăm", gloss_vi="học", gloss_en="learn")
    assert not selectors.dictionary_search(query="zzqx", language="rad")
    assert not selectors.dictionary_search(query="hr").suggestions


def test_results_are_split_by_headword_and_by_meaning():
    ama = _save("ama", gloss_vi="cha", gloss_en="father")
    amai = _save("amai", gloss_vi="chị", gloss_en="elder sister")
    chap = _save("čap", gloss_vi="cha", gloss_en="(test) gloss cha")
    results = selectors.dictionary_search(query="cha")
    assert ama in results.by_gloss and chap in results.by_gloss
    assert results.by_headword == []  # "čap" folds to "cap", not "cha"
    by_word = selectors.dictionary_search(query="ama")
    assert by_word.by_headword == [ama, amai]


def test_search_page_labels_both_directions_and_did_you_mean(client):
    _save("hriăm", gloss_vi="học", gloss_en="learn")
    _save("hriăm klei", gloss_vi="bài học", gloss_en="lesson")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/dictionary/", {"q": "hoc"}).content.decode()
    assert "By meaning" in page and "hriăm klei" in page
    assert "Did you mean" not in page
    page = client.get("/dictionary/", {"q": "hriam"}).content.decode()
    assert "Words" in page and "By meaning" not in page
    page = client.get("/dictionary/", {"q": "hriem"}).content.decode()
    assert "Did you mean" in page and "hriăm" in page
    data = client.get("/dictionary/api/search", {"q": "hriem"}).json()
    assert data["results"] == [] and data["did_you_mean"][0]["headword"] == "hriăm"
    data = client.get("/dictionary/api/search", {"q": "hoc"}).json()
    assert [(r["headword"], r["matched"]) for r in data["results"]] == [
        ("hriăm", "gloss"),
        ("hriăm klei", "gloss"),
    ]


def test_a_search_request_makes_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    for n in range(20):
        _save(f"hriăm {n}", gloss_vi="học", gloss_en="learn")
    _distractors(200)
    for query in ["hriam", "hriem", "hoc", "zzqx"]:
        with django_assert_max_num_queries(6):
            assert client.get("/dictionary/", {"q": query}).status_code == 200
        with django_assert_max_num_queries(6):
            client.get("/dictionary/api/search", {"q": query})


def test_lookup_finds_a_tapped_word_by_headword_or_variant_folded(client):
    ket = _save("kê̆t", gloss_vi="muỗi", gloss_en="(test) mosquito", variants=["kêt"])
    ama = _save("ama", gloss_vi="cha", gloss_en="father")
    _save("ama", gloss_vi="cha", gloss_en="father", language="jra")
    _save("amĭ", gloss_vi="mẹ", gloss_en="mother")
    _save("mniê", gloss_vi="(test) ama", gloss_en="woman")  # a gloss is not a form
    data = client.get("/dictionary/api/lookup", {"lang": "rad", "w": "Ama"}).json()
    assert [e["id"] for e in data["entries"]] == [ama.pk]
    first = data["entries"][0]
    assert first["glosses"] == [{"vi": "cha", "vi_translated": False, "en": "father"}]
    assert first["audio"] is None and first["url"] == f"/dictionary/{ama.pk}/"
    typed_other_way = "k" + "e" + BREVE + CIRCUMFLEX + "t"
    for word in [typed_other_way, "KÊT", "kêt"]:
        found = client.get("/dictionary/api/lookup", {"lang": "rad", "w": word})
        assert [e["id"] for e in found.json()["entries"]] == [ket.pk], word
    missing = client.get("/dictionary/api/lookup", {"lang": "rad", "w": "zzz"})
    assert missing.status_code == 200 and missing.json()["entries"] == []


@pytest.mark.parametrize(
    "params, error",
    [
        ({"lang": "xx", "w": "ama"}, "unknown_language"),
        ({"w": "ama"}, "unknown_language"),
        ({"lang": "rad", "w": "  "}, "bad_word"),
        ({"lang": "rad", "w": "a" * 101}, "bad_word"),
    ],
)
def test_lookup_refuses_bad_input_clearly(client, params, error):
    response = client.get("/dictionary/api/lookup", params)
    assert response.status_code == 400 and response.json()["error"] == error


def test_lookup_makes_two_queries(client, django_assert_num_queries):
    _save("ama", gloss_vi="cha", gloss_en="father")
    with django_assert_num_queries(2):
        client.get("/dictionary/api/lookup", {"lang": "rad", "w": "ama"})
