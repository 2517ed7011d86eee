"""Reading dictionary files: LIFT (SIL FieldWorks XML) and CSV/TSV tables.

Pure functions, no database: they turn bytes into ``Parsed`` (the entries as
``EntryData``, each with its position, the quirks fixed on the way
(``warnings``) and what blocks the import (``problems``), plus file-level
``errors`` when the file is refused as a whole). ``dictionary.imports`` shows
the result as a preview and commits it.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import unicodedata
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.utils.translation import gettext as _

from dictionary.models import Language
from dictionary.services import EntryData, SenseData
from lms.text import canonical

MAX_ENTRIES = 50_000
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_BREVE = "\u0306"
_CARON = "\u030c"


@dataclass
class ParsedEntry:
    position: int  # 1-based: entry number in a LIFT file, line in a table
    data: EntryData
    topics: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # quirks fixed
    problems: list[str] = field(default_factory=list)  # block the import


@dataclass
class Parsed:
    language: str
    source: str
    entries: list[ParsedEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the file is refused
    warnings: list[str] = field(default_factory=list)  # file-level notes

    @property
    def warning_count(self) -> int:
        return sum(len(e.warnings) for e in self.entries) + len(self.warnings)

    @property
    def problem_count(self) -> int:
        return sum(len(e.problems) for e in self.entries)

    @property
    def can_commit(self) -> bool:
        return not self.errors and not self.problem_count and bool(self.entries)


# --- the legacy 8-bit typing convention -------------------------------------

# Ê Đê and J'rai text typed with Vietnamese 8-bit keyboards before Unicode put
# the letters Vietnamese lacks on bracket keys. ``{`` and ``}`` (the shifted
# ``[`` and ``]`` keys) for the capitals Ƀ and Č are an assumption: the
# convention's lower-case forms are attested, its capitals are not confirmed.
_LEGACY = str.maketrans(
    {
        "[": "\u0180",  # ƀ
        "]": "\u010d",  # č
        "`": "\u00f1",  # ñ
        "^": "\u012d",  # ĭ
        "{": "\u0243",  # Ƀ (assumed: shifted key)
        "}": "\u010c",  # Č (assumed: shifted key)
    }
)
# A backslash after a vowel (with whatever marks it already has) is a breve.
_LEGACY_BREVE = re.compile(r"([aeiouAEIOU][\u0300-\u036f]*)\\")


def legacy_to_unicode(text: str) -> str:
    """``[`` ƀ, ``]`` č, ``` ` ``` ñ, ``^`` ĭ, vowel + ``\\`` → vowel with a
    breve (ă, ŏ, ơ̆, ê̆...), ``{`` Ƀ, ``}`` Č; the result is canonical."""
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _LEGACY_BREVE.sub(lambda m: m.group(1) + _BREVE, decomposed)
    return canonical(decomposed.translate(_LEGACY))


# --- quirks of real word lists -----------------------------------------------

_IPA_STOPS = str.maketrans({"ɓ": "ƀ", "ɗ": "đ", "Ɓ": "Ƀ", "Ɗ": "Đ"})
_SPACE_BEFORE_MARK = re.compile(r"[ \u00a0]+([\u0300-\u036f])")
_CARON_ON_VOWEL = re.compile(f"([aeiouAEIOU]){_CARON}")
_GLOTTAL_STOP = re.compile(r"ʔ([bBdD])")
_GLOTTAL_STOPS = {"b": "ƀ", "B": "Ƀ", "d": "đ", "D": "Đ"}
_GLOTTAL_ONSET = re.compile(r"(?:(?<=^)|(?<=[\s(]))ʔ(?=[aeiouyAEIOUYăâêôơưĂÂÊÔƠƯ])")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);")


def fix_form(text: str) -> tuple[str, list[str]]:
    """A form in the ethnic language, with the quirks of real lists fixed;
    returns (text, notes on what was fixed)."""
    notes: list[str] = []
    if _SPACE_BEFORE_MARK.search(text):
        text = _SPACE_BEFORE_MARK.sub(r"\1", text)
        notes.append(_("A space before a combining mark was removed."))
    text = " ".join(text.split())
    fixed = _GLOTTAL_STOP.sub(lambda m: _GLOTTAL_STOPS[m.group(1)], text)
    if fixed != text:
        # J'rai lists write the preglottalised stops as a glottal stop and
        # b/d; the orthographies write ƀ đ.
        notes.append(_("ʔb and ʔd were replaced by ƀ and đ."))
        text = fixed
    fixed = _GLOTTAL_ONSET.sub("", text)
    if fixed != text:
        # Every vowel-initial word starts with a glottal onset; the
        # orthographies do not write it.
        notes.append(_("The glottal stop ʔ before a first vowel was removed."))
        text = fixed
    fixed = text.translate(_IPA_STOPS)
    if fixed != text:
        # All four languages write the preglottalised stops ƀ đ; older
        # sources use the IPA letters.
        notes.append(_("The IPA letters ɓ ɗ were replaced by ƀ đ."))
        text = fixed
    decomposed = unicodedata.normalize("NFD", text)
    caron = bool(_CARON_ON_VOWEL.search(decomposed))
    if caron:
        # The orthographies put a caron only on č; ǎ is a mistyped ă.
        text = _CARON_ON_VOWEL.sub(r"\1" + _BREVE, decomposed)
        notes.append(_("A caron on a vowel (ǎ) was replaced by a breve (ă)."))
    if "ʔ" in text:
        notes.append(_("The IPA glottal stop ʔ was kept as written."))
    fixed = canonical(text)
    if fixed != text and not caron:
        notes.append(_("The text was normalised (NFC and mark order)."))
    return fixed, notes


def fix_text(text: str) -> tuple[str, list[str]]:
    """A gloss or note: escaped entities undone and canonical text."""
    notes: list[str] = []
    if _ENTITY.search(text):
        text = html.unescape(text)
        notes.append(_("An escaped HTML entity (&quot;) was decoded."))
    return canonical(" ".join(text.split())), notes


# --- reading bytes -------------------------------------------------------------


def _max_bytes() -> int:
    return int(getattr(settings, "DICTIONARY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _check_size(data: bytes) -> str | None:
    if not data.strip():
        return _("The file is empty.")
    limit = _max_bytes()
    if len(data) > limit:
        return _("The file is larger than %(limit)s bytes.") % {"limit": limit}
    return None


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, error): UTF-8 with or without a BOM, or UTF-16
    with a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            return None, _("The file is not valid UTF-16.")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, _(
            "The file is not UTF-8 (line %(line)s). Save it as UTF-8 and try again."
        ) % {"line": line}


def _check_language(language: str, source: str) -> str | None:
    if language not in Language.values:
        return _("Unknown language “%(language)s”.") % {"language": language}
    if not source.strip() or len(source) > 100:
        return _("Give the source of the list (at most 100 characters).")
    return None


def _source_id(raw: str) -> str:
    """An id of at most 100 characters (the model's limit)."""
    if len(raw) <= 100:
        return raw
    digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
    return f"{raw[:83]}~{digest}"


def _derived_id(headword: str, senses: list[SenseData]) -> str:
    """For lists without ids: the headword and the first gloss."""
    if not headword:
        return ""
    gloss = next(
        (s.gloss_vi or s.gloss_en for s in senses if s.gloss_vi or s.gloss_en), ""
    )
    return f"{headword}|{gloss}"


def _check_entry(entry: ParsedEntry, seen: dict[str, int]) -> None:
    data = entry.data
    if not data.headword:
        entry.problems.append(_("No headword."))
    elif len(data.headword) > 200:
        entry.problems.append(_("The headword is longer than 200 characters."))
    if not any(s.gloss_vi or s.gloss_en for s in data.senses):
        entry.problems.append(_("No gloss (Vietnamese or English)."))
    for s in data.senses:
        if len(s.gloss_vi) > 300 or len(s.gloss_en) > 300:
            entry.problems.append(_("A gloss is longer than 300 characters."))
    if len(data.part_of_speech) > 50:
        entry.problems.append(_("The part of speech is longer than 50 characters."))
    if data.source_id:
        first = seen.setdefault(data.source_id, entry.position)
        if first != entry.position:
            entry.problems.append(
                _("The same entry as at position %(position)s.") % {"position": first}
            )


# --- XML -----------------------------------------------------------------------------


def _DTD_REFUSED() -> str:  # noqa: N802 - a message, read like a constant
    return _("The file declares a DOCTYPE or entities, which are refused for safety.")


def _xml_parse(text: str) -> Element:
    parser = DefusedXMLParser(
        encoding="utf-8", forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    parser.feed(text.encode("utf-8"))
    return parser.close()


def _xml_root(text: str, parsed: Parsed, offset_line: int = 0) -> Element | None:
    """The parsed XML, or None with the reason added to ``parsed.errors``:
    DOCTYPEs and entities are refused (no entity expansion, no external
    files)."""
    try:
        return _xml_parse(text)
    except DefusedXmlException:
        parsed.errors.append(_DTD_REFUSED())
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        parsed.errors.append(
            _("The file is not well-formed XML (line %(line)s, column %(column)s).")
            % {"line": line + offset_line, "column": column + 1}
        )
    return None


# --- LIFT ----------------------------------------------------------------------


def _texts(element: Element | None, path: str) -> dict[str, str]:
    """{lang: text} of the <form lang><text> children under ``path``."""
    found: dict[str, str] = {}
    if element is None:
        return found
    for form in element.findall(path):
        text = form.find("text")
        value = "".join(text.itertext()) if text is not None else ""
        lang = form.get("lang", "")
        if value.strip() and lang not in found:
            found[lang] = value
    return found


def _pick(forms: dict[str, str], language: str) -> str:
    if language in forms:
        return forms[language]
    return next(iter(forms.values()), "")


def _opened(data: bytes, *, language: str, source: str) -> tuple[Parsed, str | None]:
    """A fresh result and the file's text, or None with the reason (unknown
    language, no source, too large, undecodable) in the result's errors."""
    parsed = Parsed(language=language, source=source)
    error = _check_language(language, source) or _check_size(data)
    if error:
        parsed.errors.append(error)
        return parsed, None
    text, error = _decode(data)
    if text is None:
        parsed.errors.append(error or "")
    return parsed, text


def parse_lift(data: bytes, *, language: str, source: str) -> Parsed:
    """A LIFT 0.13 file: one entry per <entry>; the headword is the
    lexical-unit form in ``language`` (else the first form), variants the
    <variant> forms, part of speech <grammatical-info value>, per sense the
    glosses in ``vi`` and ``en``, the definition (or, failing one, the note),
    the first example and its translation; topics the semantic-domain traits.
    The source id is the entry's guid (else its id)."""
    parsed, text = _opened(data, language=language, source=source)
    if text is None:
        return parsed
    root = _xml_root(text, parsed)
    if root is None:
        if "<lift" not in text[:4096] and parsed.errors != [_DTD_REFUSED()]:
            parsed.errors = [
                _("This is not a LIFT file: it has no <lift> root element.")
            ]
        return parsed
    if root.tag != "lift":
        parsed.errors.append(
            _("This is not a LIFT file: its root element is <%(tag)s>, not <lift>.")
            % {"tag": root.tag}
        )
        return parsed
    elements = root.findall("entry")
    if len(elements) > MAX_ENTRIES:
        parsed.errors.append(
            _("The file has more than %(max)s entries.") % {"max": MAX_ENTRIES}
        )
        return parsed
    seen: dict[str, int] = {}
    for position, element in enumerate(elements, start=1):
        if element.get("dateDeleted"):
            continue
        warnings: list[str] = []

        def form(value: str, warnings: list[str] = warnings) -> str:
            fixed, notes = fix_form(value)
            warnings.extend(notes)
            return fixed

        def plain(value: str, warnings: list[str] = warnings) -> str:
            fixed, notes = fix_text(value)
            warnings.extend(notes)
            return fixed

        headword = form(_pick(_texts(element, "lexical-unit/form"), language))
        variants = [
            form(_pick(_texts(v, "form"), language)) for v in element.findall("variant")
        ]
        info = element.find("sense/grammatical-info")
        if info is None:
            info = element.find("grammatical-info")
        senses = []
        for sense in element.findall("sense"):
            glosses = _texts(sense, "gloss")
            definition = _pick(_texts(sense, "definition/form"), "en")
            if not definition:
                note = _pick(_texts(sense, "note/form"), "en")
                if note.strip() != glosses.get("en", "").strip():
                    definition = note
            example = sense.find("example")
            senses.append(
                SenseData(
                    gloss_vi=plain(glosses.get("vi", "")),
                    gloss_en=plain(glosses.get("en", "")),
                    definition=plain(definition),
                    example=form(_pick(_texts(example, "form"), language)),
                    example_translation=plain(
                        _pick(_texts(example, "translation/form"), "vi")
                    ),
                )
            )
        topics = [
            t.get("value", "").strip()
            for t in element.iter("trait")
            if t.get("name", "").startswith("semantic-domain") and t.get("value")
        ]
        entry = ParsedEntry(
            position=position,
            data=EntryData(
                language=language,
                headword=headword,
                variants=[v for v in variants if v],
                part_of_speech=(info.get("value", "") if info is not None else ""),
                senses=senses,
                source=source,
                source_id=_source_id(
                    element.get("guid")
                    or element.get("id")
                    or _derived_id(headword, senses)
                ),
            ),
            topics=topics,
            warnings=list(dict.fromkeys(warnings)),
        )
        _check_entry(entry, seen)
        parsed.entries.append(entry)
    if not parsed.entries:
        parsed.errors.append(_("The file has no entries."))
    return parsed


# --- ABVD XML ----------------------------------------------------------------------

# The Austronesian Basic Vocabulary Database exports a language as a sequence
# of <record> elements with no single root: the first names the language
# (<language>, <silcode>), one holds its place (<latitude>), each of the others
# is one form (<item>) of one concept (<word>, numbered <word_id>) with an
# <annotation>, a loanword flag (<loan>) and cognate sets.

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ABVD_ROOT = re.compile(r"^\s*<record[\s>]")
# An annotation that names where the form is said: "Western Jarai",
# "Pleiku dialect", optionally followed by ": meaning".
_DIALECT = re.compile(
    r"^(?P<dialect>(?:Western|Eastern|Northern|Southern|Central) [A-Z][\w'’]+"
    r"|[A-Z][\w'’]+ dialect)(?::\s*(?P<rest>.*))?$"
)
_OPTIONAL = re.compile(r"^\(([^()]+)\)\s*(.+)$")


def is_abvd(data: bytes) -> bool:
    """An ABVD export: its first element is <record> (LIFT's is <lift>)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return bool(_ABVD_ROOT.match(_XML_DECLARATION.sub("", head)))


def _abvd_fields(record: Element) -> dict[str, str]:
    return {child.tag: "".join(child.itertext()) for child in record}


def parse_abvd(data: bytes, *, language: str, source: str) -> Parsed:
    """An ABVD language export (raw/<id>.xml of lexibank/abvd). One entry per
    form: the headword is the <item> with the quirks of real lists fixed, the
    English gloss the concept (<word>); an annotation naming a dialect
    ("Western Jarai", "Pleiku dialect") fills the dialect, any other becomes
    the definition unless it repeats the gloss; "(mă) dŏp" gives the headword
    "dŏp" and the variant "mă dŏp". A record repeating an earlier form of the
    same concept is left out. The source id is the record's <id>. The list's
    own language code (<silcode>) must be the language chosen."""
    parsed, text = _opened(data, language=language, source=source)
    if text is None:
        return parsed
    body = _XML_DECLARATION.sub("", text, count=1)
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        parsed.errors.append(_DTD_REFUSED())
        return parsed
    root = _xml_root(f"<abvd>{body}</abvd>", parsed, offset_line=0)
    if root is None:
        return parsed
    records = [_abvd_fields(r) for r in root if r.tag == "record"]
    if len(records) > MAX_ENTRIES + 2:
        parsed.errors.append(
            _("The file has more than %(max)s entries.") % {"max": MAX_ENTRIES}
        )
        return parsed
    header = next((r for r in records if "language" in r and "item" not in r), {})
    silcode = header.get("silcode", "").strip()
    if silcode and silcode != language:
        parsed.errors.append(
            _(
                "This is the ABVD list of %(name)s (language code %(code)s), "
                "not of the language chosen (%(chosen)s)."
            )
            % {"name": header.get("language", "?"), "code": silcode, "chosen": language}
        )
        return parsed
    seen: dict[str, int] = {}
    forms: dict[tuple[str, str], str] = {}
    position = 0
    for record in records:
        if "item" not in record:
            continue
        position += 1
        warnings: list[str] = []
        raw = record.get("item", "")
        record_id = record.get("id", "").strip()
        concept = record.get("word_id", "").strip()
        key = (concept, " ".join(raw.split()))
        if key[1] and key in forms:
            parsed.warnings.append(
                _(
                    "Record %(id)s repeats record %(first)s (“%(form)s”, "
                    "“%(gloss)s”): it was left out."
                )
                % {
                    "id": record_id,
                    "first": forms[key],
                    "form": key[1],
                    "gloss": record.get("word", ""),
                }
            )
            continue
        forms[key] = record_id
        variants: list[str] = []
        optional = _OPTIONAL.match(raw.strip())
        if optional:
            full = f"{optional.group(1).strip()} {optional.group(2).strip()}"
            raw = optional.group(2)
            warnings.append(
                _(
                    "The optional part in parentheses was left out of the "
                    "headword; the full form is a variant."
                )
            )
            fixed_full, notes = fix_form(full)
            warnings.extend(notes)
            variants.append(fixed_full)
        headword, notes = fix_form(raw)
        warnings.extend(notes)
        gloss, notes = fix_text(record.get("word", ""))
        warnings.extend(notes)
        annotation, notes = fix_text(record.get("annotation", ""))
        warnings.extend(notes)
        dialect = ""
        found = _DIALECT.match(annotation)
        if found:
            dialect = found.group("dialect").removesuffix(" dialect")
            annotation = (found.group("rest") or "").strip()
            warnings.append(
                _("The annotation “%(note)s” was recorded as the dialect.")
                % {"note": found.group("dialect")}
            )
        if annotation.casefold() == gloss.casefold():
            annotation = ""
        senses = [SenseData(gloss_en=gloss, definition=annotation)]
        entry = ParsedEntry(
            position=position,
            data=EntryData(
                language=language,
                headword=headword,
                variants=variants,
                dialect=dialect,
                senses=senses,
                source=source,
                source_id=_source_id(record_id or _derived_id(headword, senses)),
            ),
            warnings=list(dict.fromkeys(warnings)),
        )
        _check_entry(entry, seen)
        parsed.entries.append(entry)
    if not parsed.entries:
        parsed.errors.append(_("The file has no entries."))
    return parsed


# --- CSV / TSV -----------------------------------------------------------------

# Column names accepted for each field (lower case, spaces as underscores).
COLUMNS = {
    "headword": ("headword", "lexeme", "word", "form"),
    "variants": ("variants", "variant"),
    "part_of_speech": ("part_of_speech", "pos"),
    "gloss_vi": ("gloss_vi", "vi", "vietnamese"),
    "gloss_en": ("gloss_en", "en", "english", "gloss"),
    "definition": ("definition",),
    "example": ("example",),
    "example_translation": ("example_translation",),
    "topics": ("topics", "topic"),
    "level": ("level",),
    "id": ("id", "source_id"),
}
_ALIASES = {name: key for key, names in COLUMNS.items() for name in names}


def parse_table(
    data: bytes, *, language: str, source: str, legacy: bool = False
) -> Parsed:
    """A CSV (comma) or TSV (tab) table, detected from the header line, UTF-8
    with or without a BOM. One entry per row, one sense each. Columns (header
    names, any case; aliases in ``COLUMNS``): ``headword`` (required),
    ``variants`` (separated by ;), ``part_of_speech``, ``gloss_vi`` and/or
    ``gloss_en`` (at least one column), ``definition``, ``example``,
    ``example_translation``, ``topics`` (topic slugs separated by ; or ,),
    ``level`` (a whole number, default 1), ``id`` (the entry's id in the source;
    without it the id is the headword and the first gloss). ``legacy`` converts
    the headword, variants and example from the 8-bit typing convention."""
    parsed, text = _opened(data, language=language, source=source)
    if text is None:
        return parsed
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        parsed.errors.append(_("The file has no header line."))
        return parsed
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _ALIASES.get(re.sub(r"[\s-]+", "_", name.strip().lower()))
        if key is None:
            if name.strip():
                parsed.warnings.append(
                    _("The column “%(name)s” is not known and was ignored.")
                    % {"name": name.strip()}
                )
        elif key not in columns:
            columns[key] = index
    if "headword" not in columns:
        parsed.errors.append(_("The table has no “headword” column."))
    if "gloss_vi" not in columns and "gloss_en" not in columns:
        parsed.errors.append(_("The table has no “gloss_vi” or “gloss_en” column."))
    if parsed.errors:
        return parsed
    seen: dict[str, int] = {}
    line = reader.line_num
    try:
        for row in reader:
            position, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(parsed.entries) >= MAX_ENTRIES:
                parsed.errors.append(
                    _("The file has more than %(max)s entries.") % {"max": MAX_ENTRIES}
                )
                parsed.entries = []
                return parsed
            parsed.entries.append(_row(row, columns, position, parsed, legacy, seen))
    except csv.Error as exc:
        parsed.errors.append(
            _("The table cannot be read at line %(line)s: %(error)s")
            % {"line": reader.line_num, "error": exc}
        )
        parsed.entries = []
        return parsed
    if not parsed.entries:
        parsed.errors.append(_("The file has no entries."))
    return parsed


def _row(
    row: list[str],
    columns: dict[str, int],
    position: int,
    parsed: Parsed,
    legacy: bool,
    seen: dict[str, int],
) -> ParsedEntry:
    def cell(key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    warnings: list[str] = []
    problems: list[str] = []

    def form(value: str) -> str:
        if legacy:
            value = legacy_to_unicode(value)
        fixed, notes = fix_form(value)
        warnings.extend(notes)
        return fixed

    def plain(value: str) -> str:
        fixed, notes = fix_text(value)
        warnings.extend(notes)
        return fixed

    headword = form(cell("headword"))
    sense = SenseData(
        gloss_vi=plain(cell("gloss_vi")),
        gloss_en=plain(cell("gloss_en")),
        definition=plain(cell("definition")),
        example=form(cell("example")),
        example_translation=plain(cell("example_translation")),
    )
    level = 1
    if cell("level"):
        try:
            level = int(cell("level"))
            if not 1 <= level <= 32767:
                raise ValueError
        except ValueError:
            problems.append(_("The level must be a whole number from 1."))
    source_id = cell("id") or _derived_id(headword, [sense])
    entry = ParsedEntry(
        position=position,
        data=EntryData(
            language=parsed.language,
            headword=headword,
            variants=[form(v) for v in cell("variants").split(";") if v.strip()],
            part_of_speech=cell("part_of_speech"),
            level=level,
            senses=[sense],
            source=parsed.source,
            source_id=_source_id(source_id) if source_id else "",
        ),
        topics=[t.strip() for t in re.split(r"[;,]", cell("topics")) if t.strip()],
        warnings=list(dict.fromkeys(warnings)),
        problems=problems,
    )
    _check_entry(entry, seen)
    return entry
