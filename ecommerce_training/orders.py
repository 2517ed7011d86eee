"""Simulated orders: the platform plays the buyers, the participant the seller.

A trainer (a trainer of the workshop's course, an organiser of the workshop,
or an administrator) sends orders to one participant's shop or to every shop
of a workshop. Orders are generated with a seeded random generator: buyers'
names from a list of Kinh and Ê Đê / M'nông / J'rai names, addresses in the
province's communes, a quantity no larger than the stock, and a scenario:

- ``normal``: confirm -> pack -> hand over to shipping;
- ``question``: the buyer asks something first: answer -> confirm -> pack ->
  ship;
- ``return``: confirm -> pack -> ship; the buyer then asks to return the
  goods (the order shows ``return_requested``) -> accept or refuse, with a
  reason.

Each step is one POST with a submission id made when the page was drawn, so
a resend counts once. Steps come in this order only; anything else gets a
clear refusal. Stock falls when an order is placed and rises again when the
participant accepts a return.

Scoring (documented for trainers; ``SCORING`` in the docs is this text):
every order is worth 100 points shared among its steps (``STEP_POINTS``). A
step earns 60 % of its points for being done well (``completeness``) and
40 % for speed (``speed``), measured from the step before (or from the order's
arrival for the first step):

- speed: up to 2 minutes 1.0, 10 minutes 0.75, 1 hour 0.5, 1 day 0.25, later 0;
- completeness of confirm, pack and ship: 1.0 (done is done);
- completeness of an answer to the buyer or a return decision's reason:
  0.4 for an answer of at least 10 letters, +0.3 at 60 letters or more
  (a full answer), +0.3 for courtesy (a greeting, "dạ", thanks or an apology).

The order's score is the sum of its steps' points once the last step is done.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecommerce_training import selectors_marketplace as selectors
from ecommerce_training.models import (
    Listing,
    OrderStep,
    Shop,
    SimulatedOrder,
    Workshop,
)
from lms.models import Commune, User
from lms.text import canonical, fold

Status = SimulatedOrder.Status
Scenario = SimulatedOrder.Scenario

# The participant's steps, in order, per scenario. ``return_requested`` is the
# platform's (the buyer's) move, made when the goods are handed to shipping.
STEPS: dict[str, tuple[str, ...]] = {
    Scenario.NORMAL: (Status.CONFIRMED, Status.PACKED, Status.SHIPPED),
    Scenario.QUESTION: (
        Status.ANSWERED,
        Status.CONFIRMED,
        Status.PACKED,
        Status.SHIPPED,
    ),
    Scenario.RETURN: (
        Status.CONFIRMED,
        Status.PACKED,
        Status.SHIPPED,
        Status.RETURN_HANDLED,
    ),
}
STEP_POINTS: dict[str, dict[str, int]] = {
    Scenario.NORMAL: {"confirmed": 30, "packed": 30, "shipped": 40},
    Scenario.QUESTION: {"answered": 40, "confirmed": 20, "packed": 20, "shipped": 20},
    Scenario.RETURN: {
        "confirmed": 20,
        "packed": 20,
        "shipped": 20,
        "return_handled": 40,
    },
}
# Steps whose POST carries a text for the buyer.
TEXT_STEPS = (Status.ANSWERED, Status.RETURN_HANDLED)
ANSWER_MIN, ANSWER_FULL, ANSWER_MAX = 10, 60, 2000
MAX_ORDERS_PER_SEND = 10

BUYER_NAMES = (
    "Nguyễn Thị Hoa",
    "Trần Văn Minh",
    "Lê Thị Thu",
    "Phạm Quốc Huy",
    "Hoàng Thị Mai",
    "Võ Văn Tâm",
    "Đặng Thị Lan",
    "Bùi Minh Khoa",
    "Ngô Thị Hằng",
    "Huỳnh Văn Phúc",
    "H'Hen Niê",
    "Y Moan Êban",
    "H'Xuân Mlô",
    "Y Khoa Niê Kdăm",
    "H'Linh Byă",
    "Ama Thuột",
    "Điểu Thị Ngân",
    "Y Bhin Ksơr",
    "Rơ Châm H'Nga",
    "Siu Thị Blơi",
)
STREETS = (
    "Thôn 1",
    "Thôn 3",
    "Thôn 5",
    "Buôn Ko Tam",
    "Buôn Đôn",
    "Buôn Trấp",
    "Tổ dân phố 4",
    "Tổ dân phố 7",
    "Số 12 đường Lê Duẩn",
    "Số 45 đường Y Jút",
)
# What the simulated buyers write: data in the buyers' language, not interface text.
QUESTIONS = (
    "Hàng này hôm nay gửi được không? Gửi đường nào rẻ nhất?",
    "Để được bao lâu, bảo quản thế nào vậy shop?",
    "Có đúng hàng Đắk Lắk không? Có giấy chứng nhận không?",
    "Nhận hàng rồi mới trả tiền (COD) được không?",
    "Mình lấy 5 cái về bán lại, bớt giá được không?",
)
RETURN_REASONS = (
    "Gói hàng tới nơi bị rách, đổ mất một phần.",
    "Hàng không giống trong ảnh.",
    "Tôi nhận nhầm sản phẩm khác.",
    "Tôi đặt nhầm, muốn gửi trả lại, chưa mở.",
)
COURTESY_WORDS = ("chao", "da ", "cam on", "xin loi", "kinh", "hello", "thank", "sorry")


@dataclass(frozen=True)
class SendResult:
    orders: list[SimulatedOrder]
    skipped: list[str]  # shops with nothing in stock, by name


# --- scoring (pure) -----------------------------------------------------------------


def speed_factor(seconds: int) -> float:
    if seconds <= 120:
        return 1.0
    if seconds <= 600:
        return 0.75
    if seconds <= 3600:
        return 0.5
    if seconds <= 86400:
        return 0.25
    return 0.0


def answer_completeness(text: str) -> float:
    text = (text or "").strip()
    if len(text) < ANSWER_MIN:
        return 0.0
    value = 0.4
    if len(text) >= ANSWER_FULL:
        value += 0.3
    folded = f" {fold(text)} "
    if any(word in folded for word in COURTESY_WORDS):
        value += 0.3
    return round(value, 2)


def step_points(*, scenario: str, step: str, seconds: int, answer: str = "") -> int:
    maximum = STEP_POINTS[scenario][step]
    complete = answer_completeness(answer) if step in TEXT_STEPS else 1.0
    return round(maximum * (0.6 * complete + 0.4 * speed_factor(seconds)))


def next_step(order: SimulatedOrder) -> str | None:
    """The step the participant must take next, or None when finished."""
    done = {s.step for s in order.steps.all()}
    for step in STEPS[order.scenario]:
        if step not in done:
            return step
    return None


# --- sending -----------------------------------------------------------------------


def _address(rng: random.Random, communes: list[Commune]) -> str:
    street = rng.choice(STREETS)
    if not communes:
        return f"{street}, Đắk Lắk"
    commune = rng.choice(communes)
    place = commune.name
    if commune.division_type and not fold(place).startswith(
        fold(commune.division_type)
    ):
        place = f"{commune.division_type} {place}"
    return f"{street}, {place}, Đắk Lắk"


def _generate_for_shop(
    *,
    actor: User,
    shop: Shop,
    count: int,
    rng: random.Random,
    communes: list[Commune],
) -> list[SimulatedOrder]:
    listings = list(
        Listing.objects.select_for_update()
        .filter(shop=shop, stock__gt=0)
        .order_by("pk")
    )
    orders = []
    # Every scenario comes round in turn, in a random order, so a participant
    # who gets three orders practises all three.
    scenarios = list(Scenario.values)
    rng.shuffle(scenarios)
    for i in range(count):
        listings = [item for item in listings if item.stock > 0]
        if not listings:
            break
        listing = rng.choice(listings)
        scenario = scenarios[i % len(scenarios)]
        quantity = rng.randint(1, min(listing.stock, 3))
        message = ""
        if scenario == Scenario.QUESTION:
            message = rng.choice(QUESTIONS)
        elif scenario == Scenario.RETURN:
            message = rng.choice(RETURN_REASONS)
        orders.append(
            SimulatedOrder.objects.create(
                listing=listing,
                scenario=scenario,
                buyer_name=rng.choice(BUYER_NAMES),
                buyer_address=_address(rng, communes),
                quantity=quantity,
                customer_message=message,
                created_by=actor,
            )
        )
        Listing.objects.filter(pk=listing.pk).update(stock=F("stock") - quantity)
        listing.stock -= quantity
    return orders


def _communes() -> list[Commune]:
    return list(Commune.objects.order_by("code"))


def _checked_count(count: int) -> int:
    if not 1 <= count <= MAX_ORDERS_PER_SEND:
        raise ValidationError(
            _("Send from 1 to %(n)s orders at a time.") % {"n": MAX_ORDERS_PER_SEND}
        )
    return count


@transaction.atomic
def orders_send_to_shop(
    *, actor: User, shop: Shop, count: int = 3, seed: int | None = None
) -> SendResult:
    """Generate ``count`` orders for one participant's shop."""
    if not selectors.shop_can_coach(user=actor, shop=shop):
        raise PermissionDenied(
            _("Only the workshop's trainers and organisers send orders.")
        )
    count = _checked_count(count)
    rng = random.Random(seed if seed is not None else random.SystemRandom().random())
    orders = _generate_for_shop(
        actor=actor, shop=shop, count=count, rng=rng, communes=_communes()
    )
    return SendResult(orders=orders, skipped=[] if orders else [shop.name])


