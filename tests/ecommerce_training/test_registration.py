"""Registration: seats then the waitlist, promotion when a seat frees, the
organiser registering someone (found or created), the ticket and the
participant list; the last seat under concurrent registration."""

from __future__ import annotations

import csv
import io
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from courses.models import Enrollment
from ecommerce_training import selectors_workshops as selectors
from ecommerce_training import services_workshops as services
from ecommerce_training.models import CheckIn, Registration, Workshop
from lms.models import LearnerProfile, Role, User
from tests.ecommerce_training.test_workshops import (
    commune,
    make_workshop,
    signed_in,
)
from tests.factories import make_course, make_user

pytestmark = pytest.mark.django_db

REGISTERED = Registration.Status.REGISTERED
WAITLISTED = Registration.Status.WAITLISTED
CANCELLED = Registration.Status.CANCELLED


def register(user, workshop) -> Registration:
    return services.registration_create(actor=user, workshop=workshop).registration


# --- seats and the waitlist --------------------------------------------------------


def test_a_learner_gets_a_seat_and_a_code(organiser, learner):
    workshop = make_workshop(organiser)
    registration = register(learner, workshop)
    assert registration.status == REGISTERED
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", registration.code)
    assert registration.registered_by is None


def test_registering_twice_returns_the_same_registration(organiser, learner):
    workshop = make_workshop(organiser)
    first = services.registration_create(actor=learner, workshop=workshop)
    second = services.registration_create(actor=learner, workshop=workshop)
    assert first.created and not second.created
    assert second.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1


def test_past_the_seats_people_are_waitlisted_in_order_and_promoted(organiser):
    workshop = make_workshop(organiser, seats=2)
    a, b, c, d = (make_user() for _ in range(4))
    ra, rb, rc, rd = (register(u, workshop) for u in (a, b, c, d))
    assert [r.status for r in (ra, rb, rc, rd)] == [
        REGISTERED,
        REGISTERED,
        WAITLISTED,
        WAITLISTED,
    ]
    assert selectors.waitlist_position(registration=rd) == 2

    services.registration_cancel(actor=a, registration=ra)

    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {
        a.pk: CANCELLED,
        b.pk: REGISTERED,
        c.pk: REGISTERED,
        d.pk: WAITLISTED,
    }
    rc.refresh_from_db()
    assert rc.promoted_at is not None
    assert selectors.waitlist_position(registration=rd) == 1


def test_cancelling_a_waitlisted_place_promotes_nobody(organiser):
    workshop = make_workshop(organiser, seats=1)
    a, b, c = (make_user() for _ in range(3))
    register(a, workshop)
    rb, rc = register(b, workshop), register(c, workshop)
    services.registration_cancel(actor=b, registration=rb)
    rc.refresh_from_db()
    assert rc.status == WAITLISTED
    assert Registration.objects.filter(status=REGISTERED).count() == 1


def test_cancelling_twice_changes_nothing_more(organiser, learner):
    workshop = make_workshop(organiser, seats=1)
    registration = register(learner, workshop)
    other = make_user()
    register(other, workshop)
    services.registration_cancel(actor=learner, registration=registration)
    services.registration_cancel(actor=learner, registration=registration)
    assert Registration.objects.filter(status=REGISTERED).get().user == other


def test_after_cancelling_a_person_may_register_again(organiser, learner):
    workshop = make_workshop(organiser)
    first = register(learner, workshop)
    services.registration_cancel(actor=learner, registration=first)
    second = register(learner, workshop)
    assert second.pk != first.pk and second.status == REGISTERED


def test_more_seats_promote_the_waitlist(organiser):
    workshop = make_workshop(organiser, seats=1)
    people = [make_user() for _ in range(3)]
    for person in people:
        register(person, workshop)
    services.workshop_update(actor=organiser, workshop=workshop, seats=2)
    assert Registration.objects.filter(status=REGISTERED).count() == 2
    with pytest.raises(ValidationError, match="already have a seat"):
        services.workshop_update(actor=organiser, workshop=workshop, seats=1)
    assert Workshop.objects.get().seats == 2


