"""Dictionary search latency over 50,000 generated entries.

Builds a throw-away database (SQLite in a temporary folder by default; the
database of ``DATABASE_URL`` when set, under a temporary name it drops at the
end), fills it with generated Ê Đê-like entries through bulk inserts (their
search text and sort key made by the same functions the services use), then
times ``dictionary.selectors.dictionary_search`` (what the search page runs:
exact and prefix matches, then "did you mean" when they are few) for queries
people type: whole words without marks, prefixes, Vietnamese and English
glosses, and words that match nothing; and, as the fuzzy figures, misspelt
headwords: a wrong vowel, a missing letter, an extra letter.

    .venv/bin/python bench/dictionary_search.py [--entries 50000] [--queries 400]

Prints a table and one ``RESULT`` line for the database in use
(``p50_ms``/``p99_ms`` over the exact kinds, ``fuzzy_p50_ms``/``fuzzy_p99_ms``
over the misspellings, with how many of those found the word). Figures, not
assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONSETS = ["", "b", "ƀ", "č", "d", "đ", "g", "h", "j", "k", "kr", "l", "m", "mn"]
ONSETS += ["n", "ñ", "p", "r", "s", "t", "hr", "kl", "ml", "y", "w"]
VOWELS = ["a", "ă", "â", "e", "ĕ", "ê", "ê̆", "i", "ĭ", "o", "ŏ", "ô", "ô̆", "ơ"]
VOWELS += ["ơ̆", "u", "ŭ", "ư", "ư̆", "ia", "ua", "uê"]
CODAS = ["", "k", "m", "n", "ng", "p", "t", "ñ", "h"]
GLOSS_VI = ["nhà", "nước", "lúa", "rẫy", "cà phê", "con trâu", "mẹ", "cha", "đi"]
GLOSS_VI += ["ăn", "uống", "học", "làng", "rừng", "sông", "núi", "mưa", "nắng"]
GLOSS_EN = ["house", "water", "rice", "field", "coffee", "buffalo", "mother"]
GLOSS_EN += ["father", "go", "eat", "drink", "learn", "village", "forest", "river"]


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
        for _ in range(rng.choice((1, 1, 2, 2, 3)))
    )


def _setup_database(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.local"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    if not url:
        os.environ["SQLITE_PATH"] = str(tmp / "db.sqlite3")
        return "sqlite"
    import psycopg

    name = f"bench_dictionary_{os.getpid()}"
    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    return "postgresql"


def _drop_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _typo(word: str, rng: random.Random) -> str:
    """The folded word with one slip: a wrong vowel, a letter missing, or a
    letter doubled."""
    letters = list(word)
    vowels = [i for i, c in enumerate(letters) if c in "aeiou"]
    slip = rng.choice(("vowel", "missing", "extra"))
    if slip == "vowel" and vowels:
        i = rng.choice(vowels)
        letters[i] = rng.choice([v for v in "aeiou" if v != letters[i]])
    elif slip == "missing" and len(letters) > 4:
        del letters[rng.randrange(1, len(letters))]
    else:
        i = rng.randrange(len(letters))
        letters.insert(i, letters[i])
    return "".join(letters)


def _fill(count: int, rng: random.Random) -> list[str]:
    from dictionary.alphabet import sort_key
    from dictionary.models import Entry, Sense
    from lms.text import canonical, fold

    headwords = []
    batch_entries = []
    for n in range(count):
        headword = canonical(_word(rng))
        gloss_vi, gloss_en = rng.choice(GLOSS_VI), rng.choice(GLOSS_EN)
        headwords.append(headword)
        language = rng.choice(("rad", "rad", "jra", "mnn"))
        batch_entries.append(
            Entry(
                language=language,
                headword=headword,
                sort_key=sort_key(language, headword),
                source="bench",
                source_id=str(n),
                search_text=" | ".join(fold(w) for w in (headword, gloss_vi, gloss_en)),
            )
        )
    created = Entry.objects.bulk_create(batch_entries, batch_size=2000)
    senses = []
    for entry in created:
        words = entry.search_text.split(" | ")
        senses.append(
            Sense(entry=entry, position=1, gloss_vi=words[1], gloss_en=words[2])
        )
    Sense.objects.bulk_create(senses, batch_size=2000)
    return headwords


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(prefix="bench-dictionary-") as tmp:
        vendor = _setup_database(Path(tmp))
        import django

        django.setup()
        from django.core.management import call_command

        try:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            headwords = _fill(args.entries, rng)
            fill_s = time.perf_counter() - started
            from dictionary.selectors import dictionary_search
            from lms.text import fold

            kinds = {
                "whole word, no marks": lambda: fold(rng.choice(headwords)),
                "prefix (3 letters)": lambda: fold(rng.choice(headwords))[:3],
                "Vietnamese gloss": lambda: rng.choice(GLOSS_VI),
                "English gloss": lambda: rng.choice(GLOSS_EN),
                "no match": lambda: "zzqx" + str(rng.randrange(1000)),
            }
            timings: dict[str, list[float]] = {k: [] for k in kinds}
            for _ in range(10):  # warm the caches
                dictionary_search(query=fold(rng.choice(headwords)))
            for i in range(args.queries):
                kind = list(kinds)[i % len(kinds)]
                query = kinds[kind]()
                t0 = time.perf_counter()
                dictionary_search(query=query)
                timings[kind].append((time.perf_counter() - t0) * 1000)
            fuzzy: list[float] = []
            found = tried = 0
            for _ in range(args.queries):
                word = fold(rng.choice(headwords))
                if len(word) < 5:  # short words have too many neighbours
                    continue
                typo = _typo(word, rng)
                t0 = time.perf_counter()
                results = dictionary_search(query=typo)
                fuzzy.append((time.perf_counter() - t0) * 1000)
                tried += 1
                shown = results.by_headword + results.suggestions
                found += any(fold(e.headword) == word for e in shown)
        finally:
            _drop_database()
    every = sorted(t for ts in timings.values() for t in ts)

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    print(
        f"{args.entries} entries on {vendor} (filled in {fill_s:.1f} s), "
        f"{args.queries} queries, 30 results at most, in-process"
    )
    print(f"{'query':28} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, values in timings.items():
        print(f"{kind:28} {statistics.median(values):8.1f} {pct(values, 99):8.1f}")
    print(f"{'misspelt word (fuzzy)':28} {statistics.median(fuzzy):8.1f} ", end="")
    print(f"{pct(fuzzy, 99):8.1f}  found {found}/{tried}")
    print(
        f"RESULT database={vendor} entries={args.entries} "
        f"p50_ms={statistics.median(every):.1f} p99_ms={pct(every, 99):.1f} "
        f"fuzzy_p50_ms={statistics.median(fuzzy):.1f} "
        f"fuzzy_p99_ms={pct(fuzzy, 99):.1f} fuzzy_found={found}/{tried}"
    )


if __name__ == "__main__":
    main()
