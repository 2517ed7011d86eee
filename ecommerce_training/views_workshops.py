"""Pages of workshops: the public page and registration, the organiser's
pages (workshop, sessions, participants, check-in, survey results) and the
learner's ticket and survey. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import csv
import json
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecommerce_training import selectors_workshops as selectors
from ecommerce_training import services_workshops as services
from ecommerce_training.forms_workshops import (
    PersonForm,
    SessionForm,
    SurveyForm,
    WorkshopForm,
)
from ecommerce_training.models import CheckIn, Registration, Workshop, WorkshopSession
from lms.forms import form_errors_apply
from lms.models import User


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _refuse() -> PermissionDenied:
    return PermissionDenied(
        _("Only this workshop's organisers and administrators manage it.")
    )


def _managed(request: HttpRequest, slug: str) -> Workshop:
    workshop = selectors.workshop_get(slug=slug)
    if workshop is None:
        raise Http404(_("This workshop does not exist."))
    if not selectors.workshop_can_manage(user=_user(request), workshop=workshop):
        raise _refuse()
    return workshop


def _managed_session(request: HttpRequest, session_id: int) -> WorkshopSession:
    session = selectors.session_get(session_id=session_id)
    if session is None:
        raise Http404(_("This session does not exist."))
    if not selectors.workshop_can_manage(
        user=_user(request), workshop=session.workshop
    ):
        raise _refuse()
    return session


# --- public ------------------------------------------------------------------------


def workshop_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "ecommerce_training/workshops/list.html",
        {
            "workshops": selectors.workshops_public(),
            "managed": selectors.workshops_managed(user=user),
            "can_create": selectors.workshop_can_create(user=user),
        },
    )


def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    workshop = selectors.workshop_get_for_user(user=user, slug=slug)
    if workshop is None:
        raise Http404(_("This workshop does not exist."))
    return render(
        request,
        "ecommerce_training/workshops/detail.html",
        {
            "workshop": workshop,
            "registration": selectors.registration_for(user=user, workshop=workshop),
            "counts": selectors.workshop_counts(workshop=workshop),
            "can_manage": selectors.workshop_can_manage(user=user, workshop=workshop),
        },
    )


@require_POST
@login_required
def workshop_register(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    workshop = selectors.workshop_get_for_user(user=user, slug=slug)
    if workshop is None:
        raise Http404(_("This workshop does not exist."))
    try:
        done = services.registration_create(actor=user, workshop=workshop)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ecommerce:workshop", slug=slug)
    registration = done.registration
    if not done.created:
        messages.info(request, _("You are already registered."))
    elif registration.status == Registration.Status.REGISTERED:
        messages.success(request, _("You have a seat. Here is your ticket."))
    else:
        messages.info(
            request,
            _(
                "The workshop is full: you are on the waitlist and get a seat "
                "as soon as one frees."
            ),
        )
    return redirect("ecommerce:ticket", code=registration.code)


@login_required
def ticket(request: HttpRequest, code: str) -> HttpResponse:
    registration = selectors.registration_by_code(code=code)
    if registration is None:
        raise Http404(_("This ticket does not exist."))
    user = _user(request)
    if registration.user_id != user.pk and not selectors.workshop_can_manage(
        user=user, workshop=registration.workshop
    ):
        raise PermissionDenied(_("This ticket is someone else's."))
    workshop = selectors.workshop_get(slug=registration.workshop.slug)
    return render(
        request,
        "ecommerce_training/workshops/ticket.html",
        {
            "registration": registration,
            "workshop": workshop,
            "qr_svg": selectors.ticket_qr(registration.code).svg_inline(
                border=2, omitsize=True
            ),
            "position": selectors.waitlist_position(registration=registration),
            "survey_open": workshop is not None
            and selectors.survey_is_open(workshop=workshop),
            "own": registration.user_id == user.pk,
        },
    )


@require_POST
@login_required
def registration_cancel(request: HttpRequest, code: str) -> HttpResponse:
    registration = selectors.registration_by_code(code=code)
    if registration is None:
        raise Http404(_("This ticket does not exist."))
    user = _user(request)
    services.registration_cancel(actor=user, registration=registration)
    messages.success(request, _("The registration is cancelled."))
    if registration.user_id == user.pk:
        return redirect("ecommerce:workshop", slug=registration.workshop.slug)
    return redirect("ecommerce:participants", slug=registration.workshop.slug)


# --- organisers: workshop and sessions ---------------------------------------------


@login_required
def workshop_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.workshop_can_create(user=user):
        raise PermissionDenied(
            _("Only workshop organisers and administrators create workshops.")
        )
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        modules = list(data.pop("modules"))
        try:
            workshop = services.workshop_create(actor=user, modules=modules, **data)
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("The workshop is created. Add its sessions."))
            return redirect("ecommerce:workshop_manage", slug=workshop.slug)
    return render(request, "ecommerce_training/workshops/edit.html", {"form": form})


@login_required
def workshop_manage(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        modules = list(data.pop("modules"))
        workshop.refresh_from_db()
        try:
            services.workshop_update(
                actor=_user(request), workshop=workshop, modules=modules, **data
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect("ecommerce:workshop_manage", slug=workshop.slug)
    workshop.refresh_from_db()
    return render(
        request,
        "ecommerce_training/workshops/manage.html",
        {
            "workshop": workshop,
            "form": form,
            "sessions": workshop.sessions.select_related("commune", "live_session"),
            "counts": selectors.workshop_counts(workshop=workshop),
            "next_statuses": services.next_statuses(workshop),
        },
    )


@require_POST
@login_required
def workshop_status(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    try:
        services.workshop_status_set(
            actor=_user(request),
            workshop=workshop,
            status=request.POST.get("status", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The workshop is now “%(status)s”.")
            % {"status": workshop.get_status_display()},
        )
    return redirect("ecommerce:workshop_manage", slug=slug)


@login_required
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    form = SessionForm(request.POST or None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_create(
                actor=_user(request),
                workshop=workshop,
                title=data["title"],
                mode=data["mode"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                venue=data.get("venue") or "",
                commune=data.get("commune"),
                live_session=data.get("live_session"),
                create_live=bool(data.get("create_live")),
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        except PermissionDenied as exc:
            # Scheduling a live class is for the course's trainers.
            form.add_error("create_live", str(exc))
        else:
            messages.success(request, _("The session is added."))
            return redirect("ecommerce:workshop_manage", slug=slug)
    return render(
        request,
        "ecommerce_training/workshops/session_edit.html",
        {"workshop": workshop, "form": form},
    )


@login_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _managed_session(request, session_id)
    workshop = session.workshop
    form = SessionForm(request.POST or None, instance=session, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        create_live = bool(data.pop("create_live", False))
        if data.get("live_session") is None:
            data.pop("live_session", None)
        try:
            services.session_update(
                actor=_user(request),
                session=session,
                create_live=create_live,
                **data,
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        except PermissionDenied as exc:
            form.add_error("create_live", str(exc))
        else:
            messages.success(request, _("The session is saved."))
            return redirect("ecommerce:workshop_manage", slug=workshop.slug)
    return render(
        request,
        "ecommerce_training/workshops/session_edit.html",
        {"workshop": workshop, "form": form, "session": session},
    )


@require_POST
@login_required
def session_delete(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _managed_session(request, session_id)
    try:
        services.session_delete(actor=_user(request), session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The session is removed."))
    return redirect("ecommerce:workshop_manage", slug=session.workshop.slug)


# --- organisers: participants ------------------------------------------------------


@login_required
def participants(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    sessions, rows = selectors.participants(workshop=workshop)
    query = request.GET.get("q", "")
    return render(
        request,
        "ecommerce_training/workshops/participants.html",
        {
            "workshop": workshop,
            "sessions": sessions,
            "rows": rows,
            "counts": selectors.workshop_counts(workshop=workshop),
            "query": query,
            "found": selectors.people_search(query=query) if query else None,
            "person_form": PersonForm(),
        },
    )


def _csv_time(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""


@login_required
def participants_csv(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    sessions, rows = selectors.participants(workshop=workshop)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="participants-{workshop.slug}.csv"'
    )
    # The BOM makes spreadsheet programs read the file as UTF-8 (Vietnamese).
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Phone"),
            _("Commune"),
            _("Status"),
            _("Code"),
            *[s.title for s in sessions],
            _("Sessions attended"),
            _("Completed"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.name,
                row.phone,
                row.commune,
                row.registration.get_status_display(),
                row.registration.code,
                *[_csv_time(c) for c in row.checkins],
                row.attended,
                _csv_time(row.registration.completed_at),
            ]
        )
    return response


@require_POST
@login_required
def register_person(request: HttpRequest, slug: str) -> HttpResponse:
    """An organiser registers someone found by phone or name."""
    workshop = _managed(request, slug)
    person = User.objects.filter(pk=request.POST.get("user") or 0).first()
    if person is None:
        messages.error(request, _("Choose a person from the search results."))
        return redirect("ecommerce:participants", slug=slug)
    _register_on_behalf(request, workshop, person)
    return redirect("ecommerce:participants", slug=slug)


def _register_on_behalf(request: HttpRequest, workshop: Workshop, person: User) -> None:
    try:
        done = services.registration_create(
            actor=_user(request), workshop=workshop, user=person
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return
    registration = done.registration
    if not done.created:
        messages.info(
            request,
            _("%(name)s is already registered (code %(code)s).")
            % {"name": person.display_name, "code": registration.code},
        )
    elif registration.status == Registration.Status.REGISTERED:
        messages.success(
            request,
            _("%(name)s has a seat (code %(code)s).")
            % {"name": person.display_name, "code": registration.code},
        )
    else:
        messages.info(
            request,
            _("The workshop is full: %(name)s is on the waitlist (code %(code)s).")
            % {"name": person.display_name, "code": registration.code},
        )


@login_required
def person_create(request: HttpRequest, slug: str) -> HttpResponse:
    """An organiser adds a person with just a name, a phone and a commune,
    and registers them."""
    workshop = _managed(request, slug)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.person_create(actor=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.info(
                request,
                _(
                    "Account created: user name %(username)s, password %(password)s. "
                    "Give these to the person; they are shown only once."
                )
                % {"username": created.user.username, "password": created.password},
            )
            _register_on_behalf(request, workshop, created.user)
            return redirect("ecommerce:participants", slug=slug)
    return render(
        request,
        "ecommerce_training/workshops/person_new.html",
        {"workshop": workshop, "form": form},
    )


# --- organisers: check-in ----------------------------------------------------------


@login_required
def checkin(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _managed_session(request, session_id)
    rows = selectors.checkin_list(session=session)
    return render(
        request,
        "ecommerce_training/workshops/checkin.html",
        {
            "session": session,
            "workshop": session.workshop,
            "rows": rows,
            "checked": sum(1 for r in rows if r.checked_at),
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def checkin_code(request: HttpRequest, session_id: int) -> HttpResponse:
    """A scanned or typed code, or a name ticked on the list (one at a time:
    the page's form without JavaScript, or a fetch from checkin.js)."""
    session = _managed_session(request, session_id)
    registration = request.POST.get("registration")
    method = request.POST.get("method") or (
        CheckIn.Method.LIST if registration else CheckIn.Method.CODE
    )
    try:
        done = services.checkin_record(
            actor=_user(request),
            session=session,
            method=method,
            code=request.POST.get("code", ""),
            registration_id=int(registration)
            if registration and registration.isdigit()
            else None,
            client_id=request.POST.get("client_id") or None,
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "code": exc.code or "invalid", "message": message},
                status=422,
            )
        messages.error(request, message)
        return redirect("ecommerce:checkin", session_id=session_id)
    message = services.checkin_message(done)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "duplicate": not done.created,
                "registration": done.registration.pk,
                "name": done.registration.user.display_name,
                "message": message,
            }
        )
    (messages.success if done.created else messages.info)(request, message)
    return redirect("ecommerce:checkin", session_id=session_id)


