"""Practice shops and listings: who may open and see them, photos, scoring,
comments, and the listing score in the course's progress."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from content_authoring.models import Block
from courses.models import BlockSummary, Enrollment, Track
from ecommerce_training import services_marketplace as services
from ecommerce_training.models import (
    Listing,
    ListingComment,
    ListingPhoto,
    Registration,
    Shop,
    Workshop,
)
from lms.models import Commune, Role
from tests.factories import enroll, make_course, make_program, make_user

_codes = itertools.count(1)

GOOD_LISTING = {
    "title": "Cà phê Robusta rang mộc nguyên chất Buôn Ma Thuột 500 g",
    "category": "coffee",
    "price_vnd": 120_000,
    "unit": "bag",
    "weight_grams": 520,
    "stock": 20,
    "shipping": ["post"],
    "description": (
        "Cà phê trồng tại vườn nhà ở buôn Ko Tam, hái chín, phơi trên giàn và "
        "rang mộc. Cách pha: 20 g cà phê với 60 ml nước sôi, pha phin. Bảo quản "
        "nơi khô ráo, thoáng mát, đóng kín túi sau khi mở."
    ),
}


# --- helpers (imported by the other marketplace tests) ---------------------------


def make_workshop(*, course=None, organisers=(), **fields) -> Workshop:
    n = next(_codes)
    workshop = Workshop.objects.create(
        title=fields.pop("title", f"Hội thảo bán hàng {n}"),
        slug=f"hoi-thao-{n}",
        seats=fields.pop("seats", 30),
        status=fields.pop("status", Workshop.Status.OPEN),
        course=course,
        **fields,
    )
    workshop.organisers.set(organisers)
    return workshop


def register(user, workshop, status=Registration.Status.REGISTERED) -> Registration:
    return Registration.objects.create(
        workshop=workshop, user=user, status=status, code=f"C{next(_codes):07d}"
    )


def participant_with_shop(workshop=None, **shop_fields):
    """A learner holding a seat in ``workshop`` (a new one if None) and their shop."""
    workshop = workshop or make_workshop()
    user = make_user(Role.LEARNER)
    register(user, workshop)
    shop = services.shop_create(
        actor=user,
        workshop=workshop,
        name=shop_fields.pop("name", "Nhà vườn H'Hen"),
        **shop_fields,
    )
    return user, shop


def signed_in(user) -> Client:
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def photo_bytes(size=(1200, 900), color=(150, 120, 90), fmt="JPEG", exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buffer, fmt, exif=exif)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def upload(name="anh.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(
        name, photo_bytes() if data is None else data, content_type
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- opening a shop ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_registered_participant_opens_one_shop_per_workshop():
    workshop = make_workshop()
    user = make_user(Role.LEARNER)
    register(user, workshop)
    commune = Commune.objects.order_by("code").first()
    shop = services.shop_create(
        actor=user,
        workshop=workshop,
        name="  Cà phê nhà H'Hen ",
        story="Nhà tôi trồng cà phê ba đời.",
        commune=commune,
        address="Buôn Ko Tam",
        phone="0905 123 456",
    )
    assert (shop.name, shop.phone, shop.commune) == (
        "Cà phê nhà H'Hen",
        "0905123456",
        commune,
    )
    again = services.shop_create(actor=user, workshop=workshop, name="Khác")
    assert again.pk == shop.pk and Shop.objects.count() == 1


@pytest.mark.django_db
def test_shop_text_is_stored_nfc():
    _user, shop = participant_with_shop(
        name="Tho\u0302\u0309 ca\u0302\u0309m"
    )  # decomposed input
    assert shop.name == "Thổ cẩm"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Registration.Status.WAITLISTED, Registration.Status.CANCELLED]
)
def test_without_a_seat_no_shop(status):
    workshop = make_workshop()
    user = make_user(Role.LEARNER)
    register(user, workshop, status=status)
    with pytest.raises(PermissionDenied):
        services.shop_create(actor=user, workshop=workshop, name="Nhà vườn")
    assert not Shop.objects.exists()


@pytest.mark.django_db
def test_a_learner_of_an_ecommerce_course_opens_a_shop_without_a_workshop():
    user = make_user(Role.LEARNER)
    with pytest.raises(PermissionDenied):
        services.shop_create(actor=user, workshop=None, name="Nhà vườn")
    enroll(user, make_course(program=make_program(Track.VOCATIONAL)))
    with pytest.raises(PermissionDenied):  # not the e-commerce track
        services.shop_create(actor=user, workshop=None, name="Nhà vườn")
    enroll(user, make_course(program=make_program(Track.ECOMMERCE)))
    shop = services.shop_create(actor=user, workshop=None, name="Nhà vườn")
    assert shop.workshop is None
    assert services.shop_create(actor=user, workshop=None, name="Lần 2").pk == shop.pk


@pytest.mark.django_db
def test_the_database_allows_one_shop_without_a_workshop_per_person():
    from django.db import IntegrityError, transaction

    user = make_user(Role.LEARNER)
    Shop.objects.create(owner=user, name="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Shop.objects.create(owner=user, name="B")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TRAINER, Role.ORGANISER, Role.ADMIN])
def test_staff_do_not_open_practice_shops(role):
    workshop = make_workshop()
    user = make_user(role)
    register(user, workshop)
    with pytest.raises(PermissionDenied):
        services.shop_create(actor=user, workshop=workshop, name="Nhà vườn")


@pytest.mark.django_db
def test_bad_shop_input_is_refused_and_nothing_is_saved():
    workshop = make_workshop()
    user = make_user(Role.LEARNER)
    register(user, workshop)
    with pytest.raises(ValidationError) as exc:
        services.shop_create(actor=user, workshop=workshop, name="  ")
    assert "name" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.shop_create(actor=user, workshop=workshop, name="A", phone="09x")
    assert "phone" in exc.value.error_dict
    assert not Shop.objects.exists()


@pytest.mark.django_db
def test_shop_pages_open_and_edit_a_shop():
    workshop = make_workshop(title="Bán hàng online")
    user = make_user(Role.LEARNER)
    register(user, workshop)
    client = signed_in(user)
    home = client.get(reverse("ecommerce:shop_home"))
    assert home.status_code == 200
    assert "Open my practice shop" in home.content.decode()
    url = reverse("ecommerce:shop_create") + f"?workshop={workshop.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("ecommerce:shop_create"),
        {"workshop": workshop.pk, "name": "Nhà vườn Ea Tu", "phone": ""},
    )
    shop = Shop.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("ecommerce:shop_detail", args=[shop.pk])
    response = client.post(
        reverse("ecommerce:shop_edit", args=[shop.pk]), {"name": "Nhà vườn Ea Tu 2"}
    )
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.name == "Nhà vườn Ea Tu 2"


@pytest.mark.django_db
def test_shop_create_page_refuses_a_workshop_without_a_seat():
    workshop = make_workshop()
    user = make_user(Role.LEARNER)
    register(user, workshop, status=Registration.Status.WAITLISTED)
    client = signed_in(user)
    url = reverse("ecommerce:shop_create") + f"?workshop={workshop.pk}"
    assert client.get(url).status_code == 403
    response = client.post(
        reverse("ecommerce:shop_create"), {"workshop": workshop.pk, "name": "X"}
    )
    assert response.status_code == 403
    assert not Shop.objects.exists()


# --- listings ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_listing_is_scored_when_created_and_rescored_on_every_change():
    user, shop = participant_with_shop()
    listing = services.listing_create(
        actor=user, shop=shop, title="Cà phê", category="coffee"
    )
    listing.refresh_from_db()
    first = listing.score
    assert 0 < first < 50
    assert {c["code"] for c in listing.checks if not c["ok"]} >= {"price", "stock"}
    listing = services.listing_update(actor=user, listing=listing, **GOOD_LISTING)
    listing.refresh_from_db()
    assert listing.score > first
    assert {c["code"] for c in listing.checks if not c["ok"]} == {
        "photo_count",
        "photo_size",
        "photo_brightness",
    }


@pytest.mark.django_db
def test_the_shops_commune_counts_as_origin():
    user, shop = participant_with_shop()
    commune = Commune.objects.order_by("code").first()
    assert commune is not None
    data = {**GOOD_LISTING, "title": f"Cà phê rang mộc {commune.name} 500 g"}
    listing = services.listing_create(actor=user, shop=shop, **data)
    before = next(c for c in listing.checks if c["code"] == "title_keywords")
    assert before["points"] == 10
    services.shop_update(actor=user, shop=shop, name=shop.name, commune=commune)
    listing.refresh_from_db()
    after = next(c for c in listing.checks if c["code"] == "title_keywords")
    assert after["points"] == 15


@pytest.mark.django_db
def test_bad_listing_input_is_refused_with_field_errors():
    user, shop = participant_with_shop()
    with pytest.raises(ValidationError) as exc:
        services.listing_create(
            actor=user,
            shop=shop,
            title="",
            category="spaceships",
            price_vnd=-5,
            shipping=["teleport"],
            ocop_stars=2,
        )
    assert set(exc.value.error_dict) == {
        "title",
        "category",
        "price_vnd",
        "shipping",
        "ocop_stars",
    }
    assert not Listing.objects.exists()


@pytest.mark.django_db
def test_only_the_owner_changes_a_listing():
    user, shop = participant_with_shop()
    other, _other_shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    with pytest.raises(PermissionDenied):
        services.listing_create(actor=other, shop=shop, **GOOD_LISTING)
    with pytest.raises(PermissionDenied):
        services.listing_update(actor=other, listing=listing, title="Của tôi")
    with pytest.raises(PermissionDenied):
        services.listing_photos_add(actor=other, listing=listing, uploads=[upload()])
    listing.refresh_from_db()
    assert listing.title == GOOD_LISTING["title"]


@pytest.mark.django_db
def test_listing_pages_create_edit_and_show_the_checks():
    user, shop = participant_with_shop()
    client = signed_in(user)
    response = client.post(
        reverse("ecommerce:listing_create", args=[shop.pk]),
        {**GOOD_LISTING, "ocop_stars": ""},
    )
    listing = Listing.objects.get(shop=shop)
    assert response.status_code == 302
    page = client.get(reverse("ecommerce:listing_detail", args=[listing.pk]))
    text = page.content.decode()
    assert f"Score: {listing.score}/100" in text
    assert "Add at least 3" in text  # the photo advice, in plain words
    response = client.post(
        reverse("ecommerce:listing_edit", args=[listing.pk]),
        {**GOOD_LISTING, "price_vnd": "abc"},
    )
    assert response.status_code == 200  # the form again, with its error
    listing.refresh_from_db()
    assert listing.price_vnd == GOOD_LISTING["price_vnd"]


# --- photos ------------------------------------------------------------------------


@pytest.mark.django_db
def test_photos_are_reencoded_to_webp_upright_without_exif(media_root):
    user, shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    big = photo_bytes(size=(3200, 2400), exif=exif)
    png = photo_bytes(size=(900, 900), fmt="PNG", color=(250, 250, 250))
    photos = services.listing_photos_add(
        actor=user,
        listing=listing,
        uploads=[upload("a.jpg", big), upload("b.png", png, "image/png")],
    )
    first, second = photos
    assert (first.width, first.height) == (1200, 1600)  # turned upright, ≤ 1600
    assert (second.width, second.height) == (900, 900)
    assert second.brightness > 240 and 100 < first.brightness < 160
    with Image.open(first.image.path) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (1200, 1600)
        assert not stored.getexif()
    listing.refresh_from_db()
    assert [p.position for p in listing.photos.all()] == [1, 2]


@pytest.mark.django_db
def test_adding_photos_raises_the_score():
    user, shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    listing.refresh_from_db()
    before = listing.score
    services.listing_photos_add(
        actor=user, listing=listing, uploads=[upload(f"{i}.jpg") for i in range(3)]
    )
    listing.refresh_from_db()
    assert before < listing.score == 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (upload("x.jpg", b"not an image at all"), "not a photo"),
        (upload("x.gif", photo_bytes(fmt="GIF"), "image/gif"), "not a photo"),
        (upload("x.jpg", photo_bytes()[:400]), "not a photo"),  # cut short
        (upload("empty.jpg", b""), "empty"),
        (upload("big.jpg", b"\xff" * (8 * 1024 * 1024 + 1)), "too large"),
    ],
)
def test_a_bad_photo_refuses_the_whole_batch(media_root, bad, message):
    user, shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    with pytest.raises(ValidationError) as exc:
        services.listing_photos_add(
            actor=user, listing=listing, uploads=[upload("good.jpg"), bad]
        )
    assert message in " ".join(exc.value.messages)
    assert not ListingPhoto.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_at_most_eight_photos_per_listing(media_root):
    user, shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    with pytest.raises(ValidationError):
        services.listing_photos_add(
            actor=user, listing=listing, uploads=[upload() for _ in range(9)]
        )
    services.listing_photos_add(
        actor=user, listing=listing, uploads=[upload() for _ in range(6)]
    )
    with pytest.raises(ValidationError) as exc:
        services.listing_photos_add(
            actor=user, listing=listing, uploads=[upload() for _ in range(3)]
        )
    assert "at most 2 more" in " ".join(exc.value.messages)
    assert ListingPhoto.objects.count() == 6
    assert len(stored_files(media_root)) == 6


@pytest.mark.django_db
def test_photo_upload_page_and_removal(media_root, django_capture_on_commit_callbacks):
    user, shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    client = signed_in(user)
    url = reverse("ecommerce:listing_photos_upload", args=[listing.pk])
    response = client.post(
        url, {"photos": [upload("1.jpg"), upload("2.jpg")]}, follow=True
    )
    assert response.status_code == 200
    assert "Photos added" in response.content.decode()
    assert ListingPhoto.objects.count() == 2
    response = client.post(
        url, {"photos": [upload("3.jpg"), upload("x.jpg", b"zz")]}, follow=True
    )
    assert "No photo was added" in response.content.decode()
    assert ListingPhoto.objects.count() == 2
    photo = ListingPhoto.objects.first()
    assert photo is not None
    path = Path(photo.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ecommerce:listing_photo_delete", args=[photo.pk]))
    assert ListingPhoto.objects.count() == 1
    assert not path.exists()


# --- who sees what -----------------------------------------------------------------


def _pages(shop, listing):
    return [
        reverse("ecommerce:shop_detail", args=[shop.pk]),
        reverse("ecommerce:listing_detail", args=[listing.pk]),
        reverse("ecommerce:shop_export", args=[shop.pk]),
    ]


@pytest.mark.django_db
def test_another_participant_cannot_see_a_shop():
    workshop = make_workshop()
    user, shop = participant_with_shop(workshop)
    other, _ = participant_with_shop(workshop)
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    client = signed_in(other)
    for url in _pages(shop, listing):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("ecommerce:shop_edit", args=[shop.pk])).status_code == 404
    response = client.post(
        reverse("ecommerce:listing_photos_upload", args=[listing.pk]),
        {"photos": [upload()]},
    )
    assert response.status_code == 404
    assert not ListingPhoto.objects.exists()
    owner = signed_in(user)
    for url in _pages(shop, listing):
        assert owner.get(url).status_code == 200, url


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in():
    user, shop = participant_with_shop()
    response = Client().get(reverse("ecommerce:shop_detail", args=[shop.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_trainers_and_organisers_of_the_workshop_see_and_comment():
    trainer = make_user(Role.TRAINER)
    organiser = make_user(Role.ORGANISER)
    course = make_course(program=make_program(Track.ECOMMERCE), trainers=(trainer,))
    workshop = make_workshop(course=course, organisers=(organiser,))
    user, shop = participant_with_shop(workshop)
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    for coach in (trainer, organiser, make_user(Role.ADMIN)):
        client = signed_in(coach)
        for url in _pages(shop, listing):
            assert client.get(url).status_code == 200, (coach.role, url)
        home = client.get(reverse("ecommerce:shop_home")).content.decode()
        assert escape(shop.name) in home
        response = client.post(
            reverse("ecommerce:listing_comment", args=[listing.pk]),
            {"body": "Thêm ảnh bao bì có nhãn nhé."},
        )
        assert response.status_code == 302
    assert ListingComment.objects.filter(listing=listing).count() == 3
    page = signed_in(user).get(reverse("ecommerce:listing_detail", args=[listing.pk]))
    assert "Thêm ảnh bao bì có nhãn nhé." in page.content.decode()


@pytest.mark.django_db
def test_a_trainer_of_the_ecommerce_course_sees_shops_without_a_workshop():
    trainer = make_user(Role.TRAINER)
    course = make_course(program=make_program(Track.ECOMMERCE), trainers=(trainer,))
    user = make_user(Role.LEARNER)
    enroll(user, course)
    shop = services.shop_create(actor=user, workshop=None, name="Nhà vườn")
    client = signed_in(trainer)
    assert (
        client.get(reverse("ecommerce:shop_detail", args=[shop.pk])).status_code == 200
    )
    Enrollment.objects.filter(user=user).update(status=Enrollment.Status.REJECTED)
    assert (
        client.get(reverse("ecommerce:shop_detail", args=[shop.pk])).status_code == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TRAINER, Role.ORGANISER])
def test_staff_of_other_workshops_do_not_see_the_shop(role):
    staff = make_user(role)
    other_course = make_course(program=make_program(Track.ECOMMERCE), trainers=(staff,))
    make_workshop(course=other_course, organisers=(staff,))
    user, shop = participant_with_shop()
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    client = signed_in(staff)
    for url in _pages(shop, listing):
        assert client.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.listing_comment_add(actor=staff, listing=listing, body="Hay")


@pytest.mark.django_db
def test_the_owner_does_not_comment_and_coaches_do_not_edit():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organisers=(organiser,))
    user, shop = participant_with_shop(workshop)
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    response = signed_in(user).post(
        reverse("ecommerce:listing_comment", args=[listing.pk]), {"body": "Tự khen"}
    )
    assert response.status_code == 403
    coach = signed_in(organiser)
    edit = reverse("ecommerce:listing_edit", args=[listing.pk])
    assert coach.get(edit).status_code == 403
    assert coach.post(edit, {**GOOD_LISTING, "title": "Sửa hộ"}).status_code == 403
    response = coach.post(
        reverse("ecommerce:listing_photos_upload", args=[listing.pk]),
        {"photos": [upload()]},
    )
    assert response.status_code == 403
    assert coach.get(reverse("ecommerce:shop_edit", args=[shop.pk])).status_code == 403
    assert not ListingComment.objects.exists()
    listing.refresh_from_db()
    assert listing.title == GOOD_LISTING["title"]


@pytest.mark.django_db
def test_an_empty_comment_is_refused():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organisers=(organiser,))
    user, shop = participant_with_shop(workshop)
    listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    with pytest.raises(ValidationError):
        services.listing_comment_add(actor=organiser, listing=listing, body="   ")
    assert not ListingComment.objects.exists()


# --- the score in the course's progress ----------------------------------------------


def _course_with_listing_task(min_score=60):
    course = make_course(program=make_program(Track.ECOMMERCE), with_question=False)
    lesson = course.lessons.first()
    block = Block.objects.create(
        lesson=lesson,
        block_type="listing_task",
        position=2,
        fields={"min_score": min_score},
        required=True,
        graded=True,
    )
    return course, block


@pytest.mark.django_db
def test_the_best_listing_score_feeds_the_workshop_course_progress():
    course, block = _course_with_listing_task(min_score=60)
    workshop = make_workshop(course=course)
    user, shop = participant_with_shop(workshop)
    enrollment = enroll(user, course)
    listing = services.listing_create(
        actor=user, shop=shop, title="Cà phê", category="coffee"
    )
    listing.refresh_from_db()
    summary = BlockSummary.objects.get(user=user, block=block)
    assert summary.score == listing.score and summary.max_score == 100
    assert summary.completed_at is None
    assert summary.progress == pytest.approx(listing.score / 60)
    services.listing_update(actor=user, listing=listing, **GOOD_LISTING)
    listing.refresh_from_db()
    summary.refresh_from_db()
    assert listing.score >= 60
    assert summary.score == listing.score and summary.completed_at is not None
    # A worse second listing does not lower the best.
    services.listing_create(actor=user, shop=shop, title="Tiêu", category="pepper")
    summary.refresh_from_db()
    assert summary.score == listing.score
    # Re-scoring to the same best counts once.
    attempts = summary.attempts
    services.listing_rescore(listing=listing)
    summary.refresh_from_db()
    assert summary.attempts == attempts
    enrollment.refresh_from_db()
    assert enrollment.progress == 0.5  # the listing task of two required blocks


@pytest.mark.django_db
def test_no_progress_is_recorded_for_a_learner_not_enrolled_in_the_course():
    course, block = _course_with_listing_task()
    workshop = make_workshop(course=course)
    user, shop = participant_with_shop(workshop)
    services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    assert not BlockSummary.objects.filter(block=block).exists()


@pytest.mark.django_db
def test_the_listing_task_block_shows_the_best_score_in_the_lesson():
    course, block = _course_with_listing_task(min_score=60)
    workshop = make_workshop(course=course)
    user, shop = participant_with_shop(workshop)
    enroll(user, course)
    services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
    best = Listing.objects.get(shop=shop).score
    lesson = block.lesson
    page = signed_in(user).get(reverse("courses:lesson", args=[course.slug, lesson.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "scores at least 60 out of 100" in text
    assert f"Your best listing so far: {best}/100" in text


@pytest.mark.django_db
def test_the_listing_task_block_checks_its_threshold():
    from content_authoring import services as content_services

    clean = content_services.block_fields_clean(
        block_type="listing_task", fields={"min_score": 70}
    )
    assert clean == {"min_score": 70}
    for bad in (0, 101):
        with pytest.raises(ValidationError):
            content_services.block_fields_clean(
                block_type="listing_task", fields={"min_score": bad}
            )


@pytest.mark.django_db
def test_the_listing_task_author_form_reads_the_threshold():
    from django.http import QueryDict

    from content_authoring import services as content_services

    course, block = _course_with_listing_task()
    values = content_services.block_author_form_values(
        block=block, data=QueryDict("display_name=Đăng+bán&min_score=80")
    )
    assert values == {"display_name": "Đăng bán", "min_score": 80}
    with pytest.raises(ValidationError):
        content_services.block_author_form_values(
            block=block, data=QueryDict("min_score=nhiều")
        )


@pytest.mark.django_db
def test_shop_pages_run_a_bounded_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ecommerce_training import orders

    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organisers=(organiser,))
    user, shop = participant_with_shop(workshop)

    def queries(client, url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_listing():
        listing = services.listing_create(actor=user, shop=shop, **GOOD_LISTING)
        services.listing_photos_add(actor=user, listing=listing, uploads=[upload()])
        orders.orders_send_to_shop(actor=organiser, shop=shop, count=1, seed=1)

    owner, coach = signed_in(user), signed_in(organiser)
    detail = reverse("ecommerce:shop_detail", args=[shop.pk])
    home = reverse("ecommerce:shop_home")
    add_listing()
    before = [queries(owner, detail), queries(coach, detail), queries(coach, home)]
    for _ in range(4):
        add_listing()
    after = [queries(owner, detail), queries(coach, detail), queries(coach, home)]
    assert after == before
