"""Simulated orders: sending them, handling each step in order, once per
submission, timed and scored; stock falls and a return restocks."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ecommerce_training import orders
from ecommerce_training import services_marketplace as services
from ecommerce_training.models import Listing, OrderStep, SimulatedOrder
from lms.models import Commune, Role
from tests.ecommerce_training.test_shop import (
    GOOD_LISTING,
    make_workshop,
    participant_with_shop,
    signed_in,
)
from tests.factories import make_course, make_program, make_user

Status = SimulatedOrder.Status
Scenario = SimulatedOrder.Scenario


@pytest.fixture
def setup(db):
    """An organiser, a workshop, a participant's shop with one listing in stock."""
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organisers=(organiser,))
    user, shop = participant_with_shop(workshop)
    listing = services.listing_create(
        actor=user, shop=shop, **{**GOOD_LISTING, "stock": 10}
    )
    return organiser, workshop, user, shop, listing


def take(user, order, step, submission=None, **extra):
    return orders.order_step_record(
        actor=user,
        order=order,
        step=step,
        submission_id=submission or uuid.uuid4(),
        **extra,
    )


def an_order(organiser, shop, scenario) -> SimulatedOrder:
    """Send orders until one of ``scenario`` arrives (the seed decides which)."""
    for seed in range(50):
        Listing.objects.filter(shop=shop).update(stock=100)
        result = orders.orders_send_to_shop(
            actor=organiser, shop=shop, count=1, seed=seed
        )
        order = result.orders[0]
        if order.scenario == scenario:
            return order
    raise AssertionError("no such scenario")


POLITE = (
    "Dạ chào anh, hàng còn ạ, hôm nay shop gửi bưu điện, khoảng 3 ngày tới nơi. "
    "Cảm ơn anh đã ủng hộ!"
)


# --- scoring rules (pure) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "factor"),
    [
        (0, 1.0),
        (120, 1.0),
        (121, 0.75),
        (600, 0.75),
        (3600, 0.5),
        (86400, 0.25),
        (86401, 0),
    ],
)
def test_speed_factor(seconds, factor):
    assert orders.speed_factor(seconds) == factor


def test_fast_and_complete_answers_score_more():
    assert orders.answer_completeness("") == 0
    assert orders.answer_completeness("Còn hàng.") == 0  # under 10 letters
    assert orders.answer_completeness("Còn hàng nhé bạn") == 0.4
    assert orders.answer_completeness(POLITE) == 1.0
    fast_full = orders.step_points(
        scenario=Scenario.QUESTION, step="answered", seconds=30, answer=POLITE
    )
    slow_full = orders.step_points(
        scenario=Scenario.QUESTION, step="answered", seconds=7200, answer=POLITE
    )
    fast_short = orders.step_points(
        scenario=Scenario.QUESTION,
        step="answered",
        seconds=30,
        answer="Còn hàng nhé bạn",
    )
    assert fast_full == 40 > slow_full and fast_full > fast_short


def test_every_scenario_is_worth_100_points():
    for scenario, points in orders.STEP_POINTS.items():
        assert sum(points.values()) == 100
        assert set(points) == set(orders.STEPS[scenario])


# --- sending ------------------------------------------------------------------


@pytest.mark.django_db
def test_orders_are_generated_from_a_seed(setup):
    organiser, workshop, user, shop, listing = setup
    _user2, shop2 = participant_with_shop(workshop)
    services.listing_create(actor=_user2, shop=shop2, **{**GOOD_LISTING, "stock": 10})

    def summary(result):
        return [
            (o.scenario, o.buyer_name, o.buyer_address, o.quantity, o.customer_message)
            for o in result.orders
        ]

    first = orders.orders_send_to_shop(actor=organiser, shop=shop, count=3, seed=7)
    second = orders.orders_send_to_shop(actor=organiser, shop=shop2, count=3, seed=7)
    assert summary(first) == summary(second)
    assert {o.scenario for o in first.orders} == set(Scenario.values)
    communes = list(Commune.objects.values_list("name", flat=True))
    for order in first.orders:
        assert order.buyer_name in orders.BUYER_NAMES
        assert order.buyer_address.endswith("Đắk Lắk")
        assert any(name in order.buyer_address for name in communes)
        assert order.created_by == organiser
        if order.scenario == Scenario.NORMAL:
            assert order.customer_message == ""
        else:
            assert order.customer_message


@pytest.mark.django_db
def test_orders_reduce_stock_and_never_exceed_it(setup):
    organiser, _workshop, user, shop, listing = setup
    Listing.objects.filter(pk=listing.pk).update(stock=4)
    result = orders.orders_send_to_shop(actor=organiser, shop=shop, count=10, seed=1)
    listing.refresh_from_db()
    ordered = sum(o.quantity for o in result.orders)
    assert ordered == 4 - listing.stock
    assert listing.stock >= 0 and ordered <= 4
    assert all(o.quantity >= 1 for o in result.orders)


