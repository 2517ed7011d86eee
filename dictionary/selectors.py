"""Reads of the dictionary: search as people type, lookups of a word seen in a
lesson, and the browse lists."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from dictionary import alphabet
from dictionary.models import Entry, Topic
from lms.text import canonical, fold

SEARCH_LIMIT = 30
# Fuzzy matching: queries shorter than this (letters) would match too much.
FUZZY_MIN_LETTERS = 3
FUZZY_LIMIT = 10
# pg_trgm's word_similarity: "hram" for "hriam" scores 0.4, "hriem" 0.5.
PG_WORD_SIMILARITY = 0.4
# The SQLite fallback scores with the Dice coefficient of the trigram sets
# ("hram"/"hriam" 0.55, "hriem"/"hriam" 0.5, unrelated words about 0.2).
DICE_THRESHOLD = 0.45
# Rows the SQLite fallback scores in Python at most, best pre-filtered first.
FUZZY_CANDIDATES = 400
LOOKUP_LIMIT = 10


def _entries(language: str) -> QuerySet[Entry]:
    entries = Entry.objects.all()
    return entries.filter(language=language) if language else entries


def entries_search(
    *, query: str, language: str = "", limit: int = SEARCH_LIMIT
) -> list[Entry]:
    """Entries whose headword, variants or glosses (Vietnamese or English)
    contain the query, folded: "hriam" finds "hriăm", and a breve typed
    before the circumflex finds ê̆. Exact headwords first, then prefixes, then
    the rest, each in the language's alphabetical order."""
    folded = fold(canonical(query))
    if not folded:
        return []
    entries = _entries(language).filter(search_text__contains=folded)
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
    return list(
        ranked.order_by("rank", "sort_key", "pk").prefetch_related("senses")[:limit]
    )


@dataclass
class SearchResults:
    """One search, both directions: entries whose headword or a variant
    matches (Ê Đê → Vietnamese), entries whose gloss matches (Vietnamese →
    Ê Đê), and close spellings offered as "did you mean"."""

    query: str
    by_headword: list[Entry] = field(default_factory=list)
    by_gloss: list[Entry] = field(default_factory=list)
    suggestions: list[Entry] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_headword or self.by_gloss or self.suggestions)


def _written_forms(entry: Entry) -> list[str]:
    return [fold(entry.headword), *(fold(v) for v in entry.variants)]


def dictionary_search(
    *, query: str, language: str = "", limit: int = SEARCH_LIMIT
) -> SearchResults:
    """Exact and prefix matches first (``entries_search``), split by what
    matched; then, unless the query is a headword or variant as written and
    while there is room, entries spelled close to the query
    (a wrong vowel, a missing or extra letter): pg_trgm's word similarity on
    PostgreSQL, trigrams scored in Python over SQL-narrowed rows elsewhere.
    At most five queries."""
    folded = fold(canonical(query))
    results = SearchResults(query=query)
    if not folded:
        return results
    found = entries_search(query=query, language=language, limit=limit)
    exact = False
    for entry in found:
        forms = _written_forms(entry)
        if any(folded in form for form in forms):
            results.by_headword.append(entry)
            exact = exact or folded in forms
        else:
            results.by_gloss.append(entry)
    # A word typed as the dictionary writes it needs no "did you mean".
    wanted = 0 if exact else min(FUZZY_LIMIT, limit - len(found))
    if wanted > 0 and len(folded.replace(" ", "")) >= FUZZY_MIN_LETTERS:
        exclude = [e.pk for e in found]
        if connection.vendor == "postgresql":
            results.suggestions = _fuzzy_postgresql(folded, language, exclude, wanted)
        else:
            results.suggestions = _fuzzy_python(folded, language, exclude, wanted)
    return results


def _fuzzy_postgresql(
    folded: str, language: str, exclude: list[int], limit: int
) -> list[Entry]:
    from django.contrib.postgres.search import TrigramWordSimilarity

    with connection.cursor() as cursor:
        # ``<%`` (the lookup below, which the GIN index serves) compares
        # with this setting; the session keeps it, so set it every time.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
            [str(PG_WORD_SIMILARITY)],
        )
    return list(
        _entries(language)
        .filter(search_text__trigram_word_similar=folded)
        .exclude(pk__in=exclude)
        .annotate(similarity=TrigramWordSimilarity(folded, "search_text"))
        .order_by("-similarity", "sort_key", "pk")
        .prefetch_related("senses")[:limit]
    )


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one
    after."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(query_grams: set[str], text: str) -> float:
    """The best Dice coefficient between the query's trigrams and those of
    each part (headword, variant, gloss) or word of a search text."""
    best = 0.0
    for part in text.split(" | "):
        units = {part, *part.split()}
        for unit in units:
            grams = trigrams(unit)
            if grams:
                shared = len(query_grams & grams)
                best = max(best, 2 * shared / (len(query_grams) + len(grams)))
    return best


