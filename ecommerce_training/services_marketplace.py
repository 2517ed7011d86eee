"""Writes of the practice marketplace: shops, listings, photos, comments.

Permission checks are inside each service. Every change to a listing or its
photos re-scores it with the listing checker and feeds the owner's best score
into the progress of the course(s) the shop belongs to (the ``listing_task``
lesson block, see ``ecommerce_training.blocks``).
"""

from __future__ import annotations

import io
import logging
import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ecommerce_training import checker
from ecommerce_training import selectors_marketplace as selectors
from ecommerce_training.models import (
    Category,
    Listing,
    ListingComment,
    ListingPhoto,
    Shop,
    Workshop,
)
from lms.models import Commune, Role, User
from lms.text import canonical

log = logging.getLogger(__name__)

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
PHOTOS_PER_LISTING = 8
# Refuse decompression bombs before decoding (a 8 MB file can claim 1e9 pixels).
PHOTO_MAX_PIXELS = 50_000_000
_PHOTO_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
DESCRIPTION_MAX = 5000
COMMENT_MAX = 2000


# --- shops -------------------------------------------------------------------------


def _clean_shop_fields(
    *, name: str, story: str, address: str, phone: str
) -> dict[str, str]:
    name = canonical(name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the shop a name.")})
    if len(name) > 120:
        raise ValidationError({"name": _("Keep the name under 120 characters.")})
    phone = "".join((phone or "").split())
    if phone and not phone.lstrip("+").isdigit():
        raise ValidationError({"phone": _("A phone number has digits only.")})
    if len(phone) > 20:
        raise ValidationError({"phone": _("This phone number is too long.")})
    address = canonical(address or "").strip()
    if len(address) > 300:
        raise ValidationError({"address": _("Keep the address under 300 characters.")})
    return {
        "name": name,
        "story": canonical(story or "").strip()[:DESCRIPTION_MAX],
        "address": address,
        "phone": phone,
    }


@transaction.atomic
def shop_create(
    *,
    actor: User,
    workshop: Workshop | None,
    name: str,
    story: str = "",
    commune: Commune | None = None,
    address: str = "",
    phone: str = "",
) -> Shop:
    """A participant opens their practice shop: one per workshop they hold a
    seat in, or one (without a workshop) for an e-commerce course."""
    if not actor.is_authenticated or actor.role != Role.LEARNER:
        raise PermissionDenied(_("Only participants open a practice shop."))
    if workshop is not None:
        if workshop not in selectors.participant_workshops(user=actor):
            raise PermissionDenied(
                _("Register for this workshop (and get a seat) to open a shop in it.")
            )
    elif not selectors.participant_in_ecommerce_course(user=actor):
        raise PermissionDenied(
            _("Register for a workshop or enrol in an e-commerce course first.")
        )
    fields = _clean_shop_fields(name=name, story=story, address=address, phone=phone)
    existing = Shop.objects.filter(owner=actor, workshop=workshop).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Shop.objects.create(
                owner=actor, workshop=workshop, commune=commune, **fields
            )
    except IntegrityError:  # a double submit that raced the first
        return Shop.objects.get(owner=actor, workshop=workshop)


@transaction.atomic
def shop_update(
    *,
    actor: User,
    shop: Shop,
    name: str,
    story: str = "",
    commune: Commune | None = None,
    address: str = "",
    phone: str = "",
) -> Shop:
    if shop.owner_id != actor.pk:
        raise PermissionDenied(_("Only the shop's owner changes it."))
    fields = _clean_shop_fields(name=name, story=story, address=address, phone=phone)
    for key, value in fields.items():
        setattr(shop, key, value)
    commune_changed = shop.commune_id != (commune.pk if commune else None)
    shop.commune = commune
    shop.save()
    if commune_changed:  # the commune counts as an origin word
        for listing in shop.listings.all():
            listing_rescore(listing=listing)
    return shop


# --- listings ----------------------------------------------------------------------

_LISTING_FIELDS = (
    "title",
    "category",
    "price_vnd",
    "unit",
    "weight_grams",
    "stock",
    "shipping",
    "description",
    "ocop_stars",
)


def _clean_listing_fields(data: dict) -> dict:
    unknown = set(data) - set(_LISTING_FIELDS)
    if unknown:
        raise TypeError(f"Not a listing field: {sorted(unknown)}")
    errors: dict[str, str] = {}
    out = dict(data)
    title = canonical(out.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the product a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title under 200 characters.")
    out["title"] = title
    if out.get("category") not in Category.values:
        errors["category"] = _("Choose a category.")
    if out.get("unit") and out["unit"] not in Listing.Unit.values:
        errors["unit"] = _("Choose a unit.")
    out["unit"] = out.get("unit") or ""
    for name in ("price_vnd", "weight_grams"):
        value = out.get(name)
        if value in ("", None):
            out[name] = None
        elif not isinstance(value, int) or value <= 0:
            errors[name] = _("Give a whole number above 0, or leave it empty.")
    stock = out.get("stock") or 0
    if not isinstance(stock, int) or stock < 0:
        errors["stock"] = _("Stock is a whole number, 0 or more.")
    out["stock"] = stock
    shipping = list(dict.fromkeys(out.get("shipping") or []))
    if any(s not in checker.SHIPPING_OPTIONS for s in shipping):
        errors["shipping"] = _("Choose shipping options from the list.")
    out["shipping"] = shipping
    description = canonical(out.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Keep the description under 5000 characters.")
    out["description"] = description
    stars = out.get("ocop_stars")
    if stars in ("", None):
        out["ocop_stars"] = None
    elif stars not in (3, 4, 5):
        errors["ocop_stars"] = _("OCOP stars are 3, 4 or 5 (or none).")
    if errors:
        raise ValidationError(errors)
    return out


def _own_shop(*, actor: User, shop: Shop) -> None:
    if not actor.is_authenticated or shop.owner_id != actor.pk:
        raise PermissionDenied(_("Only the shop's owner changes its listings."))


@transaction.atomic
def listing_create(*, actor: User, shop: Shop, **data) -> Listing:
    _own_shop(actor=actor, shop=shop)
    fields = _clean_listing_fields({"title": "", "category": "", **data})
    listing = Listing.objects.create(shop=shop, **fields)
    return listing_rescore(listing=listing)


@transaction.atomic
def listing_update(*, actor: User, listing: Listing, **data) -> Listing:
    _own_shop(actor=actor, shop=listing.shop)
    current = {name: getattr(listing, name) for name in _LISTING_FIELDS}
    fields = _clean_listing_fields({**current, **data})
    for name, value in fields.items():
        setattr(listing, name, value)
    listing.save()
    return listing_rescore(listing=listing)


def listing_facts(*, listing: Listing) -> checker.ListingFacts:
    shop = listing.shop
    commune_name = shop.commune.name if shop.commune is not None else ""
    return checker.ListingFacts(
        title=listing.title,
        category=listing.category,
        price_vnd=listing.price_vnd,
        unit=listing.unit,
        weight_grams=listing.weight_grams,
        stock=listing.stock,
        shipping=tuple(listing.shipping or ()),
        description=listing.description,
        ocop_stars=listing.ocop_stars,
        photos=tuple(
            checker.PhotoFacts(p.width, p.height, p.brightness)
            for p in listing.photos.all()
        ),
        origin_names=(commune_name,) if commune_name else (),
    )


def listing_rescore(*, listing: Listing) -> Listing:
    """Run the checker, store its verdict, and feed the owner's progress."""
    result = checker.listing_check(listing_facts(listing=listing))
    listing.score, listing.checks = result.score, result.checks
    Listing.objects.filter(pk=listing.pk).update(
        score=result.score, checks=result.checks
    )
    listing_progress_record(shop=listing.shop)
    return listing


def listing_progress_record(*, shop: Shop) -> int:
    """Record the owner's best listing score on every ``listing_task`` block of
    the courses the shop feeds. The submission id is derived from the block,
    the user and the score, so re-scoring to the same best counts once; the
    course keeps the best result. Returns how many blocks were recorded."""
    from courses import services as course_services

    owner = shop.owner
    recorded = 0
    for course_id in selectors.courses_fed_by_shop(shop=shop):
        best = selectors.best_listing_score(user=owner, course_id=course_id)
        if best is None:
            continue
        for block_id, min_score in selectors.listing_task_blocks(course_id=course_id):
            submission = uuid.uuid5(
                uuid.NAMESPACE_URL,
                f"listing-task:block:{block_id}:user:{owner.pk}:best:{best}",
            )
            try:
                course_services.block_result_record(
                    user=owner,
                    block_id=block_id,
                    submission_id=submission,
                    progress=min(1.0, best / min_score) if min_score else 1.0,
                    score=best,
                    max_score=100,
                    kind="listing",
                    answer={"best_listing_score": best},
                )
            except (PermissionDenied, ValidationError):
                continue  # not enrolled (any more), lesson unpublished
            recorded += 1
    return recorded


# --- photos ------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes
    width: int
    height: int
    brightness: float


def photo_prepare(upload: UploadedFile) -> PreparedPhoto:
    """Decode an uploaded photo and re-encode it as WebP at most
    ``PHOTO_MAX_SIDE`` px, upright (EXIF orientation applied) and without its
    EXIF (no GPS position of the participant's house). Raises
    ``ValidationError`` with a message for people."""
    from PIL import Image, ImageOps, ImageStat, UnidentifiedImageError

    label = getattr(upload, "name", "") or _("the photo")
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large: the limit is %(size)s.")
            % {"name": label, "size": filesizeformat(PHOTO_MAX_BYTES)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": label}, code="empty")
    not_photo = ValidationError(
        _("%(name)s is not a photo this shop accepts: send JPEG, PNG or WebP.")
        % {"name": label},
        code="not_photo",
    )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in _PHOTO_FORMATS:
                raise not_photo
            if probe.width * probe.height > PHOTO_MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels.") % {"name": label},
                    code="too_many_pixels",
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("RGBA", "LA", "P", "PA"):
                image = image.convert("RGBA")
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image, mask=image.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            brightness = ImageStat.Stat(image.convert("L")).mean[0]
            out = io.BytesIO()
            image.save(out, "WEBP", quality=80, method=4)
            width, height = image.size
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise not_photo from exc
    return PreparedPhoto(out.getvalue(), width, height, round(brightness, 1))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # already gone; nothing to keep tidy
            log.warning("Could not delete %s", name, exc_info=True)


def listing_photos_add(
    *, actor: User, listing: Listing, uploads: list[UploadedFile]
) -> list[ListingPhoto]:
    """Add photos, all or nothing: each is checked and converted before any is
    kept, and files already written are removed if the rows cannot be."""
    _own_shop(actor=actor, shop=listing.shop)
    if not uploads:
        raise ValidationError(_("Choose at least one photo."), code="none")
    if len(uploads) > PHOTOS_PER_LISTING:
        raise ValidationError(
            _("A listing has at most %(n)s photos.") % {"n": PHOTOS_PER_LISTING},
            code="too_many",
        )
    prepared = [photo_prepare(upload) for upload in uploads]
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Listing.objects.select_for_update().get(pk=listing.pk)
            have = locked.photos.count()
            if have + len(prepared) > PHOTOS_PER_LISTING:
                raise ValidationError(
                    _(
                        "A listing has at most %(n)s photos: it has %(have)s, "
                        "so add at most %(room)s more."
                    )
                    % {
                        "n": PHOTOS_PER_LISTING,
                        "have": have,
                        "room": PHOTOS_PER_LISTING - have,
                    },
                    code="too_many",
                )
            last = (
                locked.photos.order_by("-position")
                .values_list("position", flat=True)
                .first()
            ) or 0
            photos = []
            for offset, photo in enumerate(prepared, start=1):
                row = ListingPhoto(
                    listing=locked,
                    width=photo.width,
                    height=photo.height,
                    brightness=photo.brightness,
                    position=last + offset,
                )
                row.image.save(
                    f"{locked.pk}-{secrets.token_hex(8)}.webp",
                    ContentFile(photo.content),
                    save=False,
                )
                written.append(str(row.image.name))
                row.save()
                photos.append(row)
            listing_rescore(listing=locked)
    except BaseException:
        _delete_files(written)
        raise
    listing.refresh_from_db()
    return photos


@transaction.atomic
def listing_photo_delete(*, actor: User, photo: ListingPhoto) -> Listing:
    listing = photo.listing
    _own_shop(actor=actor, shop=listing.shop)
    name = str(photo.image.name)
    photo.delete()
    transaction.on_commit(lambda: _delete_files([name]))
    return listing_rescore(listing=listing)


# --- comments ----------------------------------------------------------------------


@transaction.atomic
def listing_comment_add(*, actor: User, listing: Listing, body: str) -> ListingComment:
    """A trainer's or organiser's advice on a listing."""
    if not selectors.shop_can_coach(user=actor, shop=listing.shop):
        raise PermissionDenied(
            _("Only the workshop's trainers and organisers comment on listings.")
        )
    body = canonical(body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": _("Keep the comment under 2000 characters.")})
    return ListingComment.objects.create(listing=listing, author=actor, body=body)
