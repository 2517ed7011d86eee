"""Alphabetical order of each language's headwords.

``sort_key(language, text)`` gives a string of ``[0-9a-z]`` only, two
characters per letter, that sorts in the language's order under any
collation (so the database can ORDER BY it: PostgreSQL's en_US collation
ignores punctuation, but it orders ASCII lower-case alphanumerics exactly as
the C collation does). ``letters(language)`` lists the alphabet, for browsing.

Letters written with a breve (ă ĕ ê̆ ĭ ŏ ô̆ ơ̆ ŭ ư̆), ƀ, č and ñ are letters of
their own, each right after its base letter as the sources list them. ê̆ ô̆ ơ̆
ư̆ have no precomposed form: they are matched as base letter + marks after
``lms.text.canonical`` has put the marks in order.

Sources (public pages, read 2026-11):

- Ê Đê (``rad``): 38 letters. The order a ă â b ƀ č d đ e ĕ ê ê̆ g … is the
  numbered table of the Ê Đê–Vietnamese dictionary's lesson 3, "Cách đọc chữ
  Êđê" (https://ededic.thaiphong.net/bai-hoc/bai-03.php); the rest of the
  order (… ê ê̆ g h i ĭ j k l m n ñ o ŏ ô ô̆ ơ ơ̆ p r s t u …) is the table
  "Bảng chữ cái tiếng Êđê" of the lesson "Sơ lược về tiếng, chữ Êđê"
  (https://123doc.top/document/1297102-so-luoc-tieng-va-chu-e-de.htm, typed
  in the old 8-bit convention); the count (38) and the last letters (ŭ ư̆ w y)
  from "Bảng chữ cái của người Ê-Đê gồm 38 chữ cái"
  (https://tiengtaynguyen.blogspot.com/2018/01/bang-chu-cai-cua-nguoi-e-e-gom-38-chu.html).
  No government text with the table was found; these are teaching pages.
- J'rai (``jra``): 40 letters, with ``dj`` after ``j`` and ``ng`` after ``ñ``
  as letters, from the wiki "Language/Jarai/Pronunciation/Alphabet"
  (https://polyglotclub.com/wiki/Language/Jarai/Pronunciation/Alphabet),
  which lists "Uu" twice: read as one ``u``. No Vietnamese government source
  found.
- M'nông (``mnn`` and ``cmo``): the 38 letters of "Giới thiệu bảng chữ cái
  tiếng M'nông (Bunong)"
  (https://isonshare.blogspot.com/2018/05/bai-1-on-tap-ngu-am-trong-tieng-mnong.html):
  ``c/ch`` is one letter (``c`` sorts just before ``ch``), ``dj`` follows
  ``đ``. That
  page lists the combinations kh ng nh ph th tr after the letters, not as
  letters: they sort as their letters here. The page does not say which
  variety it writes (its examples are Bunong, Central M'nông); no separate
  source for Southern/Eastern M'nông was found, so both codes use it.
- Any other language code: the Vietnamese alphabet (29 letters), the closest
  documented order.

Letters outside the alphabet sort after the nearest letter before them in
Latin order (``f`` after ``ê̆`` in Ê Đê); tone marks and other marks not part
of a letter, case, and punctuation only break ties, in that order.
"""

from __future__ import annotations

import unicodedata

from lms.text import canonical


def _split(letters: str) -> list[str]:
    return [unicodedata.normalize("NFC", letter) for letter in letters.split()]


EDE = _split(
    "a ă â b ƀ č d đ e ĕ ê ê̆ g h i ĭ j k l m n ñ o ŏ ô ô̆ ơ ơ̆ p r s t u ŭ ư ư̆ w y"
)
JRAI = _split(
    "a ă â b ƀ č d đ e ĕ ê ê̆ g h i ĭ j dj k l m n ñ ng o ŏ ô ô̆ ơ ơ̆ p r s t u ŭ ư ư̆ w y"
)
MNONG = _split(
    "a ă â b ƀ c/ch d đ dj e ĕ ê ê̆ g h i ĭ j k l m n o ŏ ô ô̆ ơ ơ̆ p r s t u ŭ ư ư̆ v y"
)
VIETNAMESE = _split("a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y")
ALPHABETS: dict[str, list[str]] = {
    "rad": EDE,
    "jra": JRAI,
    "mnn": MNONG,
    "cmo": MNONG,
}

