"""Reads of the dictionary: search as people type."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from dictionary.models import Entry
from lms.text import canonical, fold

SEARCH_LIMIT = 30


def entries_search(
    *, query: str, language: str = "", limit: int = SEARCH_LIMIT
) -> list[Entry]:
    """Entries whose headword, variants or glosses (Vietnamese or English)
    contain the query, folded: "hriam" finds "hriăm", and a breve typed
    before the circumflex finds ê̆. Exact headwords first, then prefixes, then
    the rest, each alphabetical."""
    folded = fold(canonical(query))
    if not folded:
        return []
    entries = Entry.objects.filter(search_text__contains=folded)
    if language:
        entries = entries.filter(language=language)
    head = folded.split(" | ")[0]
    ranked = entries.annotate(
        rank=Case(
            When(search_text__startswith=f"{head} |", then=Value(0)),
            When(search_text=head, then=Value(0)),
            When(search_text__startswith=head, then=Value(1)),
            When(search_text__contains=f"| {head}", then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )
    return list(ranked.order_by("rank", "headword").prefetch_related("senses")[:limit])


def entry_get(*, entry_id: int) -> Entry | None:
    return (
        Entry.objects.prefetch_related("senses", "topics").filter(pk=entry_id).first()
    )
