from django.http import HttpResponse


def home(request):
    raise NotImplementedError


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
