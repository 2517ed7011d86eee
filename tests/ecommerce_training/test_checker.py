"""The listing checker, rule by rule (pure functions: no database)."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation

from ecommerce_training import checker
from ecommerce_training.checker import ListingFacts, PhotoFacts, listing_check

GOOD_PHOTO = PhotoFacts(1200, 900, 140.0)
GOOD = ListingFacts(
    title="Cà phê Robusta rang mộc nguyên chất Buôn Ma Thuột 500 g",
    category="coffee",
    price_vnd=120_000,
    unit="bag",
    weight_grams=520,
    stock=20,
    shipping=("post",),
    description=(
        "Cà phê trồng tại vườn nhà ở buôn Ko Tam, xã Ea Tu, hái chín, phơi trên "
        "giàn và rang mộc. Cách pha: 20 g cà phê với 60 ml nước sôi, pha phin. "
        "Bảo quản nơi khô ráo, thoáng mát, đóng kín túi sau khi mở."
    ),
    photos=(GOOD_PHOTO, GOOD_PHOTO, GOOD_PHOTO),
)


def with_(**changes) -> ListingFacts:
    return dataclasses.replace(GOOD, **changes)


def rule(facts: ListingFacts, code: str) -> dict:
    return next(c for c in listing_check(facts).checks if c["code"] == code)


def test_a_good_listing_scores_100_and_every_check_passes():
    result = listing_check(GOOD)
    assert result.score == 100
    assert all(c["ok"] for c in result.checks)


def test_the_rules_maxima_add_up_to_100():
    assert sum(c["max"] for c in listing_check(ListingFacts()).checks) == 100


def test_an_empty_listing_scores_low_but_not_below_zero():
    result = listing_check(ListingFacts(category="coffee"))
    assert 0 <= result.score <= 15  # only "no OCOP claim", title without contact…
    assert {c["code"] for c in result.checks if not c["ok"]} >= {
        "title_length",
        "photo_count",
        "price",
        "weight",
        "stock",
        "shipping",
    }


@pytest.mark.parametrize(
    ("title", "ok", "points"),
    [
        ("Cà phê", False, 0),
        ("Cà phê rang mộc ngon", False, 4),  # 20 letters: some credit
        ("C" * 25, True, 10),
        ("Cà phê " * 30, False, 4),  # too long
    ],
)
def test_title_length(title, ok, points):
    check = rule(with_(title=title), "title_length")
    assert (check["ok"], check["points"]) == (ok, points)


def test_title_keywords_need_category_quality_and_origin():
    assert rule(GOOD, "title_keywords")["points"] == 15
    no_origin = rule(
        with_(title="Cà phê Robusta rang mộc nguyên chất 500 g"), "title_keywords"
    )
    assert (no_origin["ok"], no_origin["points"]) == (False, 10)
    no_quality = rule(
        with_(title="Cà phê Robusta Buôn Ma Thuột túi 500 g"), "title_keywords"
    )
    assert no_quality["points"] == 10
    wrong_product = rule(
        with_(title="Hồ tiêu đen nguyên chất Đắk Lắk túi 500 g"), "title_keywords"
    )
    assert wrong_product["points"] == 10  # a coffee listing must say coffee


def test_title_keywords_fold_diacritics_and_accept_the_shops_commune():
    facts = with_(title="CA PHE sach ngon tu vuon nha 500g", origin_names=())
    assert rule(facts, "title_keywords")["points"] == 10
    facts = with_(title="Cà phê sạch Cư M'gar túi 500 g", origin_names=())
    assert rule(facts, "title_keywords")["points"] == 15
    facts = with_(title="Cà phê sạch xã Hòa Phú túi 500 g", origin_names=("Hòa Phú",))
    assert rule(facts, "title_keywords")["points"] == 15


@pytest.mark.parametrize(
    "title",
    [
        "Cà phê rang mộc Đắk Lắk gọi 0905 123 456",
        "Cà phê rang mộc Đắk Lắk 0905.123.456",
        "Cà phê rang mộc Đắk Lắk +84905123456",
        "Cà phê rang mộc Đắk Lắk xem www.caphe.vn",
        "Cà phê rang mộc Đắk Lắk https://shop.example/x",
        "Cà phê rang mộc Đắk Lắk zalo nhà vườn",
    ],
)
def test_title_with_a_phone_number_or_address_fails(title):
    check = rule(with_(title=title), "title_contact")
    assert (check["ok"], check["points"]) == (False, 0)


def test_title_with_weights_and_years_is_not_a_phone_number():
    title = "Cà phê rang mộc Đắk Lắk 500 g vụ mùa 2025 loại 1"
    assert rule(with_(title=title), "title_contact")["ok"]


def test_title_in_capitals_is_shouting():
    check = rule(with_(title="CÀ PHÊ RANG MỘC BUÔN MA THUỘT NGON"), "title_caps")
    assert not check["ok"]
    assert rule(with_(title="Cà phê OCOP rang mộc Buôn Ma Thuột"), "title_caps")["ok"]


@pytest.mark.parametrize(("n", "points"), [(0, 0), (1, 5), (2, 10), (3, 15), (8, 15)])
def test_photo_count(n, points):
    check = rule(with_(photos=(GOOD_PHOTO,) * n), "photo_count")
    assert check["points"] == points
    assert check["ok"] is (n >= 3)


def test_photo_size_needs_800_px_on_the_short_side():
    small = PhotoFacts(1600, 799, 140)
    check = rule(with_(photos=(GOOD_PHOTO, small)), "photo_size")
    assert not check["ok"] and check["params"]["n"] == 1
    assert rule(with_(photos=(PhotoFacts(800, 800, 140),)), "photo_size")["ok"]
    assert not rule(with_(photos=()), "photo_size")["ok"]


@pytest.mark.parametrize(
    ("brightness", "ok"),
    [(20, False), (59.9, False), (60, True), (230, True), (240, False)],
)
def test_photo_brightness(brightness, ok):
    check = rule(
        with_(photos=(PhotoFacts(1000, 1000, brightness),)), "photo_brightness"
    )
    assert check["ok"] is ok


def test_price_missing_gets_nothing():
    check = rule(with_(price_vnd=None), "price")
    assert (check["ok"], check["points"]) == (False, 0)


def test_price_per_kg_of_ground_coffee_is_judged_by_weight():
    # 500 g bag (520 g packed): 52 000 - 468 000 đ is plausible
    assert rule(with_(price_vnd=120_000), "price")["ok"]
    low = rule(with_(price_vnd=12_000), "price")  # a missing 0
    assert (low["ok"], low["points"], low["params"]["way"]) == (False, 3, "low")
    high = rule(with_(price_vnd=1_200_000), "price")  # an extra 0
    assert (high["ok"], high["params"]["way"]) == (False, "high")
    per_kg = with_(unit="kg", weight_grams=1050, price_vnd=250_000)
    assert rule(per_kg, "price")["ok"]


def test_price_of_a_packaged_unit_without_weight_asks_for_the_weight():
    check = rule(with_(weight_grams=None), "price")
    assert (check["ok"], check["points"]) == (False, 6)


def test_price_without_a_unit_asks_for_one():
    assert rule(with_(unit=""), "price")["points"] == 4


def test_price_of_brocade_by_the_metre_and_of_other_goods_by_the_piece():
    brocade = with_(category="brocade", unit="m", weight_grams=300, price_vnd=400_000)
    assert rule(brocade, "price")["ok"]
    assert not rule(dataclasses.replace(brocade, price_vnd=40_000), "price")["ok"]
    other = with_(category="other", unit="piece", weight_grams=300, price_vnd=90_000)
    assert rule(other, "price")["ok"]


def test_weight_missing_or_implausible_for_the_unit():
    assert rule(with_(weight_grams=None), "weight")["points"] == 0
    check = rule(with_(unit="kg", weight_grams=100, price_vnd=250_000), "weight")
    assert (check["ok"], check["points"]) == (False, 2)
    assert rule(with_(unit="kg", weight_grams=1100, price_vnd=250_000), "weight")["ok"]


def test_description_length():
    assert not rule(with_(description="Ngon."), "description_length")["ok"]
    assert rule(with_(description="x" * 80), "description_length")["points"] == 4
    assert rule(with_(description="x" * 150), "description_length")["ok"]


def test_description_topics_origin_usage_storage():
    assert rule(GOOD, "description_topics")["points"] == 7
    only_storage = rule(
        with_(description="Bảo quản nơi khô ráo."), "description_topics"
    )
    assert (only_storage["ok"], only_storage["points"]) == (False, 2)
    assert len(only_storage["params"]["missing"]) == 2


def test_stock_must_be_above_zero():
    assert not rule(with_(stock=0), "stock")["ok"]
    assert rule(with_(stock=1), "stock")["ok"]


def test_a_shipping_option_must_be_chosen():
    assert not rule(with_(shipping=()), "shipping")["ok"]
    assert not rule(with_(shipping=("teleport",)), "shipping")["ok"]
    assert rule(with_(shipping=("pickup",)), "shipping")["ok"]


def test_ocop_claims_must_agree_with_the_stars():
    assert rule(GOOD, "ocop")["ok"]  # no claim at all
    claim = with_(title="Cà phê rang mộc OCOP Buôn Ma Thuột 500 g")
    assert not rule(claim, "ocop")["ok"]  # says OCOP, no stars chosen
    assert rule(dataclasses.replace(claim, ocop_stars=4), "ocop")["ok"]
    says_four = with_(
        description=GOOD.description + " Sản phẩm OCOP 4 sao.", ocop_stars=3
    )
    assert not rule(says_four, "ocop")["ok"]
    assert rule(dataclasses.replace(says_four, ocop_stars=4), "ocop")["ok"]
    assert not rule(with_(ocop_stars=2), "ocop")["ok"]


def test_score_rises_as_the_listing_improves():
    scores = [
        listing_check(with_(photos=())).score,
        listing_check(with_(photos=(GOOD_PHOTO,))).score,
        listing_check(GOOD).score,
    ]
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_messages_are_translated_when_shown_with_their_parameters():
    check = rule(with_(title="Cà phê"), "title_length")
    with translation.override("en"):
        english = checker.check_message(check)
    assert "The title is short (6 letters)" in english
    failing = rule(with_(description="Ngon."), "description_topics")
    with translation.override("en"):
        assert "how to use it" in checker.check_message(failing)
    price = rule(with_(price_vnd=12_000), "price")
    with translation.override("en"):
        assert "12.000 đ per bag looks low" in checker.check_message(price)
