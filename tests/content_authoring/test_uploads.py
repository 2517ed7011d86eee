from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory

from content_authoring.uploads import UploadTooLarge, check_uploads, limited_upload_view

LIMIT = 100 * 1024


@limited_upload_view(LIMIT)
def _upload(request):
    try:
        check_uploads(request)
    except UploadTooLarge as exc:
        return HttpResponse(exc.message, status=413)
    upload = request.FILES["file"]
    return HttpResponse(f"{upload.name}:{upload.size}:{request.POST.get('note')}")


def _post(data, **extra):
    request = RequestFactory().post("/upload/", data, **extra)
    request._dont_enforce_csrf_checks = True
    return request


def test_upload_within_limit_reaches_the_view():
    data = {"note": "ghi chú", "file": SimpleUploadedFile("a.bin", b"x" * 5000)}
    response = _upload(_post(data))
    assert response.status_code == 200
    assert response.content.decode() == "a.bin:5000:ghi chú"


def test_declared_oversize_body_is_refused_before_it_is_read():
    request = _post({"file": SimpleUploadedFile("a.bin", b"x" * 10)})
    request.META["CONTENT_LENGTH"] = str(50 * 1024 * 1024)
    response = _upload(request)
    assert response.status_code == 413
    assert b"100" in response.content  # names the limit


def test_body_growing_past_the_limit_stops_and_keeps_nothing():
    request = _post({"file": SimpleUploadedFile("big.bin", b"x" * (LIMIT * 3))})
    # A client that understates its length still cannot pass the limit.
    request.META["CONTENT_LENGTH"] = str(LIMIT)
    response = _upload(request)
    assert response.status_code == 413


def test_csrf_is_still_checked():
    request = RequestFactory().post(
        "/upload/", {"file": SimpleUploadedFile("a.bin", b"x")}
    )
    assert _upload(request).status_code == 403
