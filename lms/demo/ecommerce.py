"""The demo's e-commerce workshop: the Department of Industry and Trade's
organiser (``tochuc``) runs a three-session workshop tied to the course "Bán
nông sản trên sàn thương mại điện tử"; two young people hold seats, one has
checked in at the first session and opened a practice shop with a first
listing the checker can comment on. Everything goes through the services, so
the demo follows the same rules as real use. Safe to run again."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from courses.models import Course
from ecommerce_training import services_marketplace as market
from ecommerce_training import services_workshops as workshops
from ecommerce_training.models import (
    Category,
    Listing,
    Registration,
    Shop,
    Workshop,
    WorkshopSession,
)
from lms.models import Commune, User

TITLE = "Bán hàng trên sàn thương mại điện tử cho hộ sản xuất OCOP"


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_ecommerce_demo(*, people: dict[str, User], course: Course) -> Workshop | None:
    """The workshop, or None in a database without the communes (reference
    data): its sessions take place in a commune."""
    organiser = people["tochuc"]
    commune = (
        Commune.objects.filter(name__icontains="Buôn Đôn").first()
        or Commune.objects.order_by("code").first()
    )
    if commune is None:
        return None
    workshop = Workshop.objects.filter(title=TITLE).first()
    if workshop is None:
        workshop = workshops.workshop_create(
            actor=organiser,
            title=TITLE,
            seats=30,
            description=(
                "Ba buổi thực hành: chụp ảnh sản phẩm bằng điện thoại, đặt tên và "
                "định giá, đăng bán và xử lý đơn hàng. Học viên được mở cửa hàng "
                "thực hành trên nền tảng và nhận giấy chứng nhận tham dự khi dự "
                "ít nhất 2 trong 3 buổi."
            ),
            language="vi",
            interpreter_needed=True,
            min_sessions=2,
            hours=12,
            course=course,
        )
        for n, (title, offset) in enumerate(
            [
                ("Buổi 1: Chụp ảnh sản phẩm bằng điện thoại", -1),
                ("Buổi 2: Đặt tên, định giá, viết mô tả", 6),
                ("Buổi 3: Đăng bán và xử lý đơn hàng", 13),
            ]
        ):
            workshops.session_create(
                actor=organiser,
                workshop=workshop,
                title=title,
                mode=WorkshopSession.Mode.IN_PERSON,
                starts_at=_at(offset, 8),
                ends_at=_at(offset, 11),
                venue=f"Hội trường UBND xã, phòng {n + 1}",
                commune=commune,
            )
        workshops.workshop_status_set(
            actor=organiser, workshop=workshop, status=Workshop.Status.OPEN
        )
    for username in ("thanhnien", "hocvien"):
        workshops.registration_create(
            actor=organiser, workshop=workshop, user=people[username]
        )
    youth = people["thanhnien"]
    registration = Registration.objects.get(
        workshop=workshop, user=youth, status=Registration.Status.REGISTERED
    )
    first = workshop.sessions.order_by("starts_at").first()
    if (
        first is not None
        and not first.checkins.filter(registration=registration).exists()
    ):
        workshops.checkin_record(
            actor=organiser, session=first, code=registration.code, method="code"
        )
    shop = Shop.objects.filter(owner=youth, workshop=workshop).first()
    if shop is None:
        shop = market.shop_create(
            actor=youth,
            workshop=workshop,
            name="Cà phê nhà Y Sương",
            story=(
                "Gia đình tôi trồng cà phê ở Buôn Đôn từ năm 1998, phơi trên giàn "
                "và rang mộc tại nhà."
            ),
            commune=commune,
            phone="0912000111",
        )
    if not Listing.objects.filter(shop=shop).exists():
        # A first try, as people new to this write it: the checker says what
        # to add (photos, weight, a longer description).
        market.listing_create(
            actor=youth,
            shop=shop,
            title="Cà phê bột",
            category=Category.COFFEE,
            price_vnd=180000,
            unit=Listing.Unit.KG,
            stock=20,
            description="Cà phê rang mộc, xay sẵn.",
        )
    return workshop