@require_POST
@login_required
def checkin_sync(request: HttpRequest, session_id: int) -> JsonResponse:
    """Check-ins kept on the organiser's phone while offline, as one batch."""
    session = _managed_session(request, session_id)
    try:
        body = json.loads(request.body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return JsonResponse(
            {"ok": False, "message": _("The phone sent unreadable data.")}, status=400
        )
    items = body.get("items") if isinstance(body, dict) else None
    try:
        results = services.checkins_sync(
            actor=_user(request),
            session=session,
            items=items,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        return JsonResponse(
            {"ok": False, "message": " ".join(exc.messages)}, status=400
        )
    return JsonResponse(
        {
            "ok": True,
            "results": [
                {
                    "client_id": r.client_id,
                    "ok": r.ok,
                    "duplicate": r.duplicate,
                    "message": r.message,
                    "registration": r.registration_id,
                }
                for r in results
            ],
        }
    )


# --- survey ------------------------------------------------------------------------


@login_required
def survey(request: HttpRequest, code: str) -> HttpResponse:
    registration = selectors.registration_by_code(code=code)
    user = _user(request)
    if registration is None:
        raise Http404(_("This ticket does not exist."))
    if registration.user_id != user.pk:
        raise PermissionDenied(_("Only the participant answers their survey."))
    answered = hasattr(registration, "survey")
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.survey_submit(
                user=user, registration=registration, answers=form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for your answers!"))
            return redirect("ecommerce:ticket", code=registration.code)
    elif request.method == "POST" and answered:
        messages.info(request, _("You already answered this survey. Thank you!"))
        return redirect("ecommerce:ticket", code=registration.code)
    return render(
        request,
        "ecommerce_training/workshops/survey.html",
        {
            "registration": registration,
            "workshop": registration.workshop,
            "form": form,
            "answered": answered,
            "open": selectors.survey_is_open(workshop=registration.workshop),
        },
    )


@login_required
def survey_results(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = _managed(request, slug)
    return render(
        request,
        "ecommerce_training/workshops/survey_results.html",
        {"workshop": workshop, "results": selectors.survey_results(workshop=workshop)},
    )
