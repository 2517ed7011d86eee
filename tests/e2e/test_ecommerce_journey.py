"""The issue's journey in a real browser: an organiser creates a workshop and
its session through the pages and opens it, a learner registers on a phone,
the organiser checks them in by the typed code, and the learner opens a
practice shop, lists a product and sees its score rise after adding photos."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from ecommerce_training.models import CheckIn, Listing, Registration, Workshop
from lms.models import Role
from tests.e2e.conftest import SCREENSHOTS, sign_in
from tests.ecommerce_training.test_workshops import commune
from tests.factories import make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Bán cà phê bột trên sàn thương mại điện tử"


def product_photo(path: Path, hue: int) -> Path:
    """A bright, large JPEG: a brown bag of coffee on a white sheet."""
    image = Image.new("RGB", (1200, 900), (236, 232, 226))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((420, 180, 780, 760), radius=40, fill=(120 + hue, 80, 40))
    draw.rectangle((470, 330, 730, 480), fill=(250, 245, 235))
    for x in range(0, 1200, 60):
        draw.line((x, 820, x + 40, 900), fill=(210, 205, 198), width=4)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    path.write_bytes(out.getvalue())
    return path


def score_of(page) -> int:
    text = page.text_content("#score") or ""
    found = re.search(r"(\d+)\s*/\s*100", text)
    assert found, text
    return int(found.group(1))


def test_workshop_to_practice_listing(live_server, browser, phone, tmp_path):
    base = live_server.url
    organiser = make_user(Role.ORGANISER, preferred_language="en")
    learner = make_user(Role.LEARNER, full_name="H'Hơ̆n Niê", preferred_language="en")
    place = commune()

    # --- the organiser creates the workshop and its session, and opens it --------
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    desk.set_default_timeout(10_000)
    org = desk.new_page()
    sign_in(org, base, organiser.username)
    org.goto(f"{base}/ecommerce/workshops/new/")
    org.fill("#id_title", TITLE)
    org.fill("#id_seats", "20")
    org.fill("#id_min_sessions", "1")
    org.fill("#id_hours", "4")
    org.click("main form button")
    org.wait_for_url(re.compile(r"/ecommerce/workshops/w/[\w-]+/manage/$"))
    workshop = Workshop.objects.get(title=TITLE)
    assert workshop.organisers.filter(pk=organiser.pk).exists()

    org.click(f'a[href="/ecommerce/workshops/w/{workshop.slug}/sessions/new/"]')
    start = timezone.localtime(timezone.now() + timedelta(hours=1))
    org.fill("#id_title", "Buổi 1: Chụp ảnh sản phẩm")
    org.select_option("#id_mode", "in_person")
    org.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    org.fill("#id_ends_at", (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    org.fill("#id_venue", "Nhà văn hoá buôn Ako Dhông")
    org.select_option("#id_commune", str(place.pk))
    org.click("main form.card button")
    org.wait_for_url(f"{base}/ecommerce/workshops/w/{workshop.slug}/manage/")
    session = workshop.sessions.get()
    org.click('button[name="status"][value="open"]')
    org.wait_for_selector("h1 .pill:has-text('Open for registration')")
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.OPEN

    # --- the learner registers on a phone ------------------------------------------
    mobile = phone.new_page()
    sign_in(mobile, base, learner.username)
    mobile.goto(f"{base}/ecommerce/workshops/w/{workshop.slug}/")
    mobile.click(
        f'form[action="/ecommerce/workshops/w/{workshop.slug}/register/"] button'
    )
    mobile.wait_for_url(re.compile(r"/ecommerce/workshops/tickets/\w+/$"))
    code = (mobile.text_content("p.code") or "").strip()
    registration = Registration.objects.get(workshop=workshop, user=learner)
    assert code == registration.code
    assert registration.status == Registration.Status.REGISTERED

    # --- the organiser checks the learner in by the typed code ---------------------
    org.goto(f"{base}/ecommerce/workshops/sessions/{session.pk}/checkin/")
    org.fill("#code", code.lower())
    org.click("#code-form button")
    org.wait_for_selector("#status.ok")
    assert "H'Hơ̆n Niê" in (org.text_content("#status") or "")
    assert (
        CheckIn.objects.filter(registration=registration, session=session).count() == 1
    )
    registration.refresh_from_db()
    assert registration.completed_at is not None  # the rule: 1 session

    # --- the learner opens a practice shop and lists a product ---------------------
    mobile.goto(f"{base}/ecommerce/shops/")
    mobile.click(f'a[href="/ecommerce/shops/new/?workshop={workshop.pk}"]')
    mobile.fill("#id_name", "Cà phê H'Hơ̆n Buôn Ma Thuột")
    mobile.fill("#id_story", "Gia đình tôi trồng cà phê ở buôn Ako Dhông.")
    mobile.select_option("#id_commune", str(place.pk))
    mobile.click("main form button")
    mobile.wait_for_url(re.compile(r"/ecommerce/shops/\d+/$"))
    mobile.click('a[href$="/listings/new/"]')
    mobile.fill("#id_title", "Cà phê bột Robusta rang mộc Buôn Ma Thuột 500g")
    mobile.select_option("#id_category", "coffee")
    mobile.fill("#id_price_vnd", "120000")
    mobile.select_option("#id_unit", "bag")
    mobile.fill("#id_weight_grams", "550")
    mobile.fill("#id_stock", "30")
    mobile.fill(
        "#id_description",
        "Cà phê Robusta trồng ở buôn Ako Dhông, hái chín, phơi trên giàn, rang "
        "mộc không tẩm ướp, xay vừa để pha phin. Túi 500g có van một chiều, "
        "giữ được hương thơm trong ba tháng; bảo quản nơi khô ráo.",
    )
    mobile.click("main form button")
    mobile.wait_for_url(re.compile(r"/ecommerce/listings/\d+/$"))
    listing = Listing.objects.get(shop__owner=learner)
    before = score_of(mobile)
    assert before == listing.score
    assert mobile.locator('.checks li.bad[data-code="photo_count"]').count() == 1

    # --- three bright, large photos: the score rises -------------------------------
    photos = [product_photo(tmp_path / f"ca-phe-{i}.jpg", 20 * i) for i in range(3)]
    mobile.set_input_files("#photos", [str(p) for p in photos])
    mobile.click('form[enctype="multipart/form-data"] button')
    mobile.wait_for_selector('.checks li.ok[data-code="photo_count"]')
    after = score_of(mobile)
    listing.refresh_from_db()
    assert listing.photos.count() == 3
    assert after == listing.score
    assert after > before
    for check in ("photo_size", "photo_brightness"):
        assert mobile.locator(f'.checks li.ok[data-code="{check}"]').count() == 1
    mobile.screenshot(path=str(SCREENSHOTS / "e2e-ecommerce-listing-photos.png"))
    desk.close()