@transaction.atomic
def orders_send_to_workshop(
    *, actor: User, workshop: Workshop, count: int = 3, seed: int | None = None
) -> SendResult:
    """Generate ``count`` orders for every shop of a workshop."""
    if not selectors.workshop_can_send_orders(user=actor, workshop=workshop):
        raise PermissionDenied(
            _("Only the workshop's trainers and organisers send orders.")
        )
    count = _checked_count(count)
    rng = random.Random(seed if seed is not None else random.SystemRandom().random())
    communes = _communes()
    orders, skipped = [], []
    for shop in Shop.objects.filter(workshop=workshop).order_by("pk"):
        made = _generate_for_shop(
            actor=actor, shop=shop, count=count, rng=rng, communes=communes
        )
        orders += made
        if not made:
            skipped.append(shop.name)
    return SendResult(orders=orders, skipped=skipped)


# --- handling ----------------------------------------------------------------------


@dataclass(frozen=True)
class StepRecorded:
    step: OrderStep
    order: SimulatedOrder
    created: bool  # False for a resent submission: nothing changed


STEP_NAMES: dict[str, str] = {
    Status.ANSWERED: gettext_noop("answer the buyer"),
    Status.CONFIRMED: gettext_noop("confirm the order"),
    Status.PACKED: gettext_noop("pack the goods"),
    Status.SHIPPED: gettext_noop("hand over to shipping"),
    Status.RETURN_HANDLED: gettext_noop("handle the return"),
}


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError as exc:
        raise ValidationError(
            _("The form is missing its submission id; reload the page.")
        ) from exc


