"""The listing checker: scores a practice listing 0..100 and says, in plain
words, what to improve. Pure functions of the listing's facts (no database,
no files), so each rule is tested on its own.

A check is a dict ``{"code", "ok", "points", "max", "msgid", "params"}``:
``msgid`` is an English gettext message id (marked with ``gettext_noop``) that
pages translate when they show it (Vietnamese by default), formatted with
``params``. Stored as it is in ``Listing.checks``.

The rules follow what marketplaces' seller guides ask of a listing (a title
that says what, which quality and where from; at least three clear photos;
a price and a weight a buyer believes; a description that tells origin, use
and storage), reduced to what a newcomer can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from lms.text import fold

TITLE_MIN, TITLE_MAX = 25, 120
PHOTOS_WANTED = 3
PHOTO_MIN_SIDE = 800
# Mean luminance (0..255). Below: a photo in the shade of the house; above: a
# washed-out one. A product on a white sheet, the advice given in workshops,
# sits around 180-225, so the bright limit is generous.
DARK_BELOW, BRIGHT_ABOVE = 60, 235
DESCRIPTION_MIN = 150


@dataclass(frozen=True)
class PhotoFacts:
    width: int
    height: int
    brightness: float


@dataclass(frozen=True)
class ListingFacts:
    title: str = ""
    category: str = ""
    price_vnd: int | None = None
    unit: str = ""
    weight_grams: int | None = None
    stock: int = 0
    shipping: tuple[str, ...] = ()
    description: str = ""
    ocop_stars: int | None = None
    photos: tuple[PhotoFacts, ...] = ()
    # Place names that count as origin besides the province's (the shop's commune).
    origin_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    score: int
    checks: list[dict] = field(default_factory=list)


def _key(text: str) -> str:
    """Folded text without apostrophes or hyphens: "Cư M'gar" -> "cu mgar"."""
    return " " + re.sub(r"['’‘`\-]", "", fold(text)) + " "


def _word_in(text_key: str, words: Iterable[str]) -> bool:
    """Whole-word (or whole-phrase) match in a ``_key``-ed text."""
    cleaned = re.sub(r"[^a-z0-9 ]", " ", text_key)
    cleaned = " " + " ".join(cleaned.split()) + " "
    return any(f" {w} " in cleaned for w in words)


# Words buyers search for, per category (folded, no apostrophes).
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "coffee": ("ca phe", "coffee", "cafe"),
    "pepper": ("tieu", "ho tieu", "pepper"),
    "honey": ("mat ong", "honey"),
    "brocade": ("tho cam", "vai det", "det", "brocade"),
    "macadamia": ("macca", "mac ca", "macadamia"),
    "durian": ("sau rieng", "durian"),
    "cashew": ("dieu", "hat dieu", "cashew"),
    "avocado": ("bo", "qua bo", "avocado"),
    "cocoa": ("ca cao", "cacao", "cocoa", "socola", "chocolate"),
    "rice_wine": ("ruou can", "ruou", "rice wine"),
    "handicraft": ("thu cong", "dan", "gui", "may tre", "go", "gom"),
}
QUALITY_WORDS = (
    "nguyen chat",
    "sach",
    "huu co",
    "organic",
    "rang moc",
    "chinh goc",
    "loai 1",
    "thuong hang",
    "dac san",
    "tu nhien",
    "cao cap",
    "thu cong",
    "chon loc",
    "tuoi",
    "moi thu hoach",
    "xuat khau",
    "vietgap",
    "globalgap",
    "ocop",
)
# The province (including Phú Yên, merged into it in 2025) and its best-known
# places; the shop's own commune is added per listing.
ORIGIN_WORDS = (
    "dak lak",
    "daklak",
    "dac lac",
    "buon ma thuot",
    "buon me thuot",
    "bmt",
    "tay nguyen",
    "buon don",
    "cu mgar",
    "krong",
    "ea hleo",
    "ea kar",
    "ea sup",
    "lak",
    "mdrak",
    "phu yen",
)
USAGE_WORDS = (
    "cach dung",
    "su dung",
    "dung de",
    "cach pha",
    "pha",
    "huong dan",
    "cong dung",
    "che bien",
    "an kem",
    "an lien",
    "uong",
    "nau",
    "mac",
    "deo",
)
STORAGE_WORDS = (
    "bao quan",
    "han su dung",
    "hsd",
    "noi kho",
    "kho rao",
    "thoang mat",
    "tu lanh",
    "tranh anh nang",
    "dong kin",
    "giat",
)
ORIGIN_STORY_WORDS = (
    "vuon",
    "trang trai",
    "nong trai",
    "hop tac xa",
    "htx",
    "xuat xu",
    "nguon goc",
    "trong tai",
    "san xuat tai",
    "buon",
    "thon",
)

PHONE = re.compile(r"(?:\+?84|\b0)(?:[\s.\-]?\d){8,10}\b")
URL = re.compile(
    r"(?:https?://|www\.|\b[\w-]+\.(?:com|vn|net|org|shop|info)\b|zalo|facebook|fb\.)",
    re.IGNORECASE,
)

# Plausible retail prices online, VND per kg of goods (2024-2026), wide enough
# for a farm-gate seller at the low end and a premium, packaged product at the
# high end. A price outside is probably a typo (a missing or extra 0) or the
# price of a different unit.
#   coffee: roasted/ground Robusta 180-350k, Arabica and fine Robusta to 800k;
#           green beans from ~100k (the brief's example 150-800k, widened).
#   pepper: farm price 2024-25 around 140-160k, packaged and red pepper to 600k.
#   honey: coffee-flower and wild honey 150-600k per litre (1 l is ~1.4 kg).
#   macadamia: in shell 150-350k, kernels to 800k.
#   durian: Ri6 and Monthong 50-120k at the farm, Musang King to 250k.
#   cashew: roasted kernels 200-450k.
#   avocado: Booth and 034 20-80k, early-season to 150k.
#   cocoa: beans 150-300k, powder and hand-made chocolate to 1.2M.
PRICE_PER_KG: dict[str, tuple[int, int]] = {
    "coffee": (100_000, 900_000),
    "pepper": (100_000, 700_000),
    "honey": (80_000, 800_000),
    "macadamia": (100_000, 900_000),
    "durian": (30_000, 250_000),
    "cashew": (120_000, 600_000),
    "avocado": (15_000, 150_000),
    "cocoa": (100_000, 1_200_000),
}
# Goods priced by the piece, metre or bottle, VND per unit:
#   brocade: a metre of hand-woven cloth 150k-1.5M; a scarf, bag or skirt 50k-5M.
#   rice wine: a jar (ché) 80k-1.5M, a bottle 50k-500k.
#   handicraft: baskets, gongs' small copies, carvings 20k-5M.
PRICE_PER_UNIT: dict[str, dict[str, tuple[int, int]]] = {
    "brocade": {"m": (150_000, 1_500_000), "*": (50_000, 5_000_000)},
    "rice_wine": {
        "jar": (80_000, 1_500_000),
        "bottle": (50_000, 500_000),
        "l": (50_000, 500_000),
        "*": (50_000, 1_500_000),
    },
    "handicraft": {"*": (20_000, 5_000_000)},
    "other": {"*": (10_000, 5_000_000)},
}
# Packed weight of one unit, grams: the net weight plus up to ~30 % packing.
WEIGHT_PER_UNIT: dict[str, tuple[int, int]] = {
    "kg": (1000, 1300),
    "g": (1, 10),
    "l": (900, 1900),
    "bottle": (100, 3000),
    "jar": (100, 10_000),
    "box": (50, 10_000),
    "bag": (50, 10_000),
    "piece": (10, 20_000),
    "m": (50, 2000),
}
SHIPPING_OPTIONS = ("post", "courier", "pickup")


def _check(code: str, ok: bool, points: int, maximum: int, msgid: str, **params):
    return {
        "code": code,
        "ok": ok,
        "points": max(0, min(points, maximum)),
        "max": maximum,
        "msgid": msgid,
        "params": params,
    }


# --- title ------------------------------------------------------------------------


def check_title_length(facts: ListingFacts) -> dict:
    n = len(facts.title.strip())
    if TITLE_MIN <= n <= TITLE_MAX:
        return _check(
            "title_length",
            True,
            10,
            10,
            gettext_noop("The title has a good length (%(n)s letters)."),
            n=n,
        )
    if n < TITLE_MIN:
        return _check(
            "title_length",
            False,
            4 if n >= 10 else 0,
            10,
            gettext_noop(
                "The title is short (%(n)s letters). Write %(min)s to %(max)s: "
                "what it is, how good, where from, and the amount, e.g. "
                '"Cà phê Robusta rang mộc Buôn Ma Thuột 500 g".'
            ),
            n=n,
            min=TITLE_MIN,
            max=TITLE_MAX,
        )
    return _check(
        "title_length",
        False,
        4,
        10,
        gettext_noop(
            "The title is too long (%(n)s letters). Keep it under %(max)s: "
            "buyers read only the start on a phone."
        ),
        n=n,
        max=TITLE_MAX,
    )


def check_title_keywords(facts: ListingFacts) -> dict:
    key = _key(facts.title)
    words = CATEGORY_WORDS.get(facts.category)
    has_category = True if words is None else _word_in(key, words)
    has_quality = _word_in(key, QUALITY_WORDS)
    origins = ORIGIN_WORDS + tuple(_key(o).strip() for o in facts.origin_names if o)
    has_origin = _word_in(key, origins)
    points = 5 * has_category + 5 * has_quality + 5 * has_origin
    missing = []
    if not has_category:
        missing.append(
            gettext_noop("the product's name (e.g. cà phê, hồ tiêu, mật ong)")
        )
    if not has_quality:
        missing.append(
            gettext_noop("a quality word (e.g. nguyên chất, rang mộc, sạch, đặc sản)")
        )
    if not has_origin:
        missing.append(
            gettext_noop(
                "where it comes from (e.g. Đắk Lắk, Buôn Ma Thuột, your commune)"
            )
        )
    if not missing:
        return _check(
            "title_keywords",
            True,
            points,
            15,
            gettext_noop(
                "The title says what it is, how good and where from: buyers find it."
            ),
        )
    return _check(
        "title_keywords",
        False,
        points,
        15,
        gettext_noop("Buyers search with these words. Add to the title: %(missing)s."),
        missing=missing,
    )


def check_title_contact(facts: ListingFacts) -> dict:
    if PHONE.search(facts.title) or URL.search(facts.title):
        return _check(
            "title_contact",
            False,
            0,
            5,
            gettext_noop(
                "Take the phone number or web address out of the title: "
                "marketplaces hide or remove such listings. Buyers contact you "
                "through the marketplace's chat."
            ),
        )
    return _check(
        "title_contact",
        True,
        5,
        5,
        gettext_noop("No phone number or web address in the title."),
    )


def check_title_shouting(facts: ListingFacts) -> dict:
    letters = [c for c in facts.title if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    if len(letters) >= 8 and upper / len(letters) > 0.6:
        return _check(
            "title_caps",
            False,
            0,
            5,
            gettext_noop(
                "The title is in CAPITAL LETTERS, which reads as shouting. "
                "Write it normally, with a capital only at the start of names."
            ),
        )
    return _check(
        "title_caps", True, 5, 5, gettext_noop("The title is written normally.")
    )


# --- photos -----------------------------------------------------------------------


def check_photo_count(facts: ListingFacts) -> dict:
    n = len(facts.photos)
    if n >= PHOTOS_WANTED:
        return _check(
            "photo_count", True, 15, 15, gettext_noop("%(n)s photos: good."), n=n
        )
    return _check(
        "photo_count",
        False,
        5 * n,
        15,
        gettext_noop(
            "%(n)s photo(s). Add at least %(want)s: the product alone, the "
            "package with its label, and the product in use or on the farm."
        ),
        n=n,
        want=PHOTOS_WANTED,
    )


def check_photo_size(facts: ListingFacts) -> dict:
    if not facts.photos:
        return _check(
            "photo_size",
            False,
            0,
            5,
            gettext_noop("Add photos, at least %(px)s pixels on the short side."),
            px=PHOTO_MIN_SIDE,
        )
    small = sum(1 for p in facts.photos if min(p.width, p.height) < PHOTO_MIN_SIDE)
    if small:
        return _check(
            "photo_size",
            False,
            0,
            5,
            gettext_noop(
                "%(n)s photo(s) are small (under %(px)s pixels on the short "
                "side): buyers cannot zoom in. Take them with the phone's main "
                "camera, close to the product, and do not send them through chat "
                "apps that shrink them."
            ),
            n=small,
            px=PHOTO_MIN_SIDE,
        )
    return _check(
        "photo_size",
        True,
        5,
        5,
        gettext_noop("The photos are large enough to zoom in."),
    )


def check_photo_brightness(facts: ListingFacts) -> dict:
    if not facts.photos:
        return _check(
            "photo_brightness",
            False,
            0,
            5,
            gettext_noop("Add photos taken in daylight."),
        )
    dark = sum(1 for p in facts.photos if p.brightness < DARK_BELOW)
    bright = sum(1 for p in facts.photos if p.brightness > BRIGHT_ABOVE)
    if dark:
        return _check(
            "photo_brightness",
            False,
            0,
            5,
            gettext_noop(
                "%(n)s photo(s) are too dark. Take them by a window or outside "
                "in the shade, in the morning, without the flash."
            ),
            n=dark,
        )
    if bright:
        return _check(
            "photo_brightness",
            False,
            0,
            5,
            gettext_noop(
                "%(n)s photo(s) are too bright: the colours are washed out. "
                "Move out of direct sun."
            ),
            n=bright,
        )
    return _check(
        "photo_brightness", True, 5, 5, gettext_noop("The photos are well lit.")
    )


# --- price and weight -------------------------------------------------------------


def _kg_per_unit(facts: ListingFacts) -> float | None:
    if facts.unit == "kg":
        return 1.0
    if facts.unit == "g":
        return 0.001
    if facts.unit == "l":
        return 1.4 if facts.category == "honey" else 1.0
    if facts.weight_grams:
        return facts.weight_grams / 1000
    return None


def price_range(facts: ListingFacts) -> tuple[int, int] | None:
    """The plausible price of one unit of the listing, or None if unknown."""
    if facts.category in PRICE_PER_KG:
        kg = _kg_per_unit(facts)
        if kg is None:
            return None
        low, high = PRICE_PER_KG[facts.category]
        return round(low * kg), round(high * kg)
    table = PRICE_PER_UNIT.get(facts.category) or PRICE_PER_UNIT["other"]
    return table.get(facts.unit) or table["*"]


def check_price(facts: ListingFacts) -> dict:
    if not facts.price_vnd:
        return _check(
            "price",
            False,
            0,
            10,
            gettext_noop("Give a price in đồng: buyers do not ask, they move on."),
        )
    if not facts.unit:
        return _check(
            "price",
            False,
            4,
            10,
            gettext_noop(
                "Say what the price is for: choose a unit (kg, bag, bottle…)."
            ),
        )
    bounds = price_range(facts)
    if bounds is None:
        return _check(
            "price",
            False,
            6,
            10,
            gettext_noop(
                "Give the weight of one %(unit)s so buyers, and this checker, "
                "can compare the price per kg."
            ),
            unit=facts.unit,
        )
    low, high = bounds
    if low <= facts.price_vnd <= high:
        return _check(
            "price",
            True,
            10,
            10,
            gettext_noop("The price looks right for this product."),
        )
    return _check(
        "price",
        False,
        3,
        10,
        gettext_noop(
            "%(price)s đ per %(unit)s looks %(way)s for this product: the usual "
            "range is %(low)s–%(high)s đ. Check for a missing or extra 0, and "
            "that the price is for one %(unit)s."
        ),
        price=f"{facts.price_vnd:,}".replace(",", "."),
        unit=facts.unit,
        way=gettext_noop("low") if facts.price_vnd < low else gettext_noop("high"),
        low=f"{low:,}".replace(",", "."),
        high=f"{high:,}".replace(",", "."),
    )


def check_weight(facts: ListingFacts) -> dict:
    if not facts.weight_grams:
        return _check(
            "weight",
            False,
            0,
            5,
            gettext_noop(
                "Give the packed weight in grams: the shipping price depends on it "
                "and marketplaces require it."
            ),
        )
    bounds = WEIGHT_PER_UNIT.get(facts.unit)
    if bounds and not bounds[0] <= facts.weight_grams <= bounds[1]:
        return _check(
            "weight",
            False,
            2,
            5,
            gettext_noop(
                "%(g)s g for one %(unit)s looks wrong (expected %(low)s–%(high)s g "
                "with the packing). Weigh one packed unit."
            ),
            g=facts.weight_grams,
            unit=facts.unit,
            low=bounds[0],
            high=bounds[1],
        )
    return _check("weight", True, 5, 5, gettext_noop("The weight is given."))


# --- description and the rest ------------------------------------------------------


def check_description_length(facts: ListingFacts) -> dict:
    n = len(facts.description.strip())
    if n >= DESCRIPTION_MIN:
        return _check(
            "description_length",
            True,
            8,
            8,
            gettext_noop("The description is long enough."),
        )
    return _check(
        "description_length",
        False,
        4 if n >= 60 else 0,
        8,
        gettext_noop(
            "The description is short (%(n)s letters). Write at least %(min)s: "
            "who grows or makes it, how, and why it is good."
        ),
        n=n,
        min=DESCRIPTION_MIN,
    )


def check_description_topics(facts: ListingFacts) -> dict:
    key = _key(facts.description)
    origins = (
        ORIGIN_WORDS
        + ORIGIN_STORY_WORDS
        + tuple(_key(o).strip() for o in facts.origin_names if o)
    )
    has_origin = _word_in(key, origins)
    has_usage = _word_in(key, USAGE_WORDS)
    has_storage = _word_in(key, STORAGE_WORDS)
    points = 3 * has_origin + 2 * has_usage + 2 * has_storage
    missing = []
    if not has_origin:
        missing.append(gettext_noop("where it comes from (village, farm, commune)"))
    if not has_usage:
        missing.append(gettext_noop("how to use it (e.g. cách pha, cách dùng)"))
    if not has_storage:
        missing.append(
            gettext_noop("how to keep it (e.g. bảo quản nơi khô ráo, hạn sử dụng)")
        )
    if not missing:
        return _check(
            "description_topics",
            True,
            points,
            7,
            gettext_noop("The description tells origin, use and storage."),
        )
    return _check(
        "description_topics",
        False,
        points,
        7,
        gettext_noop("Buyers want to know: %(missing)s. Add it to the description."),
        missing=missing,
    )


def check_stock(facts: ListingFacts) -> dict:
    if facts.stock > 0:
        return _check(
            "stock", True, 3, 3, gettext_noop("%(n)s in stock."), n=facts.stock
        )
    return _check(
        "stock",
        False,
        0,
        3,
        gettext_noop("Stock is 0: buyers cannot order. Say how many you can send."),
    )


def check_shipping(facts: ListingFacts) -> dict:
    chosen = [s for s in facts.shipping if s in SHIPPING_OPTIONS]
    if chosen:
        return _check(
            "shipping", True, 4, 4, gettext_noop("A way of shipping is chosen.")
        )
    return _check(
        "shipping",
        False,
        0,
        4,
        gettext_noop(
            "Choose how the goods reach the buyer: post office, courier or pick-up."
        ),
    )


_STARS_IN_TEXT = re.compile(r"\bocop\b\D{0,12}(\d)\s*(?:sao|\*|star)", re.IGNORECASE)


def check_ocop(facts: ListingFacts) -> dict:
    text = f"{facts.title}\n{facts.description}"
    key = _key(text)
    mentions = _word_in(key, ("ocop",))
    written = {int(m) for m in _STARS_IN_TEXT.findall(fold(text))}
    if facts.ocop_stars is not None and facts.ocop_stars not in (3, 4, 5):
        return _check(
            "ocop", False, 0, 3, gettext_noop("OCOP stars are 3, 4 or 5 (or none).")
        )
    if facts.ocop_stars is None and mentions:
        return _check(
            "ocop",
            False,
            0,
            3,
            gettext_noop(
                "The text speaks of OCOP but no stars are chosen. Choose the "
                "stars on the product's certificate, or remove the word OCOP."
            ),
        )
    if facts.ocop_stars is not None and written - {facts.ocop_stars}:
        return _check(
            "ocop",
            False,
            0,
            3,
            gettext_noop(
                "The text says %(written)s stars but %(stars)s are chosen: make "
                "them agree with the certificate."
            ),
            written=", ".join(str(w) for w in sorted(written)),
            stars=facts.ocop_stars,
        )
    if facts.ocop_stars is not None:
        return _check(
            "ocop",
            True,
            3,
            3,
            gettext_noop("OCOP %(stars)s stars: show the certificate in a photo."),
            stars=facts.ocop_stars,
        )
    return _check("ocop", True, 3, 3, gettext_noop("No OCOP claim."))


RULES = (
    check_title_length,
    check_title_keywords,
    check_title_contact,
    check_title_shouting,
    check_photo_count,
    check_photo_size,
    check_photo_brightness,
    check_price,
    check_weight,
    check_description_length,
    check_description_topics,
    check_stock,
    check_shipping,
    check_ocop,
)
# The rules' maxima add up to exactly 100.
MAX_SCORE = 100


def listing_check(facts: ListingFacts) -> CheckResult:
    """Every rule's verdict and the score, 0..100."""
    checks = [rule(facts) for rule in RULES]
    score = sum(c["points"] for c in checks)
    return CheckResult(score=max(0, min(MAX_SCORE, score)), checks=checks)


# Parameters that are message ids themselves (translated when shown).
_TRANSLATED_PARAMS = ("missing", "way")
# Units by their labels in ``Listing.Unit`` (the same message ids).
UNIT_LABELS = {
    "kg": gettext_noop("kg"),
    "g": gettext_noop("gram"),
    "l": gettext_noop("litre"),
    "bottle": gettext_noop("bottle"),
    "jar": gettext_noop("jar"),
    "box": gettext_noop("box"),
    "bag": gettext_noop("bag"),
    "piece": gettext_noop("piece"),
    "m": gettext_noop("metre"),
}


def check_message(check: dict) -> str:
    """The check's message in the active language."""
    params = dict(check.get("params") or {})
    for name in _TRANSLATED_PARAMS:
        value = params.get(name)
        if isinstance(value, list):
            params[name] = "; ".join(gettext(v) for v in value)
        elif isinstance(value, str):
            params[name] = gettext(value)
    unit = params.get("unit")
    if isinstance(unit, str):
        params["unit"] = gettext(UNIT_LABELS.get(unit) or unit)
    message = gettext(check["msgid"])
    return message % params if params else message
