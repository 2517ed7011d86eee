"""A shop's listings as a marketplace bulk-upload CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from ecommerce_training import exports
from ecommerce_training import services_marketplace as services
from lms.models import Role
from tests.ecommerce_training.test_shop import (
    GOOD_LISTING,
    make_workshop,
    participant_with_shop,
    signed_in,
    upload,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_has_the_documented_columns_and_one_row_per_listing():
    user, shop = participant_with_shop()
    listing = services.listing_create(
        actor=user,
        shop=shop,
        **{**GOOD_LISTING, "shipping": ["courier", "post"], "ocop_stars": 4},
    )
    services.listing_photos_add(
        actor=user, listing=listing, uploads=[upload("a.jpg"), upload("b.jpg")]
    )
    services.listing_create(actor=user, shop=shop, title="=1+1", category="honey")
    content = exports.shop_listings_csv(shop=shop, base_url="https://lms.example/")
    header, first, second = rows(content)
    assert header == exports.COLUMNS
    row = dict(zip(header, first, strict=True))
    assert row["Category"] == "Cà phê"
    assert row["Product Name"] == GOOD_LISTING["title"]
    assert row["Product Description"] == GOOD_LISTING["description"]
    assert row["Parent SKU"] == f"DL{shop.pk}-{listing.pk}"
    assert (row["Price"], row["Stock"], row["Weight"]) == ("120000", "20", "520")
    assert row["Cover image"].startswith("https://lms.example/media/shops/photos/")
    assert row["Cover image"].endswith(".webp")
    assert row["Item Image 1"].startswith("https://lms.example/media/")
    assert row["Item Image 2"] == ""
    assert row["Shipping"] == "Bưu điện; Giao hàng nhanh"
    assert (row["Unit"], row["OCOP stars"]) == ("túi", "4")
    other = dict(zip(header, second, strict=True))
    assert other["Product Name"] == "'=1+1"  # never run as a formula
    assert other["Price"] == "" and other["Cover image"] == ""


def test_the_columns_are_documented():
    from pathlib import Path

    doc = (
        Path(__file__).resolve().parents[2] / "docs" / "marketplace-csv.md"
    ).read_text()
    item_images = [c for c in exports.COLUMNS if c.startswith("Item Image")]
    assert len(item_images) == 8  # documented as `Item Image 1` … `Item Image 8`
    for column in [c for c in exports.COLUMNS if c not in item_images[1:-1]]:
        assert f"`{column}`" in doc, column


def test_export_page_for_owner_and_coach_not_for_others():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organisers=(organiser,))
    user, shop = participant_with_shop(workshop)
    services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    url = reverse("ecommerce:shop_export", args=[shop.pk])
    for person in (user, organiser):
        response = signed_in(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        header, row = rows(response.content)
        assert row[1] == GOOD_LISTING["title"]
    other, _ = participant_with_shop(workshop)
    assert signed_in(other).get(url).status_code == 404