def test_someone_else_cannot_cancel_a_registration(organiser, learner):
    workshop = make_workshop(organiser)
    registration = register(learner, workshop)
    for intruder in (make_user(), make_user(Role.ORGANISER), make_user(Role.TRAINER)):
        with pytest.raises(PermissionDenied):
            services.registration_cancel(actor=intruder, registration=registration)
    registration.refresh_from_db()
    assert registration.status == REGISTERED
    services.registration_cancel(actor=organiser, registration=registration)
    registration.refresh_from_db()
    assert registration.status == CANCELLED


@pytest.mark.parametrize(
    "status",
    [Workshop.Status.DRAFT, Workshop.Status.CLOSED, Workshop.Status.CANCELLED],
)
def test_learners_register_only_while_registration_is_open(organiser, learner, status):
    workshop = make_workshop(organiser, status=status)
    with pytest.raises(ValidationError, match="not open for registration"):
        register(learner, workshop)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.ORGANISER, Role.ADMIN])
def test_only_learners_register(organiser, role):
    workshop = make_workshop(organiser)
    with pytest.raises(ValidationError, match="Only learners"):
        register(make_user(role), workshop)


def test_a_seat_enrolls_the_learner_in_the_workshops_course(organiser, learner):
    course = make_course()
    workshop = make_workshop(organiser, seats=1, course=course)
    register(learner, workshop)
    waiting = make_user()
    waiting_registration = register(waiting, workshop)
    assert Enrollment.objects.get(user=learner, course=course).status == "active"
    assert not Enrollment.objects.filter(user=waiting).exists()
    services.registration_cancel(
        actor=learner, registration=Registration.objects.get(user=learner)
    )
    waiting_registration.refresh_from_db()
    assert waiting_registration.status == REGISTERED
    assert Enrollment.objects.get(user=waiting, course=course).status == "active"


# --- on someone's behalf -----------------------------------------------------------


def test_organiser_registers_someone_even_when_registration_is_closed(organiser):
    workshop = make_workshop(organiser, status=Workshop.Status.CLOSED)
    person = make_user()
    done = services.registration_create(actor=organiser, workshop=workshop, user=person)
    assert done.created and done.registration.user == person
    assert done.registration.registered_by == organiser


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.ORGANISER])
def test_only_the_workshops_organisers_register_others(organiser, role):
    workshop = make_workshop(organiser)
    with pytest.raises(PermissionDenied):
        services.registration_create(
            actor=make_user(role), workshop=workshop, user=make_user()
        )
    assert not Registration.objects.exists()


def test_organiser_creates_a_person_from_name_phone_and_commune(organiser):
    place = commune()
    created = services.person_create(
        actor=organiser,
        full_name="  H'Hơ̆n   Niê ",
        phone="+84 912 345 678",
        commune=place,
    )
    user = created.user
    assert user.full_name == "H'Hơ̆n Niê"
    assert user.phone == user.username == "0912345678"
    assert user.role == Role.LEARNER
    assert LearnerProfile.objects.get(user=user).commune == place
    assert user.check_password(created.password)


def test_person_with_a_known_phone_is_not_created_twice(organiser):
    existing = make_user(phone="0912345678")
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=organiser, full_name="Y Bih", phone="0912 345 678", commune=commune()
        )
    assert existing.display_name in caught.value.message_dict["phone"][0]
    assert User.objects.filter(phone="0912345678").count() == 1


def test_person_details_are_checked(organiser):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            actor=organiser, full_name=" ", phone="123", commune=None
        )
    assert set(caught.value.message_dict) == {"full_name", "phone", "commune"}


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_only_organisers_create_people(role):
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=make_user(role), full_name="Y Bih", phone="0912345678", commune=None
        )
    assert not User.objects.filter(phone="0912345678").exists()


def test_people_are_found_by_phone_or_by_name_without_diacritics():
    hhon = make_user(full_name="H'Hơ̆n Niê Kdăm", phone="0987654321")
    make_user(full_name="Y Bih Mlô")
    make_user(Role.TRAINER, full_name="H'Hơ̆n Trainer")
    assert selectors.people_search(query="098 765 4321") == [hhon]
    assert selectors.people_search(query="hhon nie") == [hhon]
    assert selectors.people_search(query="nie mlo") == []
    assert selectors.people_search(query="h'hon kdam") == [hhon]
    assert selectors.people_search(query="NIÊ") == [hhon]
    assert selectors.people_search(query="") == []


