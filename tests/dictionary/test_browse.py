"""Browsing the dictionary: by letter of each language's alphabet (ê̆ apart
from ê, in the language's order, a page at a time) and by topic."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.conf import settings

from dictionary import services
from dictionary.alphabet import sort_key
from dictionary.models import Entry, Topic
from dictionary.services import EntryData, SenseData

pytestmark = pytest.mark.django_db


def _save(headword: str, language: str = "rad", topics=(), **kw) -> Entry:
    entry, _created = services.entry_save(
        actor=None,
        data=EntryData(
            language=language,
            headword=headword,
            senses=[SenseData(gloss_en=kw.pop("gloss", f"(test) {headword}"))],
        ),
    )
    entry.topics.set(topics)
    return entry


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _headwords(html: str, words: list[str]) -> list[str]:
    """The words of ``words`` that the page shows as entry links, in page order."""
    found = [(html.find(f"<strong>{w}</strong>"), w) for w in words]
    return [w for at, w in sorted(found) if at >= 0]


def test_the_browse_page_links_every_letter_of_the_language(english):
    page = english.get("/dictionary/browse/").content.decode()
    assert "Browse: Ê Đê" in page
    for letter in ["a", "ă", "ƀ", "č", "ê̆", "ñ", "ư̆"]:
        assert f"letter={quote(letter)}" in page, letter
    jrai = english.get("/dictionary/browse/", {"language": "jra"}).content.decode()
    assert "letter=ng" in jrai and "letter=dj" in jrai and "J&#x27;rai" in jrai
    assert "letter=ng" not in page


def test_a_letter_page_lists_its_words_in_the_language_order(english):
    words = ["êa", "ê̆p", "ênao", "ĕ", "kê̆t", "Ê̆t", "ê̆a"]
    for w in words:
        _save(w)
    page = english.get(
        "/dictionary/browse/", {"language": "rad", "letter": "ê̆"}
    ).content.decode()
    assert _headwords(page, words) == ["ê̆a", "ê̆p", "Ê̆t"]
    plain = english.get("/dictionary/browse/", {"letter": "ê"}).content.decode()
    assert _headwords(plain, words) == ["êa", "ênao"]
    # The letter typed as base + marks in any order, or in capitals, is the same.
    again = english.get("/dictionary/browse/", {"letter": "E\u0306\u0302"})
    assert _headwords(again.content.decode(), words) == ["ê̆a", "ê̆p", "Ê̆t"]


def test_words_with_b_and_with_hooked_b_are_apart(english):
    for w in ["ƀuôn", "buh", "ɓloh", "boh"]:
        _save(w)
    page = english.get("/dictionary/browse/", {"letter": "b"}).content.decode()
    assert _headwords(page, ["ƀuôn", "buh", "ɓloh", "boh"]) == ["boh", "buh"]
    hooked = english.get("/dictionary/browse/", {"letter": "ƀ"}).content.decode()
    assert _headwords(hooked, ["ƀuôn", "buh", "ɓloh", "boh"]) == ["ɓloh", "ƀuôn"]


def test_a_letter_page_is_paginated(english, django_assert_max_num_queries):
    Entry.objects.bulk_create(
        Entry(
            language="rad", headword=f"ma{n:03}", sort_key=sort_key("rad", f"ma{n:03}")
        )
        for n in range(120)
    )
    with django_assert_max_num_queries(4):
        first = english.get("/dictionary/browse/", {"letter": "m"})
    html = first.content.decode()
    assert "120 entries" in html and "Page 1 of 3" in html
    assert "ma000" in html and "ma050" not in html
    last = english.get("/dictionary/browse/", {"letter": "m", "page": 3})
    assert "ma119" in last.content.decode() and "ma000" not in last.content.decode()
    # A page number past the end shows the last page, a bad one the first.
    assert (
        "ma119"
        in english.get(
            "/dictionary/browse/", {"letter": "m", "page": 99}
        ).content.decode()
    )
    assert (
        "ma000"
        in english.get(
            "/dictionary/browse/", {"letter": "m", "page": "x"}
        ).content.decode()
    )


def test_a_letter_outside_the_alphabet_or_a_topic_that_does_not_exist_is_404(
    english,
):
    assert english.get("/dictionary/browse/", {"letter": "f"}).status_code == 404
    assert (
        english.get("/dictionary/browse/", {"language": "jra", "letter": "c/ch"})
    ).status_code == 404
    assert english.get("/dictionary/browse/topics/nope/").status_code == 404


def test_topics_show_their_counts_per_language_and_list_their_words(
    english, django_assert_max_num_queries
):
    family = Topic.objects.create(slug="family", name_vi="Gia đình", name_en="Family")
    farming = Topic.objects.create(slug="farming", name_vi="Nông nghiệp", name_en="")
    Topic.objects.create(slug="empty", name_vi="Trống", name_en="Empty")
    _save("ama", topics=[family])
    _save("amĭ", topics=[family])
    _save("ama", language="jra", topics=[family, farming])
    _save("hma", topics=[farming])
    with django_assert_max_num_queries(3):
        page = english.get("/dictionary/browse/").content.decode()
    assert "Gia đình</a>" in page and "(2)" in page and "Trống" not in page
    assert "(1)" in page  # farming has one Ê Đê word
    jrai = english.get("/dictionary/browse/", {"language": "jra"}).content.decode()
    assert "Gia đình</a>" in jrai and "(1)" in jrai and "(2)" not in jrai
    with django_assert_max_num_queries(4):
        listed = english.get(
            "/dictionary/browse/topics/family/", {"language": "rad"}
        ).content.decode()
    assert _headwords(listed, ["amĭ", "ama", "hma"]) == ["ama", "amĭ"]
    assert "2 entries" in listed
