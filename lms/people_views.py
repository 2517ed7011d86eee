"""Cohorts and bulk import of people (pages). Province administrators only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lms import selectors, services
from lms.forms import CohortForm, PeopleImportForm
from lms.models import Cohort, PeopleImport, User

MEMBERS_PER_PAGE = 100  # a page stays small on 3G


def people_admin_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Sign-in first, then 403 for anyone but a province administrator (before
    any method check, so the wrong role is refused the same way everywhere)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.people_can_manage(user=request.user):
            raise PermissionDenied(_("Only province administrators manage people."))
        return view(request, *args, **kwargs)

    return wrapped


def _actor(request: HttpRequest) -> User:
    # ``people_admin_required`` has let only a signed-in administrator through.
    return cast(User, request.user)


def _cohort_or_404(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = selectors.cohort_get_for_user(user=_actor(request), cohort_id=cohort_id)
    if cohort is None:
        raise Http404
    return cohort


def _import_or_404(request: HttpRequest, import_id: int) -> PeopleImport:
    people_import = selectors.people_import_get_for_user(
        user=_actor(request), import_id=import_id
    )
    if people_import is None:
        raise Http404
    return people_import


@people_admin_required
@require_http_methods(["GET", "POST"])
def cohort_list(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(
                actor=_actor(request),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Cohort created."))
            return redirect("people:cohort", cohort_id=cohort.pk)
    return render(
        request,
        "lms/people/cohort_list.html",
        {"cohorts": selectors.cohort_list_for_user(user=_actor(request)), "form": form},
    )


@people_admin_required
@require_http_methods(["GET"])
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    members = Paginator(selectors.cohort_members(cohort=cohort), MEMBERS_PER_PAGE)
    return render(
        request,
        "lms/people/cohort_detail.html",
        {
            "cohort": cohort,
            "members": members.get_page(request.GET.get("page")),
            "imports": selectors.people_import_list_for_cohort(
                user=_actor(request), cohort=cohort
            )[:5],
            "form": PeopleImportForm(),
        },
    )


@people_admin_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_or_404(request, cohort_id)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_import = services.people_import_preview(
                actor=_actor(request),
                cohort=cohort,
                uploaded_file=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("people:import_preview", import_id=people_import.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "lms/people/import_upload.html",
        {"cohort": cohort, "form": form},
        status=status,
    )


@people_admin_required
@require_http_methods(["GET"])
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    people_import = _import_or_404(request, import_id)
    preview = selectors.people_import_preview_rows(
        people_import=people_import, show_all=request.GET.get("show") == "all"
    )
    return render(
        request,
        "lms/people/import_preview.html",
        {"preview": preview, "people_import": people_import},
    )


@people_admin_required
@require_POST
@never_cache  # the page shows initial passwords: no copy may stay in a cache
def import_commit(request: HttpRequest, import_id: int) -> HttpResponse:
    people_import = _import_or_404(request, import_id)
    try:
        people_import = services.people_import_commit(
            actor=_actor(request), people_import=people_import
        )
    except services.PeopleImportRefused as exc:
        messages.error(request, exc.message)
        return redirect("people:import_preview", import_id=people_import.pk)
    # Rendered in answer to the POST, not after a redirect: the passwords live
    # in this one response and nowhere else. Reloading re-posts and is refused.
    return render(
        request,
        "lms/people/import_result.html",
        {
            "people_import": people_import,
            "cohort": people_import.cohort,
            "credentials": people_import.credentials,
        },
    )