def test_organiser_finds_and_registers_someone_through_the_page(organiser):
    workshop = make_workshop(organiser)
    person = make_user(full_name="Y Bih Mlô", phone="0911222333")
    client = signed_in(organiser)
    url = reverse("ecommerce:participants", args=[workshop.slug])
    page = client.get(url, {"q": "bih mlo"}).content.decode()
    assert "Y Bih Mlô" in page
    response = client.post(
        reverse("ecommerce:register_person", args=[workshop.slug]), {"user": person.pk}
    )
    assert response.status_code == 302
    assert Registration.objects.get().user == person
    client.post(
        reverse("ecommerce:register_person", args=[workshop.slug]), {"user": person.pk}
    )
    assert Registration.objects.count() == 1


def test_organiser_adds_a_new_person_through_the_page(organiser):
    workshop = make_workshop(organiser)
    client = signed_in(organiser)
    url = reverse("ecommerce:person_create", args=[workshop.slug])
    page = client.post(url, {"full_name": "Y Bih", "phone": "12", "commune": ""})
    assert page.status_code == 200
    assert "Vietnamese mobile number" in page.content.decode()
    assert not Registration.objects.exists()
    response = client.post(
        url,
        {"full_name": "Y Bih", "phone": "0911222333", "commune": commune().pk},
        follow=True,
    )
    registration = Registration.objects.get()
    assert registration.user.phone == "0911222333"
    assert registration.registered_by == organiser
    text = response.content.decode()
    assert "0911222333" in text and "shown only once" in text


# --- pages: registering, the ticket, the list --------------------------------------


def test_learner_registers_from_the_public_page_and_sees_the_ticket(organiser, learner):
    workshop = make_workshop(organiser, seats=1)
    client = signed_in(learner)
    page = client.get(reverse("ecommerce:workshop", args=[workshop.slug]))
    assert "Register" in page.content.decode()
    response = client.post(
        reverse("ecommerce:workshop_register", args=[workshop.slug]), follow=True
    )
    registration = Registration.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "ecommerce:ticket", args=[registration.code]
    )
    text = response.content.decode()
    assert "<svg" in text and registration.code in text
    assert "Seat confirmed" in text

    late = make_user()
    response = signed_in(late).post(
        reverse("ecommerce:workshop_register", args=[workshop.slug]), follow=True
    )
    text = response.content.decode()
    assert "waitlist" in text and "number 1" in text
    assert "<svg" not in text


def test_a_ticket_is_only_for_its_holder_and_the_organisers(organiser, learner):
    workshop = make_workshop(organiser)
    registration = register(learner, workshop)
    url = reverse("ecommerce:ticket", args=[registration.code])
    assert signed_in(make_user()).get(url).status_code == 403
    assert signed_in(make_user(Role.ORGANISER)).get(url).status_code == 403
    assert signed_in(organiser).get(url).status_code == 200
    assert signed_in(learner).get(url).status_code == 200


def test_cancel_page_refuses_another_learner(organiser, learner):
    workshop = make_workshop(organiser)
    registration = register(learner, workshop)
    url = reverse("ecommerce:registration_cancel", args=[registration.code])
    assert signed_in(make_user()).post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.status == REGISTERED
    assert signed_in(learner).post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == CANCELLED


def test_participant_csv_has_a_bom_statuses_communes_and_check_ins(organiser):
    workshop = make_workshop(organiser, seats=1, sessions=2)
    first_session = workshop.sessions.order_by("starts_at").first()
    place = commune()
    seated = services.person_create(
        actor=organiser, full_name="H'Hơ̆n Niê", phone="0912345678", commune=place
    ).user
    waiting = make_user(full_name="Y Bih")
    r1 = services.registration_create(
        actor=organiser, workshop=workshop, user=seated
    ).registration
    services.registration_create(actor=organiser, workshop=workshop, user=waiting)
    services.checkin_record(
        actor=organiser, session=first_session, method=CheckIn.Method.CODE, code=r1.code
    )
    response = signed_in(organiser).get(
        reverse("ecommerce:participants_csv", args=[workshop.slug])
    )
    assert response["Content-Type"].startswith("text/csv")
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Name", "Phone", "Commune", "Status", "Code"]
    assert rows[0][5:7] == ["Buổi 1", "Buổi 2"]
    assert rows[1][:5] == ["H'Hơ̆n Niê", "0912345678", place.name, "Registered", r1.code]
    assert rows[1][5] != "" and rows[1][6] == ""
    assert rows[1][7] == "1"
    assert rows[2][0] == "Y Bih" and rows[2][3] == "On the waitlist"


