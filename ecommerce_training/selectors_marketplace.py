"""Reads of the practice marketplace, narrowed to what the user may see.

Who sees what:

- a participant sees their own shops only (someone else's shop is "not
  found", not "forbidden": its existence is not theirs to know);
- trainers of the shop's workshop's course, the workshop's organisers, and
  trainers of an e-commerce course the shop's owner is enrolled in see the
  shop, comment on its listings and send it orders;
- province administrators see every shop.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from courses.models import Course, Enrollment, Track
from ecommerce_training.models import (
    Listing,
    ListingComment,
    Registration,
    Shop,
    SimulatedOrder,
    Workshop,
)
from lms.models import Role, User

AnyUser = User | AnonymousUser


def participant_workshops(*, user: AnyUser) -> list[Workshop]:
    """Workshops in which the user holds a seat (may open a shop for each)."""
    if not user.is_authenticated:
        return []
    return list(
        Workshop.objects.filter(
            registrations__user=user,
            registrations__status=Registration.Status.REGISTERED,
        )
        .exclude(status=Workshop.Status.CANCELLED)
        .distinct()
        .order_by("-created_at")
    )


def participant_in_ecommerce_course(*, user: AnyUser) -> bool:
    """Whether the user is enrolled in a course of the e-commerce track."""
    if not user.is_authenticated:
        return False
    return Enrollment.objects.filter(
        user=user,
        status=Enrollment.Status.ACTIVE,
        course__program__track=Track.ECOMMERCE,
    ).exists()


def shops_for_staff_q(*, user: User) -> Q:
    """Shops a trainer or organiser looks after."""
    taught = Course.objects.filter(
        trainers=user,
        program__track=Track.ECOMMERCE,
        enrollments__user=OuterRef("owner"),
    ).filter(enrollments__status=Enrollment.Status.ACTIVE)
    return (
        Q(workshop__organisers=user)
        | Q(workshop__course__trainers=user)
        | Q(Exists(taught))
    )


def shops_visible_to(*, user: AnyUser) -> QuerySet[Shop]:
    if not user.is_authenticated:
        return Shop.objects.none()
    assert isinstance(user, User)
    if user.is_province_admin:
        return Shop.objects.all()
    if user.role in (Role.TRAINER, Role.ORGANISER):
        ids = Shop.objects.filter(shops_for_staff_q(user=user)).values("pk")
        return Shop.objects.filter(Q(pk__in=ids) | Q(owner=user))
    return Shop.objects.filter(owner=user)


def shop_can_view(*, user: AnyUser, shop: Shop) -> bool:
    return shops_visible_to(user=user).filter(pk=shop.pk).exists()


def shop_can_coach(*, user: AnyUser, shop: Shop) -> bool:
    """Trainers, organisers and administrators who look after the shop
    (comment, send orders); the owner does not coach their own shop."""
    if not user.is_authenticated or shop.owner_id == user.pk:
        return False
    assert isinstance(user, User)
    if user.is_province_admin:
        return True
    if user.role not in (Role.TRAINER, Role.ORGANISER):
        return False
    return Shop.objects.filter(shops_for_staff_q(user=user), pk=shop.pk).exists()


def workshop_can_send_orders(*, user: AnyUser, workshop: Workshop) -> bool:
    """Organisers of the workshop, trainers of its course, administrators."""
    if not user.is_authenticated:
        return False
    assert isinstance(user, User)
    if user.is_province_admin:
        return True
    if workshop.organisers.filter(pk=user.pk).exists():
        return True
    course = workshop.course
    return bool(
        user.role == Role.TRAINER
        and course is not None
        and course.trainers.filter(pk=user.pk).exists()
    )


def shop_get(*, user: AnyUser, shop_id: int) -> Shop | None:
    return (
        shops_visible_to(user=user)
        .select_related("owner", "workshop", "commune")
        .filter(pk=shop_id)
        .first()
    )


def shops_for_user(*, user: AnyUser) -> list[Shop]:
    """The user's own shops, with their listings."""
    if not user.is_authenticated:
        return []
    return list(
        Shop.objects.filter(owner=user)
        .select_related("workshop", "commune")
        .prefetch_related("listings")
        .order_by("-created_at")
    )


