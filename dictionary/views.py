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


CREDIT = (
    "Ê Đê forms from the Austronesian Basic Vocabulary Database (CC BY 4.0): "
    "Greenhill, Blust & Gray (2008); Tharp & Y-Bhăm Đuôn-yă (1980), "
    "A Rhade-English dictionary, Pacific Linguistics C-58."
)


def export(request: HttpRequest, language: str, fmt: str) -> HttpResponse:
    """A language's entries as LIFT, CSV or TSV (editors only: the files
    carry the entries' history ids)."""
    from django.core.exceptions import PermissionDenied

    from dictionary import exporters
    from dictionary.services import dictionary_can_edit

    if not dictionary_can_edit(user=request.user):
        raise PermissionDenied(_("Only dictionary editors change entries."))
    if language not in Language.values:
        raise Http404(_("No such entry."))
    entries = (
        Entry.objects.filter(language=language)
        .prefetch_related("senses", "topics")
        .order_by("headword")
    )
    if fmt == "lift":
        body, content_type = (
            exporters.export_lift(entries, credit=CREDIT),
            "application/xml",
        )
    else:
        body = exporters.export_table(entries, delimiter="\t" if fmt == "tsv" else ",")
        content_type = "text/tab-separated-values" if fmt == "tsv" else "text/csv"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dictionary-{language}.{fmt}"'
    )
    return response
