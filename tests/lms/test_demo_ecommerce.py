"""The demo's e-commerce workshop, made through the services and safe to load
again."""

from __future__ import annotations

import pytest

from courses.models import BlockSummary
from ecommerce_training.models import CheckIn, Listing, Registration, Shop, Workshop
from lms.demo.ecommerce import TITLE
from lms.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_workshop_has_seats_taken_a_check_in_and_a_shop_to_improve():
    load_demo()
    load_demo()
    workshop = Workshop.objects.get(title=TITLE)
    assert workshop.status == Workshop.Status.OPEN
    assert workshop.sessions.count() == 3
    assert workshop.organisers.filter(username="tochuc").exists()
    registered = Registration.objects.filter(
        workshop=workshop, status=Registration.Status.REGISTERED
    )
    assert sorted(r.user.username for r in registered) == ["hocvien", "thanhnien"]
    assert CheckIn.objects.filter(session__workshop=workshop).count() == 1
    shop = Shop.objects.get(workshop=workshop)
    assert shop.owner.username == "thanhnien"
    listing = Listing.objects.get(shop=shop)
    # A first try: the checker has scored it and says what to improve.
    assert 0 < listing.score < 70
    assert any(not check["ok"] for check in listing.checks)
    # The score reached the course's listing task, short of its 70 points.
    summary = BlockSummary.objects.get(
        user=shop.owner, block__block_type="listing_task"
    )
    assert summary.progress == pytest.approx(listing.score / 70, abs=0.01)
    assert summary.completed_at is None
