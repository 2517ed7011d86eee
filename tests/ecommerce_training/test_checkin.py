"""Check-in: by code (scanned or typed), by ticking names, offline ticks
synced in batches; anything sent twice counts once; the attendance rule
completes the registration and issues the certificate of attendance."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from ecommerce_training import services_workshops as services
from ecommerce_training.models import CheckIn, Registration, Workshop
from lms.models import Role
from tests.ecommerce_training.test_registration import _race, register
from tests.ecommerce_training.test_workshops import make_workshop, signed_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CODE = CheckIn.Method.CODE
LIST = CheckIn.Method.LIST


@pytest.fixture
def setup(organiser, learner):
    workshop = make_workshop(organiser, seats=1, sessions=3, min_sessions=2, hours=6)
    sessions = list(workshop.sessions.order_by("starts_at"))
    registration = register(learner, workshop)
    return workshop, sessions, registration


def check(organiser, session, **kwargs):
    kwargs.setdefault("method", CODE)
    return services.checkin_record(actor=organiser, session=session, **kwargs)


# --- by code -----------------------------------------------------------------------


def test_a_code_checks_the_person_in_once(organiser, setup):
    _workshop, sessions, registration = setup
    first = check(organiser, sessions[0], code=registration.code)
    again = check(organiser, sessions[0], code=registration.code, method="qr")
    assert first.created and not again.created
    assert again.checkin.pk == first.checkin.pk
    assert CheckIn.objects.count() == 1
    assert "already checked in" in services.checkin_message(again)


def test_a_code_typed_in_lower_case_with_blanks_is_understood(organiser, setup):
    _workshop, sessions, registration = setup
    typed = " " + registration.code[:4].lower() + "-" + registration.code[4:] + " "
    assert check(organiser, sessions[0], code=typed).created


@pytest.mark.parametrize("code", ["", "ZZZZZZZZ"])
def test_a_wrong_code_is_refused_with_a_clear_message(organiser, setup, code):
    _workshop, sessions, _registration = setup
    with pytest.raises(services.CheckInRefused, match="No registration has the code"):
        check(organiser, sessions[0], code=code)
    assert not CheckIn.objects.exists()


def test_another_workshops_code_is_refused(organiser, setup):
    _workshop, sessions, _registration = setup
    other = make_workshop(organiser, title="Hội thảo khác")
    stranger = register(make_user(), other)
    with pytest.raises(
        services.CheckInRefused, match="another workshop: “Hội thảo khác”"
    ):
        check(organiser, sessions[0], code=stranger.code)
    assert not CheckIn.objects.exists()


def test_waitlisted_and_cancelled_people_are_refused(organiser, learner, setup):
    workshop, sessions, registration = setup
    waiting = register(make_user(full_name="Y Bih"), workshop)
    assert waiting.status == Registration.Status.WAITLISTED
    with pytest.raises(services.CheckInRefused, match="Y Bih is on the waitlist"):
        check(organiser, sessions[0], code=waiting.code)
    services.registration_cancel(actor=learner, registration=registration)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED
    cancelled = Registration.objects.get(pk=registration.pk)
    with pytest.raises(services.CheckInRefused, match="cancelled their registration"):
        check(organiser, sessions[0], code=cancelled.code)
    with pytest.raises(services.CheckInRefused, match="not registered"):
        check(organiser, sessions[0], registration_id=cancelled.pk + 1000, method=LIST)
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.ORGANISER])
def test_only_the_workshops_organisers_check_people_in(setup, role):
    _workshop, sessions, registration = setup
    with pytest.raises(PermissionDenied):
        check(make_user(role), sessions[0], code=registration.code)
    assert not CheckIn.objects.exists()


# --- the attendance rule -----------------------------------------------------------


def test_the_rule_completes_and_issues_one_certificate(
    organiser, setup, django_capture_on_commit_callbacks
):
    workshop, sessions, registration = setup
    with django_capture_on_commit_callbacks(execute=True):
        first = check(organiser, sessions[0], code=registration.code)
    registration.refresh_from_db()
    assert not first.completed and registration.completed_at is None
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        second = check(
            organiser, sessions[1], registration_id=registration.pk, method=LIST
        )
    registration.refresh_from_db()
    assert second.completed and registration.completed_at is not None
    certificate = Certificate.objects.get()
    assert certificate.user == registration.user
    assert certificate.achievement == f"workshop:{workshop.pk}"
    assert certificate.title == workshop.title and certificate.hours == 6
    assert certificate.pdf  # rendered in the background task

    with django_capture_on_commit_callbacks(execute=True):
        third = check(organiser, sessions[2], code=registration.code)
        check(organiser, sessions[1], code=registration.code)
    assert third.created and not third.completed
    assert Certificate.objects.count() == 1
    completed_at = registration.completed_at
    registration.refresh_from_db()
    assert registration.completed_at == completed_at


# --- offline ticks, synced ---------------------------------------------------------


def _item(registration, **extra) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "registration": registration.pk,
        "method": "list",
        "checked_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        **extra,
    }


def test_a_batch_synced_twice_counts_once(organiser, setup):
    workshop, sessions, registration = setup
    services.workshop_update(actor=organiser, workshop=workshop, seats=3)
    others = [register(make_user(), workshop) for _ in range(2)]
    batch = [_item(registration), _item(others[0]), {**_item(others[1])}]
    first = services.checkins_sync(actor=organiser, session=sessions[0], items=batch)
    again = services.checkins_sync(actor=organiser, session=sessions[0], items=batch)
    assert [r.ok for r in first] == [True, True, True]
    assert [r.duplicate for r in first] == [False, False, False]
    assert [r.duplicate for r in again] == [True, True, True]
    assert CheckIn.objects.count() == 3
    kept = CheckIn.objects.get(registration=registration)
    # The time the organiser ticked, not the time the server heard of it.
    assert kept.checked_at < kept.recorded_at - timedelta(minutes=20)
    assert str(kept.client_id) == batch[0]["client_id"]


def test_a_tick_and_a_scan_of_the_same_person_count_once(organiser, setup):
    _workshop, sessions, registration = setup
    check(organiser, sessions[0], code=registration.code, method="qr")
    results = services.checkins_sync(
        actor=organiser, session=sessions[0], items=[_item(registration)]
    )
    assert results[0].ok and results[0].duplicate
    assert CheckIn.objects.count() == 1


def test_a_bad_item_loses_nothing_else(organiser, setup):
    workshop, sessions, registration = setup
    waiting = register(make_user(), workshop)
    batch = [
        {"client_id": str(uuid.uuid4()), "code": "ZZZZZZZZ", "method": "code"},
        _item(waiting),
        {"registration": registration.pk},
        {"client_id": "not-a-uuid", "registration": registration.pk},
        "nonsense",
        _item(registration),
    ]
    results = services.checkins_sync(actor=organiser, session=sessions[0], items=batch)
    assert [r.ok for r in results] == [False, False, False, False, False, True]
    assert "No registration has the code" in results[0].message
    assert "waitlist" in results[1].message
    assert CheckIn.objects.get().registration == registration


def test_a_tick_from_a_phone_clock_in_the_future_gets_the_servers_time(
    organiser, setup
):
    _workshop, sessions, registration = setup
    future = (timezone.now() + timedelta(days=2)).isoformat()
    services.checkins_sync(
        actor=organiser,
        session=sessions[0],
        items=[_item(registration, checked_at=future)],
    )
    assert CheckIn.objects.get().checked_at <= timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_once_counts_once():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=5, sessions=1)
    session = workshop.sessions.get()
    registrations = [register(make_user(), workshop) for _ in range(3)]
    batch = [_item(r) for r in registrations]
    results = _race(
        [
            lambda: services.checkins_sync(
                actor=organiser, session=session, items=batch
            ),
            lambda: services.checkins_sync(
                actor=organiser, session=session, items=batch
            ),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert all(item.ok for result in results for item in result), results
    assert CheckIn.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_one_person_scanned_on_two_phones_at_once_counts_once():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=5, sessions=1)
    session = workshop.sessions.get()
    registration = register(make_user(), workshop)
    results = _race(
        [
            lambda: check(organiser, session, code=registration.code, method="qr"),
            lambda: check(organiser, session, code=registration.code, method="qr"),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.created for r in results) == [False, True]
    assert CheckIn.objects.count() == 1


# --- pages -------------------------------------------------------------------------


def test_check_in_page_lists_the_seated_people(organiser, setup):
    workshop, sessions, registration = setup
    waiting = register(make_user(full_name="Y Bih"), workshop)
    page = signed_in(organiser).get(reverse("ecommerce:checkin", args=[sessions[0].pk]))
    text = page.content.decode()
    assert registration.user.display_name in text
    assert waiting.user.display_name not in text
    assert "ecommerce_training/checkin." in text and 'id="code"' in text


def test_typed_code_through_the_page_answers_in_json(organiser, setup):
    _workshop, sessions, registration = setup
    client = signed_in(organiser)
    url = reverse("ecommerce:checkin_code", args=[sessions[0].pk])
    client_id = str(uuid.uuid4())
    data = {"code": registration.code.lower(), "method": "code", "client_id": client_id}
    first = client.post(url, data, HTTP_ACCEPT="application/json").json()
    again = client.post(url, data, HTTP_ACCEPT="application/json").json()
    assert first["ok"] and not first["duplicate"]
    assert again["ok"] and again["duplicate"]
    assert first["registration"] == registration.pk
    wrong = client.post(url, {"code": "ZZZZZZZZ"}, HTTP_ACCEPT="application/json")
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "unknown"
    assert "No registration has the code" in wrong.json()["message"]
    assert CheckIn.objects.count() == 1


def test_ticking_a_name_without_javascript_works(organiser, setup):
    _workshop, sessions, registration = setup
    response = signed_in(organiser).post(
        reverse("ecommerce:checkin_code", args=[sessions[0].pk]),
        {"registration": registration.pk},
        follow=True,
    )
    assert "is checked in" in response.content.decode()
    assert CheckIn.objects.get().method == LIST


def test_sync_endpoint_counts_a_batch_once_and_refuses_bad_bodies(organiser, setup):
    _workshop, sessions, registration = setup
    client = signed_in(organiser)
    url = reverse("ecommerce:checkin_sync", args=[sessions[0].pk])
    body = json.dumps({"items": [_item(registration)]})
    first = client.post(url, body, content_type="application/json").json()
    again = client.post(url, body, content_type="application/json").json()
    assert first["results"][0]["ok"] and not first["results"][0]["duplicate"]
    assert again["results"][0]["duplicate"]
    assert CheckIn.objects.count() == 1
    assert client.post(url, "{oops", content_type="application/json").status_code == 400
    bad = client.post(url, json.dumps({"items": "x"}), content_type="application/json")
    assert bad.status_code == 400
    many = json.dumps({"items": [{}] * (services.SYNC_MAX_ITEMS + 1)})
    assert client.post(url, many, content_type="application/json").status_code == 400


def test_an_unknown_session_is_not_found(organiser):
    response = signed_in(organiser).get(reverse("ecommerce:checkin", args=[999999]))
    assert response.status_code == 404
    assert Workshop.objects.count() == 0