def _features(folded: str) -> list[Q]:
    """SQL conditions a close spelling usually meets several of: each word's
    first two letters at a word start, its inner trigrams, its last two
    letters at a word end."""
    features: list[Q] = []
    for word in folded.replace("|", " ").split():
        if len(word) < 2:
            continue
        start, end = word[:2], word[-2:]
        features.append(
            Q(search_text__startswith=start) | Q(search_text__contains=f" {start}")
        )
        features += [
            Q(search_text__contains=word[i : i + 3]) for i in range(len(word) - 2)
        ]
        features.append(
            Q(search_text__endswith=end) | Q(search_text__contains=f"{end} ")
        )
    return features


def _fuzzy_python(
    folded: str, language: str, exclude: list[int], limit: int
) -> list[Entry]:
    features = _features(folded)
    if not features:
        return []
    hits = functools.reduce(
        operator.add,
        [
            Case(When(f, then=Value(1)), default=Value(0), output_field=IntegerField())
            for f in features
        ],
    )
    needed = 2 if len(features) >= 4 else 1
    rows = (
        _entries(language)
        .exclude(pk__in=exclude)
        .annotate(hits=hits)
        .filter(hits__gte=needed)
        .order_by("-hits")
        .values_list("pk", "search_text", "sort_key")[:FUZZY_CANDIDATES]
    )
    query_grams = trigrams(folded.replace("|", " "))
    scored = []
    for pk, text, key in rows:
        score = similarity(query_grams, text)
        if score >= DICE_THRESHOLD:
            scored.append((-score, key, pk))
    best = [pk for _score, _key, pk in sorted(scored)[:limit]]
    if not best:
        return []
    entries = Entry.objects.prefetch_related("senses").in_bulk(best)
    return [entries[pk] for pk in best if pk in entries]


def entries_lookup(*, language: str, word: str) -> list[Entry]:
    """Entries of ``language`` whose headword or a variant is ``word``,
    folded (a word tapped in a lesson: any case, marks typed any way)."""
    folded = fold(canonical(word))
    if not folded or " | " in folded:
        return []
    # search_text is "headword | variants... | glosses...", each folded: the
    # SQL finds candidates, Python keeps those whose written form matches.
    candidates = (
        Entry.objects.filter(language=language)
        .filter(
            Q(search_text=folded)
            | Q(search_text__startswith=f"{folded} |")
            | Q(search_text__contains=f"| {folded} |")
            | Q(search_text__endswith=f"| {folded}")
        )
        .order_by("sort_key", "pk")
        .prefetch_related("senses")
    )
    return [e for e in candidates if folded in _written_forms(e)][:LOOKUP_LIMIT]


def entries_by_letter(*, language: str, letter: str) -> QuerySet[Entry]:
    """The language's entries that start with ``letter`` (ê̆ apart from ê),
    in the language's order. Empty for a letter not in the alphabet."""
    bounds = alphabet.letter_range(language, letter)
    if bounds is None:
        return Entry.objects.none()
    low, high = bounds
    return (
        Entry.objects.filter(language=language, sort_key__gte=low, sort_key__lt=high)
        .order_by("sort_key", "pk")
        .prefetch_related("senses")
    )


def topics_with_counts(*, language: str) -> QuerySet[Topic]:
    """Topics that have entries in ``language``, with how many."""
    return (
        Topic.objects.annotate(
            entry_count=Count("entries", filter=Q(entries__language=language))
        )
        .filter(entry_count__gt=0)
        .order_by("name_vi")
    )


def entries_by_topic(*, language: str, topic: Topic) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(language=language, topics=topic)
        .order_by("sort_key", "pk")
        .prefetch_related("senses")
    )


def topic_get(*, slug: str) -> Topic | None:
    return Topic.objects.filter(slug=slug).first()


def entry_get(*, entry_id: int) -> Entry | None:
    return (
        Entry.objects.prefetch_related("senses", "topics").filter(pk=entry_id).first()
    )
