"""Pages of live classes: scheduling, the room, attendance, replay. Thin."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from content_authoring.uploads import UploadTooLarge, check_uploads, limited_upload_view
from courses import selectors as course_selectors
from courses.models import Course
from live_classes import selectors, services
from live_classes.forms import AudioForm, LiveSessionForm
from live_classes.models import LiveSession
from lms.forms import form_errors_apply
from lms.models import User


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _session_or_404(session_id: int) -> LiveSession:
    session = selectors.live_session_get(session_id=session_id)
    if session is None:
        raise Http404(_("This live class does not exist."))
    return session


def _managed(request: HttpRequest, session_id: int) -> LiveSession:
    session = _session_or_404(session_id)
    if not selectors.live_session_can_manage(user=_user(request), session=session):
        raise PermissionDenied(
            _("Only the course's trainers and administrators manage live classes.")
        )
    return session


def _viewable(request: HttpRequest, session_id: int) -> LiveSession:
    session = _session_or_404(session_id)
    if not selectors.live_session_can_view(user=_user(request), session=session):
        raise PermissionDenied(
            _("Only the learners and trainers of this course can join this class.")
        )
    return session


@login_required
def schedule(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=course_id)
    if not course_selectors.course_can_manage(user=_user(request), course=course):
        raise PermissionDenied(
            _("Only the course's trainers and administrators manage live classes.")
        )
    form = LiveSessionForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.live_session_create(
                actor=_user(request),
                course=course,
                title=data["title"],
                description=data.get("description") or "",
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                cohort=data.get("cohort"),
                attendance_percent=data["attendance_percent"],
            )
        except ValidationError as exc:
            form_errors_apply(form, exc)
        else:
            messages.success(request, _("The live class is scheduled."))
            return redirect("live_classes:manage", session_id=session.pk)
    return render(
        request,
        "live_classes/schedule.html",
        {
            "course": course,
            "form": form,
            "sessions": selectors.sessions_for_course(
                user=_user(request), course=course
            ),
        },
    )


@login_required
def manage(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _managed(request, session_id)
    form = LiveSessionForm(
        request.POST or None, instance=session, course=session.course
    )
    if request.method == "POST":
        if not session.is_open:
            messages.error(request, _("An ended or cancelled class cannot be changed."))
            return redirect("live_classes:manage", session_id=session.pk)
        if form.is_valid():
            data = form.cleaned_data
            session.refresh_from_db()
            try:
                services.live_session_update(
                    actor=_user(request), session=session, **data
                )
            except ValidationError as exc:
                form_errors_apply(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("live_classes:manage", session_id=session.pk)
        # The form's validation wrote the posted values onto ``session``: show
        # the class as it is stored, and the posted values only in the form.
        session.refresh_from_db()
    return render(
        request,
        "live_classes/manage.html",
        {
            "session": session,
            "course": session.course,
            "form": form,
            "audio_form": AudioForm(),
            "slides": list(session.slides.all()),
        },
    )


@require_POST
@login_required
def cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _managed(request, session_id)
    try:
        services.live_session_cancel(actor=_user(request), session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The live class is cancelled."))
    return redirect("live_classes:manage", session_id=session.pk)


@require_POST
@limited_upload_view(lambda: settings.LIVE_SLIDES_MAX_BYTES)
@login_required
def slides_upload(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _managed(request, session_id)
    try:
        check_uploads(request)
        added = services.slides_add(
            actor=_user(request),
            session=session,
            uploads=request.FILES.getlist("files"),
        )
    except UploadTooLarge as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s slides added.") % {"n": added})
    return redirect("live_classes:manage", session_id=session.pk)


@require_POST
@limited_upload_view(lambda: settings.LIVE_AUDIO_MAX_BYTES)
@login_required
def audio_upload(request: HttpRequest, session_id: int) -> HttpResponse:
    """The class's recording, from the room (MediaRecorder) or the manage page."""
    session = _managed(request, session_id)
    wants_json = "application/json" in request.headers.get("Accept", "")
    error = ""
    try:
        check_uploads(request)
        upload = request.FILES.get("audio")
        if upload is None:
            raise ValidationError(_("Choose a recording to upload."))
        started = parse_datetime(request.POST.get("started_at", "") or "")
        if started is not None and timezone.is_naive(started):
            started = timezone.make_aware(started, UTC)
        services.replay_audio_set(
            actor=_user(request), session=session, upload=upload, started_at=started
        )
    except UploadTooLarge as exc:
        error = exc.message
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if wants_json:
        if error:
            return JsonResponse({"error": error}, status=400)
        return JsonResponse({"ok": True, "replay_url": _replay_url(session)})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Recording saved; the replay video is being made."))
    return redirect("live_classes:manage", session_id=session.pk)


def _replay_url(session: LiveSession) -> str:
    return reverse("live_classes:replay", kwargs={"session_id": session.pk})


@login_required
def room(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session_or_404(session_id)
    # Everyone signed in gets the page; the WebSocket says who may enter and
    # why not, in one place (services.room_join).
    moderator = selectors.live_session_can_manage(user=_user(request), session=session)
    return render(
        request,
        "live_classes/room.html",
        {
            "session": session,
            "course": session.course,
            "ws_path": f"/ws/live/{session.pk}/",
            "moderator": moderator,
            "audio_upload_url": reverse(
                "live_classes:audio_upload", kwargs={"session_id": session.pk}
            ),
            "replay_url": _replay_url(session),
            "attendance_url": reverse(
                "live_classes:attendance", kwargs={"session_id": session.pk}
            ),
            "manage_url": reverse(
                "live_classes:manage", kwargs={"session_id": session.pk}
            )
            if moderator
            else "",
        },
    )


def _attendance_context(request: HttpRequest, session_id: int) -> dict:
    session = _managed(request, session_id)
    if session.is_open:
        services.attendance_count(session=session)
    return {
        "session": session,
        "course": session.course,
        "rows": selectors.attendance_rows(session=session),
    }


@login_required
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    return render(
        request,
        "live_classes/attendance.html",
        _attendance_context(request, session_id),
    )


def _local(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}" if moment else ""


@login_required
def attendance_csv(request: HttpRequest, session_id: int) -> HttpResponse:
    context = _attendance_context(request, session_id)
    session = context["session"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="attendance-{session.pk}.csv"'
    )
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Username"),
            _("Role"),
            _("First joined"),
            _("Last left"),
            _("Minutes"),
            _("Attended enough"),
        ]
    )
    for row in context["rows"]:
        writer.writerow(
            [
                row.name,
                row.username,
                _("Trainer") if row.role == "trainer" else _("Learner"),
                _local(row.first_joined_at),
                _local(row.last_left_at),
                row.minutes,
                "" if row.role == "trainer" else (_("yes") if row.enough else _("no")),
            ]
        )
    return response


@login_required
def replay(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _viewable(request, session_id)
    return render(
        request,
        "live_classes/replay.html",
        {
            "session": session,
            "course": session.course,
            "timeline": selectors.replay_timeline(session=session),
            "moderator": selectors.live_session_can_manage(
                user=_user(request), session=session
            ),
        },
    )