MAX_LENGTH = 400
_PRIMARY_MAX = 300  # 150 letters; the rest of the key breaks ties
_WIDTH = 2
_BASE = 36
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_SPACE = 1  # a word boundary sorts before every letter: "ama" < "ama ih" < "amai"
_FIRST_DIGIT = 2  # 0-9 -> 2..11
_FIRST_LETTER = 20
_STEP = 16  # room after each letter for letters outside the alphabet
_OTHER = _BASE**_WIDTH - 2  # letters of other scripts, last
# IPA letters older sources write for ƀ and đ (the ABVD list does).
_IPA = str.maketrans({"ɓ": "ƀ", "ɗ": "đ", "Ɓ": "Ƀ", "Ɗ": "Đ"})


def _code(value: int) -> str:
    return _DIGITS[value // _BASE] + _DIGITS[value % _BASE]


class _Order:
    def __init__(self, letters: list[str]):
        self.letters = letters
        # "c/ch": one letter written two ways, c just before ch.
        self.values = {
            unicodedata.normalize("NFD", spelling): _FIRST_LETTER + n * _STEP + j
            for n, letter in enumerate(letters)
            for j, spelling in enumerate(letter.split("/"))
        }
        self.longest = max(len(k) for k in self.values)

    def outside(self, char: str) -> int:
        """The value of a letter outside the alphabet: just after the last
        alphabet letter whose base letter comes before it in Latin order."""
        base = unicodedata.normalize("NFD", char)[0]
        if not ("a" <= base <= "z"):
            return _OTHER
        value = _FIRST_LETTER - _STEP
        for key, letter_value in self.values.items():
            single = all(unicodedata.combining(c) for c in key[1:])  # not "dj"
            if single and key[0] <= base:
                value = max(value, letter_value)
        return value + _STEP // 2


_ORDERS = {code: _Order(letters) for code, letters in ALPHABETS.items()}
_VIETNAMESE = _Order(VIETNAMESE)


def _order(language: str) -> _Order:
    return _ORDERS.get(language, _VIETNAMESE)


def letters(language: str) -> list[str]:
    """The language's alphabet, lower case, in order ("c/ch" for a letter
    written two ways)."""
    return list(_order(language).letters)


def _tokens(order: _Order, text: str):
    """(value, original) for each letter, digit and space of ``text``, and
    (None, original) for what only breaks ties (marks, punctuation)."""
    text = unicodedata.normalize("NFD", canonical(text).translate(_IPA))
    lower = text.casefold()
    if len(lower) != len(text):  # casefold changed the length (ß): keep case out
        text = lower
    i = 0
    while i < len(lower):
        for size in range(min(order.longest, len(lower) - i), 0, -1):
            value = order.values.get(lower[i : i + size])
            if value is not None:
                yield value, text[i : i + size]
                i += size
                break
        else:
            char = lower[i]
            if char.isspace():
                yield _SPACE, " "
            elif char.isdigit() and char.isascii():
                yield _FIRST_DIGIT + int(char), char
            elif unicodedata.combining(char) or not char.isalnum():
                yield None, text[i]
            else:
                yield order.outside(char), text[i]
            i += 1


def sort_key(language: str, text: str) -> str:
    """The key of ``text`` in the language's alphabetical order: letters
    first, then (for equal letters) case, then the marks and punctuation
    that are not part of a letter. At most 400 characters of [0-9a-z]."""
    order = _order(language)
    primary: list[str] = []
    case: list[str] = []
    extra: list[str] = []
    previous_space = True
    for value, original in _tokens(order, text.strip()):
        if value is None:
            # Position and code point: "m'nông" and "mnông" differ, always
            # the same way.
            extra.append(_code(len(primary) % _BASE**_WIDTH))
            extra.append(_code(ord(original) % (_BASE**_WIDTH)))
            continue
        if value == _SPACE:
            if previous_space:
                continue
            previous_space = True
        else:
            previous_space = False
        primary.append(_code(value))
        case.append("1" if original != original.casefold() else "0")
    while primary and primary[-1] == _code(_SPACE):
        primary.pop()
        case.pop()
    key = "".join(primary)[:_PRIMARY_MAX] + "00" + "".join(case) + "".join(extra)
    return key[:MAX_LENGTH]


def letter_range(language: str, letter: str) -> tuple[str, str] | None:
    """The keys of the words that start with ``letter`` lie in [low, high):
    the letter's code up to the next letter's (letters outside the alphabet
    placed after it included). None for a letter not in the alphabet."""
    order = _order(language)
    letter = unicodedata.normalize("NFC", letter.casefold())
    if letter not in order.letters:
        return None
    value = _FIRST_LETTER + order.letters.index(letter) * _STEP
    return _code(value), _code(value + _STEP)
