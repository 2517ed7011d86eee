"""Spelling: see (and hear, when there is a recording) a word's meaning, type
the word. Feedback names the letter that lacks its breve, hook, circumflex or
stroke instead of saying "wrong": in Ê Đê a missing breve makes another word,
so the learner needs to know exactly which mark is missing."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from xblock.fields import Scope, String

from content_authoring.blocks.shortanswer import answer_key, typed_text
from dictionary.blocks.graded import GradedBlock
from dictionary.models import Entry
from lms.text import canonical

BREVE, CIRCUMFLEX, HORN = "\u0306", "\u0302", "\u031b"
CARON, TILDE = "\u030c", "\u0303"
# Letters with a stroke do not decompose: the plain letter each is typed as.
_STROKED = {"ƀ": "b", "đ": "d"}


@dataclass(frozen=True)
class Mistake:
    """One letter typed without (or with) a mark: where, and what it should be."""

    kind: str  # breve, hook, circumflex, circumflex_breve, hook_breve, letter
    word: int  # 1-based word of the answer
    letter: int  # 1-based letter in that word
    expected: str  # the letter as it should be (NFC)
    typed: str

    def message(self, *, words: int) -> str:
        values = {
            "ordinal": _ordinal(self.letter),
            "letter": self.expected,
            "typed": self.typed,
        }
        if self.kind == "breve":
            text = _("The %(ordinal)s letter needs a breve: %(letter)s.") % values
        elif self.kind == "hook":
            text = _("The %(ordinal)s letter needs a hook: %(letter)s.") % values
        elif self.kind == "circumflex":
            text = _("The %(ordinal)s letter needs a circumflex: %(letter)s.") % values
        elif self.kind == "circumflex_breve":
            text = (
                _("The %(ordinal)s letter needs a circumflex and a breve: %(letter)s.")
                % values
            )
        elif self.kind == "hook_breve":
            text = (
                _("The %(ordinal)s letter needs a hook and a breve: %(letter)s.")
                % values
            )
        else:
            text = _("The %(ordinal)s letter is %(letter)s, not %(typed)s.") % values
        if words > 1:
            text = _("Word %(word)s: %(message)s") % {
                "word": self.word,
                "message": text,
            }
        return text


def _ordinal(n: int) -> str:
    """ "2nd" in English; Vietnamese keeps the number ("thứ 2" is in the
    sentence around it)."""
    if 10 <= n % 100 <= 20 or n % 10 not in (1, 2, 3):
        text = _("%(n)sth")
    elif n % 10 == 1:
        text = _("%(n)sst")
    elif n % 10 == 2:
        text = _("%(n)snd")
    else:
        text = _("%(n)srd")
    return text % {"n": n}


def _letters(text: str) -> list[list[str]]:
    """Words of ``text`` as lists of letters (each a base and its marks, NFD),
    lower case, in canonical mark order."""
    decomposed = unicodedata.normalize("NFD", canonical(text).casefold())
    words = []
    for word in decomposed.split():
        letters: list[str] = []
        for char in word:
            if unicodedata.combining(char) and letters:
                letters[-1] += char
            else:
                letters.append(char)
        words.append(letters)
    return words


def _kind(expected: str, typed: str) -> str:
    base_e, marks_e = expected[0], set(expected[1:])
    base_t, marks_t = typed[0], set(typed[1:])
    if base_e != base_t or marks_t - marks_e:
        return "letter"  # ƀ/b, đ/d, or a mark too many or of another kind
    missing = marks_e - marks_t
    return {
        frozenset({BREVE}): "breve",
        frozenset({HORN}): "hook",
        frozenset({CIRCUMFLEX}): "circumflex",
        frozenset({CIRCUMFLEX, BREVE}): "circumflex_breve",
        frozenset({HORN, BREVE}): "hook_breve",
    }.get(frozenset(missing), "letter")  # č/c, ñ/n and the rest: name the letter


def spelling_mistakes(typed: str, expected: str) -> list[Mistake] | None:
    """The letters of ``typed`` whose marks differ from ``expected``'s; an empty
    list when it is right; None when it is not the same letters at all."""
    got, want = _letters(typed), _letters(expected)

    def plain(letter: str) -> str:
        return _STROKED.get(letter[0], letter[0])

    if [len(w) for w in got] != [len(w) for w in want] or any(
        plain(a) != plain(b)
        for gw, ww in zip(got, want, strict=True)
        for a, b in zip(gw, ww, strict=True)
    ):
        return None
    mistakes = []
    for w, (gw, ww) in enumerate(zip(got, want, strict=True), start=1):
        for n, (a, b) in enumerate(zip(gw, ww, strict=True), start=1):
            if a != b:
                mistakes.append(
                    Mistake(
                        kind=_kind(b, a),
                        word=w,
                        letter=n,
                        expected=unicodedata.normalize("NFC", b),
                        typed=unicodedata.normalize("NFC", a),
                    )
                )
    return mistakes


def spelling_hints(typed: str, expected: str) -> list[str]:
    """What to tell a learner who typed ``typed`` for ``expected`` ([] = right)."""
    if answer_key(typed) == answer_key(expected):
        return []
    mistakes = spelling_mistakes(typed, expected)
    if not mistakes:  # None, or differences only a comparison key ignores
        return [_("Not this word: listen again and check the letters.")]
    words = len(_letters(expected))
    return [m.message(words=words) for m in mistakes[:3]]


class SpellingBlock(GradedBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Spelling"),
    )

    template = "dictionary/blocks/spelling.html"

    def too_few_message(self) -> str:
        return _("Spelling needs at least 1 entry.")

    def _right(self, entry: Entry, typed: str) -> bool:
        accepted = [entry.headword, *(entry.variants or [])]
        return any(answer_key(typed) == answer_key(str(a)) for a in accepted)

    def rows(self, entries: list[Entry], answer: dict | None) -> list[dict]:
        rows = []
        for number, entry in enumerate(entries, start=1):
            typed = (answer or {}).get(str(entry.pk))
            right = None if answer is None else self._right(entry, typed or "")
            rows.append(
                {
                    "number": number,
                    "word": self.word(entry, private_media=True),
                    "typed": typed or "",
                    "right": right,
                    "hints": (
                        spelling_hints(typed, entry.headword)
                        if typed and right is False
                        else []
                    ),
                }
            )
        return rows

    def parse(self, data: dict, entries: list[Entry]) -> dict:
        raw = data.get("words", data.get("word"))
        if isinstance(raw, str) and len(entries) == 1:
            raw = [raw]
        if not isinstance(raw, list):
            raise ValidationError(
                _("The answer must be a list with one typed word per meaning."),
                code="invalid",
            )
        if len(raw) != len(entries):
            raise ValidationError(
                _("Expected %(count)s words, one per meaning; got %(got)s.")
                % {"count": len(entries), "got": len(raw)},
                code="wrong_count",
            )
        answer = {}
        for entry, value in zip(entries, raw, strict=True):
            text = typed_text(value, label=_("A typed word"))
            if text:
                answer[str(entry.pk)] = text
        if not answer:
            raise ValidationError(_("Type at least one word."), code="empty")
        return answer

    def marks(self, entries: list[Entry], answer: dict) -> dict[int, bool]:
        return {e.pk: self._right(e, str(answer.get(str(e.pk), ""))) for e in entries}
