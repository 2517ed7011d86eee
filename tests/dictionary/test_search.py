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
