"""Pages of certificates: the public verification page and API, the holder's
list and downloads, and the administrators' page. Thin."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates import selectors, services
from certificates.models import Certificate, CertificateTemplate, IssueBatch
from courses.models import Course
from lms import ratelimit
from lms.models import Cohort, User


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _too_many(request: HttpRequest) -> bool:
    """Lookups per client address and minute: codes cannot be enumerated."""
    return not ratelimit.allow(
        f"cert-verify:{_client(request)}",
        limit=settings.CERTIFICATE_VERIFY_RATE,
        window=60,
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    if _too_many(request):
        return render(
            request, "certificates/verify.html", {"limited": True}, status=429
        )
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return render(
            request, "certificates/verify.html", {"missing": True}, status=404
        )
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "record": selectors.public_record(certificate)},
    )


def verify_json(request: HttpRequest, code: str) -> JsonResponse:
    if _too_many(request):
        return JsonResponse({"error": "rate_limited"}, status=429)
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return JsonResponse({"error": "not_found"}, status=404)
    response = JsonResponse(
        selectors.public_record(certificate), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request: HttpRequest) -> JsonResponse:
    """The issuer's profile with its public key, for offline verification."""
    from certificates import credentials

    response = JsonResponse(
        credentials.issuer_profile(), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/mine.html",
        {"certificates": selectors.certificates_of(user=_user(request))},
    )


def _downloadable(request: HttpRequest, serial: str) -> Certificate:
    certificate = get_object_or_404(Certificate, serial=serial)
    user = _user(request)
    if certificate.user_id != user.pk and not user.is_province_admin:
        raise PermissionDenied(_("This certificate is someone else's."))
    return certificate


@login_required
def download_pdf(request: HttpRequest, serial: str) -> FileResponse:
    certificate = _downloadable(request, serial)
    if not certificate.pdf:
        raise Http404(_("The certificate is still being made; try again in a minute."))
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@login_required
def download_credential(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = _downloadable(request, serial)
    if not certificate.credential:
        raise Http404(_("The certificate is still being made; try again in a minute."))
    response = HttpResponse(certificate.credential, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.jwt"'
    return response


def _admin(request: HttpRequest) -> User:
    user = _user(request)
    if not user.is_province_admin:
        raise PermissionDenied(_("Only administrators issue and revoke certificates."))
    return user


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _admin(request)
    query = (request.GET.get("q") or "").strip()
    certificates = Certificate.objects.select_related("course").order_by("-issued_at")
    if query:
        certificates = certificates.filter(
            serial__icontains=query
        ) | certificates.filter(holder_name__icontains=query)
    return render(
        request,
        "certificates/manage.html",
        {
            "certificates": certificates[:100],
            "query": query,
            "courses": Course.objects.order_by("title"),
            "cohorts": Cohort.objects.order_by("name"),
        },
    )


@require_POST
@login_required
def revoke(request: HttpRequest, serial: str) -> HttpResponse:
    actor = _admin(request)
    certificate = get_object_or_404(Certificate, serial=serial)
    try:
        services.certificate_revoke(
            actor=actor, certificate=certificate, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Certificate %(s)s revoked.") % {"s": serial})
    return redirect("certificates:manage")


@require_POST
@login_required
def reissue(request: HttpRequest, serial: str) -> HttpResponse:
    actor = _admin(request)
    certificate = get_object_or_404(Certificate, serial=serial)
    try:
        new = services.certificate_reissue(actor=actor, certificate=certificate)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Certificate %(old)s replaced by %(new)s.")
            % {"old": serial, "new": new.serial},
        )
    return redirect("certificates:manage")


@require_POST
@login_required
def issue_for_cohort(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    course = get_object_or_404(Course, pk=request.POST.get("course") or 0)
    cohort = get_object_or_404(Cohort, pk=request.POST.get("cohort") or 0)
    result = services.certificates_issue_for_cohort(
        actor=actor, course=course, cohort=cohort
    )
    if result.batch is not None and result.batch.total:
        return redirect("certificates:batch", batch_id=result.batch.pk)
    messages.success(
        request,
        _(
            "%(issued)s certificates issued, %(existing)s already held, "
            "%(waiting)s learners have not completed the course."
        )
        % {
            "issued": result.issued,
            "existing": result.existing,
            "waiting": result.not_completed,
        },
    )
    return redirect("certificates:manage")


@login_required
def template_preview(request: HttpRequest, template_id: int) -> HttpResponse:
    """The template filled with a sample holder whose name has every letter
    the orthographies add, as the PDF learners will get."""
    from certificates import pdf

    _admin(request)
    template = get_object_or_404(CertificateTemplate, pk=template_id)
    html = services.certificate_html(services.sample_certificate(template=template))
    response = HttpResponse(pdf.render_pdf(html=html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    return response


@login_required
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A cohort's issuance and its rendering progress (htmx polls the bar)."""
    _admin(request)
    issue = get_object_or_404(IssueBatch, pk=batch_id)
    certificates = Certificate.objects.filter(pk__in=issue.certificate_ids).order_by(
        "holder_name"
    )
    template = (
        "certificates/_batch_progress.html"
        if request.headers.get("HX-Request")
        else "certificates/batch.html"
    )
    return render(request, template, {"batch": issue, "certificates": certificates})


@require_POST
@login_required
def issue_one(request: HttpRequest) -> HttpResponse:
    """An administrator issues one certificate by hand (username or phone)."""
    actor = _admin(request)
    course = get_object_or_404(Course, pk=request.POST.get("course") or 0)
    who = (request.POST.get("person") or "").strip()
    person = User.objects.filter(username=who).first() or (
        User.objects.filter(phone=who).first() if who else None
    )
    if person is None:
        messages.error(request, _("Nobody has this username or phone number."))
        return redirect("certificates:manage")
    try:
        issued = services.certificate_issue(user=person, course=course, actor=actor)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if issued.created:
            messages.success(
                request,
                _("Certificate %(s)s issued.") % {"s": issued.certificate.serial},
            )
        else:
            messages.info(
                request,
                _("This person already holds certificate %(s)s.")
                % {"s": issued.certificate.serial},
            )
    return redirect("certificates:manage")