def order_step_record(
    *,
    actor: User,
    order: SimulatedOrder,
    step: str,
    submission_id: uuid.UUID | str,
    answer: str = "",
    accept: bool | None = None,
) -> StepRecorded:
    """The participant takes the next step of an order, once per submission id."""
    submission = _as_uuid(submission_id)
    answer = canonical(answer or "").strip()
    with transaction.atomic():
        locked = (
            SimulatedOrder.objects.select_for_update()
            .select_related("listing__shop")
            .get(pk=order.pk)
        )
        if locked.listing.shop.owner_id != actor.pk:
            raise PermissionDenied(_("Only the shop's owner handles its orders."))
        seen = OrderStep.objects.filter(submission_id=submission).first()
        if seen is not None:
            if seen.order_id != locked.pk or seen.step != step:
                raise ValidationError(
                    _("This submission id was used for another step.")
                )
            return StepRecorded(step=seen, order=locked, created=False)
        done = set(locked.steps.values_list("step", flat=True))
        if step in done:
            raise ValidationError(_("This step is already done."))
        expected = next_step(locked)
        if expected is None:
            raise ValidationError(_("This order is finished: nothing more to do."))
        if step not in STEPS[locked.scenario]:
            raise ValidationError(_("This order has no such step."))
        if step != expected:
            raise ValidationError(
                _("Not yet: first %(step)s.") % {"step": _(STEP_NAMES[expected])}
            )
        if step in TEXT_STEPS:
            if len(answer) < ANSWER_MIN:
                raise ValidationError(
                    {
                        "answer": _(
                            "Write the buyer a real answer (at least %(n)s letters)."
                        )
                        % {"n": ANSWER_MIN}
                    }
                )
            if len(answer) > ANSWER_MAX:
                raise ValidationError(
                    {"answer": _("Keep the answer under 2000 characters.")}
                )
        if step == Status.RETURN_HANDLED and accept is None:
            raise ValidationError(
                {"accept": _("Choose whether you accept or refuse the return.")}
            )
        now = timezone.now()
        previous = locked.steps.order_by("-taken_at").first()
        since = previous.taken_at if previous else locked.created_at
        seconds = max(0, int((now - since) / timedelta(seconds=1)))
        points = step_points(
            scenario=locked.scenario, step=step, seconds=seconds, answer=answer
        )
        try:
            with transaction.atomic():
                recorded = OrderStep.objects.create(
                    order=locked,
                    step=step,
                    answer=answer if step in TEXT_STEPS else "",
                    taken_at=now,
                    seconds=seconds,
                    points=points,
                    submission_id=submission,
                )
        except IntegrityError:
            # The same submission raced in from another request: it counts once.
            seen = OrderStep.objects.filter(submission_id=submission).first()
            if seen is None or seen.order_id != locked.pk:
                raise
            return StepRecorded(step=seen, order=locked, created=False)
        fields = ["status"]
        locked.status = step
        if step == Status.SHIPPED and locked.scenario == Scenario.RETURN:
            # The buyer receives the goods and asks to send them back.
            locked.status = Status.RETURN_REQUESTED
        if step == Status.RETURN_HANDLED:
            locked.return_accepted = accept
            fields.append("return_accepted")
            if accept:
                Listing.objects.filter(pk=locked.listing_id).update(
                    stock=F("stock") + locked.quantity
                )
        if next_step(locked) is None:
            if locked.scenario != Scenario.RETURN:
                locked.status = Status.DELIVERED
            locked.score = sum(s.points for s in locked.steps.all())
            fields.append("score")
        locked.save(update_fields=fields)
    return StepRecorded(step=recorded, order=locked, created=True)