@pytest.mark.django_db
def test_a_shop_with_nothing_in_stock_gets_no_orders(setup):
    organiser, _workshop, user, shop, listing = setup
    Listing.objects.filter(pk=listing.pk).update(stock=0)
    result = orders.orders_send_to_shop(actor=organiser, shop=shop, count=3, seed=1)
    assert result.orders == [] and result.skipped == [shop.name]
    assert not SimulatedOrder.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, 11])
def test_the_number_of_orders_is_bounded(setup, count):
    organiser, _workshop, user, shop, listing = setup
    with pytest.raises(ValidationError):
        orders.orders_send_to_shop(actor=organiser, shop=shop, count=count)
    assert not SimulatedOrder.objects.exists()


@pytest.mark.django_db
def test_send_to_every_shop_of_a_workshop(setup):
    organiser, workshop, user, shop, listing = setup
    user2, shop2 = participant_with_shop(workshop)
    services.listing_create(actor=user2, shop=shop2, **GOOD_LISTING)
    _user3, empty = participant_with_shop(workshop)  # no listing yet
    trainer = make_user(Role.TRAINER)
    workshop.course = make_course(trainers=(trainer,), program=make_program())
    workshop.save()
    result = orders.orders_send_to_workshop(
        actor=trainer, workshop=workshop, count=2, seed=3
    )
    assert len(result.orders) == 4 and result.skipped == [empty.name]
    assert {o.listing.shop_id for o in result.orders} == {shop.pk, shop2.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.ORGANISER])
def test_only_the_workshops_staff_send_orders(setup, role):
    organiser, workshop, user, shop, listing = setup
    stranger = make_user(role)
    with pytest.raises(PermissionDenied):
        orders.orders_send_to_shop(actor=stranger, shop=shop, count=1)
    with pytest.raises(PermissionDenied):
        orders.orders_send_to_workshop(actor=stranger, workshop=workshop, count=1)
    with pytest.raises(PermissionDenied):  # the participant cannot order to themself
        orders.orders_send_to_shop(actor=user, shop=shop, count=1)
    assert not SimulatedOrder.objects.exists()


@pytest.mark.django_db
def test_send_orders_pages(setup):
    organiser, workshop, user, shop, listing = setup
    client = signed_in(organiser)
    home = client.get(reverse("ecommerce:shop_home")).content.decode()
    assert reverse("ecommerce:orders_send_workshop", args=[workshop.pk]) in home
    response = client.post(
        reverse("ecommerce:orders_send_shop", args=[shop.pk]), {"count": 2}, follow=True
    )
    assert "2 orders sent" in response.content.decode()
    response = client.post(
        reverse("ecommerce:orders_send_workshop", args=[workshop.pk]), {"count": 1}
    )
    assert response.status_code == 302
    assert SimulatedOrder.objects.count() == 3
    participant = signed_in(user)
    response = participant.post(
        reverse("ecommerce:orders_send_shop", args=[shop.pk]), {"count": 2}
    )
    assert response.status_code == 403
    response = participant.post(
        reverse("ecommerce:orders_send_workshop", args=[workshop.pk]), {"count": 2}
    )
    assert response.status_code == 403
    assert SimulatedOrder.objects.count() == 3


# --- handling ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_normal_order_is_confirmed_packed_and_shipped_in_order(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    with pytest.raises(ValidationError, match="first confirm the order"):
        take(user, order, Status.PACKED)
    with pytest.raises(ValidationError, match="no such step"):
        take(user, order, Status.ANSWERED, answer=POLITE)
    for step in (Status.CONFIRMED, Status.PACKED):
        take(user, order, step)
    with pytest.raises(ValidationError, match="already done"):
        take(user, order, Status.CONFIRMED)
    recorded = take(user, order, Status.SHIPPED)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED
    assert order.score == 100  # done at once
    assert order.score == sum(s.points for s in order.steps.all())
    assert recorded.order.score == 100
    with pytest.raises(ValidationError, match="finished"):
        take(user, order, Status.DELIVERED)


