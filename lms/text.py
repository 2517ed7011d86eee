"""Text normalisation shared by every app.

Stored text is NFC. Ê Đê, M'nông and J'rai add four letters with no
precomposed form (ê̆ ô̆ ơ̆ ư̆: base letter + U+0306). Typing the breve before the
circumflex gives a different string that looks the same (ĕ + U+0302), so
``canonical`` reorders those marks. ``fold`` drops every mark for search.
"""

from __future__ import annotations

import re
import unicodedata

_BREVE = "\u0306"
_CIRCUMFLEX = "\u0302"
_HORN = "\u031b"
# After NFD, a breve typed before the circumflex/horn sits first; the orthography
# writes the circumflex (or horn) letter and then the breve.
_MISORDERED = re.compile(f"([eEoOuU]){_BREVE}([{_CIRCUMFLEX}{_HORN}])")


def canonical(text: str) -> str:
    """NFC with the ethnic-orthography breve placed after the circumflex/horn."""
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _MISORDERED.sub(lambda m: m.group(1) + m.group(2) + _BREVE, decomposed)
    return unicodedata.normalize("NFC", decomposed)


_STROKED = str.maketrans({"đ": "d", "ƀ": "b", "ɓ": "b", "ɗ": "d"})


def fold(text: str) -> str:
    """Lower case without diacritics: "Tiếng Êđê" -> "tieng ede"."""
    # Letters with a stroke or hook do not decompose: map them by hand, after
    # case folding (Ƀ U+0243 folds to ƀ U+0180; ɓ ɗ are the IPA letters older
    # sources write for ƀ đ).
    lowered = unicodedata.normalize("NFD", text).casefold()
    lowered = lowered.translate(_STROKED)
    stripped = "".join(c for c in lowered if not unicodedata.combining(c))
    return " ".join(stripped.split())


def search_document(*parts: str) -> str:
    """Folded text plus a space-free copy, so "ede" finds "Ê Đê" and "Êđê"."""
    folded = fold(" ".join(p for p in parts if p))
    return f"{folded} | {folded.replace(' ', '')}"


def search_terms(query: str) -> list[str]:
    """The folded words of a query (each must appear in the document)."""
    return fold(query).split()
