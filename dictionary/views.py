"""Public pages and JSON of the dictionary. Thin."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dictionary import selectors
from dictionary.models import Entry, Language


def _language(request: HttpRequest) -> str:
    value = request.GET.get("language", "")
    return value if value in Language.values else ""


def search(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    language = _language(request)
    entries = selectors.entries_search(query=query, language=language) if query else []
    template = (
        "dictionary/_results.html"
        if request.headers.get("HX-Request")
        else "dictionary/search.html"
    )
    return render(
        request,
        template,
        {
            "query": query,
            "language": language,
            "languages": Language.choices,
            "entries": entries,
        },
    )


def entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    found = selectors.entry_get(entry_id=entry_id)
    if found is None:
        raise Http404(_("No such entry."))
    return render(request, "dictionary/entry.html", {"entry": found})


def _entry_json(e: Entry) -> dict:
    return {
        "id": e.pk,
        "language": e.language,
        "headword": e.headword,
        "variants": e.variants,
        "part_of_speech": e.part_of_speech,
        "audio": e.pronunciation.url if e.pronunciation else None,
        "senses": [
            {
                "gloss_vi": s.gloss_vi,
                "gloss_vi_translated": s.gloss_vi_translated,
                "gloss_en": s.gloss_en,
                "definition": s.definition,
                "example": s.example,
                "example_translation": s.example_translation,
            }
            for s in e.senses.all()
        ],
        "source": e.source,
    }


def api_search(request: HttpRequest) -> JsonResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    entries = selectors.entries_search(query=query, language=_language(request))
    return JsonResponse(
        {"query": query, "results": [_entry_json(e) for e in entries]},
        json_dumps_params={"ensure_ascii": False},
    )


def api_entry(request: HttpRequest, entry_id: int) -> JsonResponse:
    found = selectors.entry_get(entry_id=entry_id)
    if found is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return JsonResponse(_entry_json(found), json_dumps_params={"ensure_ascii": False})