@pytest.mark.django_db
def test_steps_are_timed_from_the_step_before(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    SimulatedOrder.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    slow = take(user, order, Status.CONFIRMED).step
    assert 7190 <= slow.seconds <= 7300
    assert slow.points == round(30 * (0.6 + 0.4 * 0.25))
    OrderStep.objects.filter(pk=slow.pk).update(
        taken_at=timezone.now() - timedelta(minutes=5)
    )
    medium = take(user, order, Status.PACKED).step
    assert 290 <= medium.seconds <= 400 and medium.points == round(30 * (0.6 + 0.3))


@pytest.mark.django_db
def test_a_resent_step_counts_once(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    submission = uuid.uuid4()
    first = take(user, order, Status.CONFIRMED, submission)
    again = take(user, order, Status.CONFIRMED, str(submission))
    assert first.created and not again.created
    assert again.step.pk == first.step.pk
    assert OrderStep.objects.filter(order=order).count() == 1
    with pytest.raises(ValidationError, match="another step"):
        take(user, order, Status.PACKED, submission)


@pytest.mark.django_db
def test_a_bad_submission_id_is_refused(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    with pytest.raises(ValidationError, match="reload"):
        take(user, order, Status.CONFIRMED, "not-a-uuid")
    assert not OrderStep.objects.exists()


@pytest.mark.django_db
def test_a_question_is_answered_before_confirming(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.QUESTION)
    with pytest.raises(ValidationError, match="first answer the buyer"):
        take(user, order, Status.CONFIRMED)
    with pytest.raises(ValidationError) as exc:
        take(user, order, Status.ANSWERED, answer="ok")
    assert "answer" in exc.value.error_dict
    step = take(user, order, Status.ANSWERED, answer=POLITE).step
    assert step.answer == POLITE and step.points == 40
    for s in (Status.CONFIRMED, Status.PACKED, Status.SHIPPED):
        take(user, order, s)
    order.refresh_from_db()
    assert order.status == Status.DELIVERED and order.score == 100


@pytest.mark.django_db
@pytest.mark.parametrize("accept", [True, False])
def test_a_return_is_accepted_with_restock_or_refused(setup, accept):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.RETURN)
    listing.refresh_from_db()
    stock_after_order = listing.stock
    for s in (Status.CONFIRMED, Status.PACKED, Status.SHIPPED):
        take(user, order, s)
    order.refresh_from_db()
    assert order.status == Status.RETURN_REQUESTED
    page = signed_in(user).get(reverse("ecommerce:order_detail", args=[order.pk]))
    text = page.content.decode()
    assert "The buyer wants to return the goods" in text
    assert "Accept the return" in text and order.customer_message in text
    with pytest.raises(ValidationError) as exc:
        take(user, order, Status.RETURN_HANDLED, answer=POLITE)
    assert "accept" in exc.value.error_dict
    take(user, order, Status.RETURN_HANDLED, answer=POLITE, accept=accept)
    order.refresh_from_db()
    listing.refresh_from_db()
    assert order.status == Status.RETURN_HANDLED and order.return_accepted is accept
    assert order.score == 100
    expected = stock_after_order + (order.quantity if accept else 0)
    assert listing.stock == expected


@pytest.mark.django_db
def test_only_the_owner_handles_orders(setup):
    organiser, workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    other, _ = participant_with_shop(workshop)
    for actor in (other, organiser):
        with pytest.raises(PermissionDenied):
            take(actor, order, Status.CONFIRMED)
    assert not OrderStep.objects.exists()


@pytest.mark.django_db
def test_order_page_steps_and_permissions(setup):
    organiser, workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.QUESTION)
    url = reverse("ecommerce:order_detail", args=[order.pk])
    client = signed_in(user)
    page = client.get(url).content.decode()
    assert "Next: answer the buyer" in page and order.customer_message in page
    submission = str(uuid.uuid4())
    data = {"step": "answered", "submission_id": submission, "answer": POLITE}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # resent: counted once
    assert OrderStep.objects.filter(order=order).count() == 1
    response = client.post(url, {"step": "shipped", "submission_id": str(uuid.uuid4())})
    assert response.status_code == 400
    assert "Not yet: first confirm the order." in response.content.decode()
    response = client.post(url, {"step": "confirmed", "submission_id": "x"})
    assert response.status_code == 400
    other, _ = participant_with_shop(workshop)
    assert signed_in(other).get(url).status_code == 404
    assert signed_in(other).post(url, data).status_code == 404
    coach = signed_in(organiser)
    assert coach.get(url).status_code == 200
    response = coach.post(
        url, {"step": "confirmed", "submission_id": str(uuid.uuid4())}
    )
    assert response.status_code == 403
    assert OrderStep.objects.filter(order=order).count() == 1


# --- races ------------------------------------------------------------------


def _race(calls):
    """Run the calls at the same moment in threads; return results/exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_the_same_step_sent_twice_at_once_counts_once(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    submission = uuid.uuid4()
    results = _race(
        [lambda: take(user, order, Status.CONFIRMED, submission) for _ in range(2)]
    )
    assert all(isinstance(r, orders.StepRecorded) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert OrderStep.objects.filter(order=order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_different_submissions_of_one_step_at_once_record_one(setup):
    organiser, _workshop, user, shop, listing = setup
    order = an_order(organiser, shop, Scenario.NORMAL)
    results = _race([lambda: take(user, order, Status.CONFIRMED) for _ in range(2)])
    created = [r for r in results if isinstance(r, orders.StepRecorded)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert OrderStep.objects.filter(order=order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_orders_sent_at_once_never_oversell(setup):
    organiser, _workshop, user, shop, listing = setup
    Listing.objects.filter(pk=listing.pk).update(stock=5)
    results = _race(
        [
            lambda: orders.orders_send_to_shop(actor=organiser, shop=shop, count=5)
            for _ in range(2)
        ]
    )
    assert all(isinstance(r, orders.SendResult) for r in results), results
    listing.refresh_from_db()
    ordered = sum(o.quantity for o in SimulatedOrder.objects.all())
    assert listing.stock >= 0 and ordered + listing.stock == 5
