"""Alphabetical order of each language's headwords.

``sort_key(language, text)`` gives a string that sorts in the language's
order under a plain binary comparison (so the database can ORDER BY it).
"""

from __future__ import annotations

from lms.text import canonical, fold


def sort_key(language: str, text: str) -> str:
    """Provisional: the folded text."""
    return fold(canonical(text))[:400]