def test_participant_page_is_printable_and_lists_everyone(organiser):
    workshop = make_workshop(organiser)
    person = make_user(full_name="Y Bih Mlô")
    services.registration_create(actor=organiser, workshop=workshop, user=person)
    page = signed_in(organiser).get(
        reverse("ecommerce:participants", args=[workshop.slug])
    )
    text = page.content.decode()
    assert "Y Bih Mlô" in text and "@media print" in text


# --- the last seat, at once --------------------------------------------------------


def _race(targets) -> list:
    barrier = threading.Barrier(len(targets))
    results: list = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # collected, asserted by the caller
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_the_last_seat_exactly_one_wins():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=2)
    register(make_user(), workshop)
    a, b = make_user(), make_user()

    results = _race(
        [
            lambda: services.registration_create(actor=a, workshop=workshop),
            lambda: services.registration_create(actor=b, workshop=workshop),
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(
        Registration.objects.filter(user__in=[a, b]).values_list("status", flat=True)
    )
    assert statuses == [REGISTERED, WAITLISTED]
    assert Registration.objects.filter(status=REGISTERED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_many_registrations_at_once_never_overfill_the_seats():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=3)
    people = [make_user() for _ in range(6)]
    results = _race(
        [
            (lambda p=p: services.registration_create(actor=p, workshop=workshop))
            for p in people
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Registration.objects.filter(status=REGISTERED).count() == 3
    assert Registration.objects.filter(status=WAITLISTED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_person_registering_twice_at_once_gets_one_registration():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=5)
    person = make_user()
    results = _race(
        [
            lambda: services.registration_create(actor=person, workshop=workshop),
            lambda: services.registration_create(actor=person, workshop=workshop),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Registration.objects.filter(user=person).count() == 1
    assert sorted(r.created for r in results) == [False, True]


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_and_a_registration_at_once_keep_the_seat_count():
    organiser = make_user(Role.ORGANISER)
    workshop = make_workshop(organiser, seats=1)
    holder, waiting, newcomer = make_user(), make_user(), make_user()
    seat = register(holder, workshop)
    register(waiting, workshop)
    results = _race(
        [
            lambda: services.registration_cancel(actor=holder, registration=seat),
            lambda: services.registration_create(actor=newcomer, workshop=workshop),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    seated = Registration.objects.filter(status=REGISTERED)
    assert seated.count() == 1
    # The waitlist came first: the freed seat is theirs, not the newcomer's.
    assert seated.get().user == waiting


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["participants", "participants_csv"])
def test_participant_list_queries_do_not_grow_with_participants(organiser, name):
    workshop = make_workshop(organiser, seats=30, sessions=3)
    sessions = list(workshop.sessions.all())
    client = signed_in(organiser)
    url = reverse(f"ecommerce:{name}", args=[workshop.slug])

    def add(n: int) -> None:
        for _ in range(n):
            person = services.person_create(
                actor=organiser,
                full_name="Y Bih",
                phone=f"09{User.objects.count():08d}",
                commune=commune(),
            ).user
            registration = register(person, workshop)
            for session in sessions[:2]:
                services.checkin_record(
                    actor=organiser,
                    session=session,
                    method=CheckIn.Method.LIST,
                    registration_id=registration.pk,
                )

    add(2)
    few = _queries(client, url)
    add(10)
    assert _queries(client, url) == few


def test_check_in_list_queries_do_not_grow_with_participants(organiser):
    workshop = make_workshop(organiser, seats=30)
    session = workshop.sessions.get()
    client = signed_in(organiser)
    url = reverse("ecommerce:checkin", args=[session.pk])
    for _ in range(2):
        register(make_user(), workshop)
    few = _queries(client, url)
    for _ in range(10):
        register(make_user(), workshop)
    assert _queries(client, url) == few
