"""A shop's listings as a CSV in the shape of a marketplace bulk-upload sheet.

The columns follow the common columns of the bulk-upload ("mass upload")
sheets that marketplaces such as Shopee describe publicly (category, product
name, description, parent SKU, price, stock, weight, cover and item images),
plus two columns of our own at the end; ``docs/marketplace-csv.md`` lists
them and says what to check in the real template before uploading.

UTF-8 with a byte-order mark, so that Excel on a Windows PC shows the
Vietnamese letters rather than mojibake.
"""

from __future__ import annotations

import csv
import io

from ecommerce_training.checker import SHIPPING_OPTIONS
from ecommerce_training.models import Category, Listing, Shop

ITEM_IMAGES = 8
COLUMNS = (
    [
        "Category",
        "Product Name",
        "Product Description",
        "Parent SKU",
        "Price",
        "Stock",
        "Weight",
        "Cover image",
    ]
    + [f"Item Image {i}" for i in range(1, ITEM_IMAGES + 1)]
    + ["Shipping", "Unit", "OCOP stars"]
)
# Vietnamese names of the shipping choices, as a seller would type them.
SHIPPING_VI = {
    "post": "Bưu điện",
    "courier": "Giao hàng nhanh",
    "pickup": "Nhận tại nhà vườn",
}
UNIT_VI = {
    "kg": "kg",
    "g": "g",
    "l": "lít",
    "bottle": "chai",
    "jar": "hũ",
    "box": "hộp",
    "bag": "túi",
    "piece": "cái",
    "m": "mét",
}
CATEGORY_VI: dict[str, str] = {
    Category.COFFEE: "Cà phê",
    Category.PEPPER: "Hồ tiêu",
    Category.HONEY: "Mật ong",
    Category.BROCADE: "Thổ cẩm",
    Category.MACADAMIA: "Mắc ca",
    Category.DURIAN: "Sầu riêng",
    Category.CASHEW: "Hạt điều",
    Category.AVOCADO: "Bơ",
    Category.COCOA: "Ca cao",
    Category.RICE_WINE: "Rượu cần",
    Category.HANDICRAFT: "Hàng thủ công",
    Category.OTHER: "Sản phẩm OCOP khác",
}


def _cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def listing_row(listing: Listing, *, base_url: str) -> list[object]:
    photos = [base_url.rstrip("/") + p.image.url for p in listing.photos.all()]
    images = photos[1 : ITEM_IMAGES + 1]
    images += [""] * (ITEM_IMAGES - len(images))
    shipping = [s for s in SHIPPING_OPTIONS if s in (listing.shipping or [])]
    row = [
        CATEGORY_VI.get(listing.category, listing.category),
        listing.title,
        listing.description,
        f"DL{listing.shop_id}-{listing.pk}",
        listing.price_vnd if listing.price_vnd is not None else "",
        listing.stock,
        listing.weight_grams if listing.weight_grams is not None else "",
        photos[0] if photos else "",
        *images,
        "; ".join(SHIPPING_VI[s] for s in shipping),
        UNIT_VI.get(listing.unit, listing.unit),
        listing.ocop_stars or "",
    ]
    return [_cell(v) for v in row]


def shop_listings_csv(*, shop: Shop, base_url: str) -> bytes:
    """The CSV file's bytes (UTF-8 with BOM), one row per listing."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for listing in shop.listings.prefetch_related("photos").order_by("pk"):
        writer.writerow(listing_row(listing, base_url=base_url))
    return buffer.getvalue().encode("utf-8-sig")