def shops_coached(*, user: AnyUser) -> list[Shop]:
    """Shops a trainer or organiser looks after (others' shops), by workshop."""
    if not user.is_authenticated:
        return []
    return list(
        shops_visible_to(user=user)
        .exclude(owner=user)
        .select_related("owner", "workshop", "commune")
        .prefetch_related("listings")
        .order_by("workshop__title", "owner__full_name", "pk")
    )


def shop_listings(*, shop: Shop) -> list[Listing]:
    return list(shop.listings.prefetch_related("photos").order_by("-updated_at", "pk"))


def listing_get(*, user: AnyUser, listing_id: int) -> Listing | None:
    return (
        Listing.objects.filter(shop__in=shops_visible_to(user=user))
        .select_related("shop", "shop__owner", "shop__workshop", "shop__commune")
        .prefetch_related(
            "photos",
            Prefetch(
                "comments",
                queryset=ListingComment.objects.select_related("author"),
            ),
        )
        .filter(pk=listing_id)
        .first()
    )


def order_get(*, user: AnyUser, order_id: int) -> SimulatedOrder | None:
    return (
        SimulatedOrder.objects.filter(listing__shop__in=shops_visible_to(user=user))
        .select_related("listing", "listing__shop", "listing__shop__owner")
        .prefetch_related("steps")
        .filter(pk=order_id)
        .first()
    )


def shop_orders(*, shop: Shop) -> list[SimulatedOrder]:
    return list(
        SimulatedOrder.objects.filter(listing__shop=shop)
        .select_related("listing")
        .order_by("-created_at", "-pk")
    )


def best_listing_score(*, user: User, course_id: int) -> int | None:
    """The user's best listing score in shops tied to the course: the shop of
    a workshop of that course, or a shop without a workshop when the course
    is an e-commerce course the user is enrolled in."""
    scores = Listing.objects.filter(shop__owner=user).filter(
        Q(shop__workshop__course_id=course_id)
        | Q(
            shop__workshop__isnull=True,
            shop__owner__enrollments__course_id=course_id,
            shop__owner__enrollments__course__program__track=Track.ECOMMERCE,
        )
    )
    return max(scores.values_list("score", flat=True), default=None)


def courses_fed_by_shop(*, shop: Shop) -> list[int]:
    """The courses whose progress a shop's listing scores feed."""
    if shop.workshop_id:
        course_id = (
            Workshop.objects.filter(pk=shop.workshop_id)
            .values_list("course_id", flat=True)
            .first()
        )
        return [course_id] if course_id else []
    return list(
        Enrollment.objects.filter(
            user_id=shop.owner_id,
            status=Enrollment.Status.ACTIVE,
            course__program__track=Track.ECOMMERCE,
        ).values_list("course_id", flat=True)
    )


def listing_task_blocks(*, course_id: int) -> list[tuple[int, int]]:
    """``(block id, minimum score)`` of the course's published ``listing_task``
    blocks. ``content_authoring.selectors`` finds blocks by a field's exact
    value only, and these carry a threshold rather than a pointer, so their
    published rows are read here (read only)."""
    from content_authoring.models import Block
    from ecommerce_training.blocks import DEFAULT_MIN_SCORE

    rows = Block.objects.filter(
        lesson__course_id=course_id, block_type="listing_task", live=True
    ).values_list("id", "fields")
    out = []
    for block_id, fields in rows:
        try:
            minimum = int((fields or {}).get("min_score", DEFAULT_MIN_SCORE))
        except (TypeError, ValueError):
            minimum = DEFAULT_MIN_SCORE
        out.append((block_id, max(1, min(100, minimum))))
    return out
