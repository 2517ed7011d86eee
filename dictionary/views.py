"""Public pages and JSON of the dictionary. Thin."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from dictionary import alphabet, selectors
from dictionary.models import Entry, Language
from lms.text import canonical

BROWSE_PAGE_SIZE = 50


def _language(request: HttpRequest) -> str:
    value = request.GET.get("language", "")
    return value if value in Language.values else ""


def search(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    language = _language(request)
    results = (
        selectors.dictionary_search(query=query, language=language)
        if query
        else selectors.SearchResults(query="")
    )
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
            "results": results,
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
    results = selectors.dictionary_search(query=query, language=_language(request))
    return JsonResponse(
        {
            "query": query,
            # Every match, by headword first; "matched" says which.
            "results": [
                {**_entry_json(e), "matched": "headword"} for e in results.by_headword
            ]
            + [{**_entry_json(e), "matched": "gloss"} for e in results.by_gloss],
            "did_you_mean": [_entry_json(e) for e in results.suggestions],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def api_lookup(request: HttpRequest) -> JsonResponse:
    """The entries whose headword or a variant is the word ``w`` of language
    ``lang``: what the lesson popup shows."""
    language = request.GET.get("lang", "")
    word = (request.GET.get("w") or "").strip()
    if language not in Language.values:
        return JsonResponse({"error": "unknown_language"}, status=400)
    if not word or len(word) > 100:
        return JsonResponse({"error": "bad_word"}, status=400)
    entries = selectors.entries_lookup(language=language, word=word)
    return JsonResponse(
        {
            "language": language,
            "word": word,
            "entries": [
                {
                    "id": e.pk,
                    "headword": e.headword,
                    "part_of_speech": e.part_of_speech,
                    "glosses": [
                        {
                            "vi": s.gloss_vi,
                            "vi_translated": s.gloss_vi_translated,
                            "en": s.gloss_en,
                        }
                        for s in e.senses.all()
                    ],
                    "audio": e.pronunciation.url if e.pronunciation else None,
                    "url": reverse("dictionary:entry", args=[e.pk]),
                }
                for e in entries
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _browse_language(request: HttpRequest) -> str:
    return _language(request) or Language.EDE


def browse(request: HttpRequest) -> HttpResponse:
    """The language's alphabet and topics; with ``letter``, the entries that
    start with it, a page at a time."""
    language = _browse_language(request)
    letters = alphabet.letters(language)
    letter = canonical(request.GET.get("letter", "").strip()).casefold()
    context: dict = {
        "language": language,
        "language_name": Language(language).label,
        "languages": Language.choices,
        "letters": letters,
        "letter": letter,
    }
    if letter:
        if letter not in letters:
            raise Http404(_("No such letter in this alphabet."))
        entries = selectors.entries_by_letter(language=language, letter=letter)
        context["page"] = Paginator(entries, BROWSE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "dictionary/browse_list.html", context)
    context["topics"] = selectors.topics_with_counts(language=language)
    return render(request, "dictionary/browse.html", context)


def browse_topic(request: HttpRequest, slug: str) -> HttpResponse:
    language = _browse_language(request)
    topic = selectors.topic_get(slug=slug)
    if topic is None:
        raise Http404(_("No such topic."))
    entries = selectors.entries_by_topic(language=language, topic=topic)
    return render(
        request,
        "dictionary/browse_list.html",
        {
            "language": language,
            "language_name": Language(language).label,
            "languages": Language.choices,
            "letters": alphabet.letters(language),
            "topic": topic,
            "page": Paginator(entries, BROWSE_PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
        },
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
