"""Importing word lists: the real ABVD Ê Đê list (LIFT), the same forms
re-typed in the legacy 8-bit convention (TSV), hostile and broken files,
all-or-nothing commits and who may import."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from dictionary.importers import legacy_to_unicode, parse_lift, parse_table
from dictionary.imports import dictionary_import_commit, dictionary_import_preview
from dictionary.models import Entry, EntryRevision, Topic
from lms.models import Role, User
from lms.text import canonical
from tests import factories

SOURCE = "ABVD 741"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dictionary"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def editor(db) -> User:
    user = factories.make_user(Role.TRAINER)
    user.user_permissions.add(
        Permission.objects.get(
            codename="change_entry", content_type__app_label="dictionary"
        )
    )
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def lift_bytes(shared_fixtures) -> bytes:
    return (shared_fixtures / "dictionary" / "rade-abvd-741.lift").read_bytes()


def _preview(editor, data: bytes, filename: str = "list.csv", **kwargs):
    return dictionary_import_preview(
        actor=editor,
        data=data,
        filename=filename,
        language=kwargs.pop("language", "rad"),
        source=kwargs.pop("source", SOURCE),
        **kwargs,
    )


# --- the real list ---------------------------------------------------------------


def test_fixture_imports_with_its_quirks_fixed(editor, lift_bytes):
    parsed = _preview(editor, lift_bytes, "rade-abvd-741.lift")
    assert parsed.errors == []
    assert parsed.problem_count == 0
    assert len(parsed.entries) == 247
    notes = Counter(w for e in parsed.entries for w in e.warnings)
    assert notes["The IPA letters ɓ ɗ were replaced by ƀ đ."] == 15
    assert notes["A space before a combining mark was removed."] == 12
    assert notes["A caron on a vowel (ǎ) was replaced by a breve (ă)."] == 1
    # jơ ̆ng (entry 4) keeps its breve on the ơ, with no space.
    assert parsed.entries[3].data.headword == "jơ\u0306ng"
    assert parsed.entries[3].warnings

    result = dictionary_import_commit(actor=editor, parsed=parsed)
    assert (result.created, result.updated, result.unchanged) == (247, 0, 0)
    entries = list(Entry.objects.filter(language="rad", source=SOURCE))
    assert len(entries) == 247
    for entry in entries:
        assert entry.headword == canonical(entry.headword)
        assert not set("ɓɗƁƊ") & set(entry.headword)
        decomposed = unicodedata.normalize("NFD", entry.headword)
        assert not any(
            a.isspace() and unicodedata.combining(b)
            for a, b in zip(decomposed, decomposed[1:], strict=False)
        ), entry.headword
    assert Entry.objects.filter(headword="ƀơ\u0306ng").count() == 2
    assert Entry.objects.get(headword="leh anăn").senses.get().gloss_en == "and"
    assert (
        Entry.objects.get(headword="mnuih").senses.get().definition
        == 'Sanskrit "manusia"'
    )
    assert EntryRevision.objects.count() == 247


def test_reimporting_the_fixture_changes_nothing(editor, lift_bytes):
    first = _preview(editor, lift_bytes, "rade-abvd-741.lift")
    dictionary_import_commit(actor=editor, parsed=first)
    revisions = EntryRevision.objects.count()
    stamps = dict(Entry.objects.values_list("pk", "updated_at"))

    again = _preview(editor, lift_bytes, "rade-abvd-741.lift")
    result = dictionary_import_commit(actor=editor, parsed=again)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 247)
    assert Entry.objects.count() == 247
    assert EntryRevision.objects.count() == revisions
    assert dict(Entry.objects.values_list("pk", "updated_at")) == stamps


def test_a_corrected_gloss_updates_the_entry(editor, lift_bytes):
    dictionary_import_commit(
        actor=editor, parsed=_preview(editor, lift_bytes, "rade.lift")
    )
    changed = lift_bytes.replace(b"<text>hand</text>", b"<text>hand, arm</text>")
    result = dictionary_import_commit(
        actor=editor, parsed=_preview(editor, changed, "rade.lift")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 246)
    kngan = Entry.objects.get(headword="kngan")
    assert kngan.senses.get().gloss_en == "hand, arm"
    assert kngan.revisions.count() == 2


def _headwords_glosses(parsed):
    return [
        (e.data.headword, e.data.senses[0].gloss_en, e.data.senses[0].definition)
        for e in parsed.entries
    ]


def test_the_abvd_xml_original_gives_the_same_entries_as_its_lift(
    editor, shared_fixtures, lift_bytes
):
    data = (shared_fixtures / "dictionary" / "rade-abvd-741.xml").read_bytes()
    parsed = _preview(editor, data, "rade-abvd-741.xml")
    assert parsed.errors == [] and parsed.problem_count == 0
    lift = _preview(editor, lift_bytes, "rade-abvd-741.lift")
    assert _headwords_glosses(parsed) == _headwords_glosses(lift)
    notes = Counter(w for e in parsed.entries for w in e.warnings)
    assert notes["The IPA letters ɓ ɗ were replaced by ƀ đ."] == 15
    assert notes["A space before a combining mark was removed."] == 12
    # The ABVD's own ids are the source ids.
    assert parsed.entries[0].data.source_id == "189639"
    result = dictionary_import_commit(actor=editor, parsed=parsed)
    assert (result.created, result.updated, result.unchanged) == (247, 0, 0)


def test_an_abvd_list_of_another_language_is_refused(editor, shared_fixtures):
    data = (shared_fixtures / "dictionary" / "rade-abvd-741.xml").read_bytes()
    parsed = _preview(editor, data, "741.xml", language="jra")
    assert parsed.entries == []
    assert parsed.errors == [
        "This is the ABVD list of Rhade (language code rad), not of the language "
        "chosen (jra)."
    ]


def test_abvd_xml_with_a_doctype_is_refused(editor):
    data = (
        b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<record><id>1</id><word_id>1</word_id><word>hand</word>"
        b"<item>&x;</item></record>"
    )
    parsed = _preview(editor, data, "evil.xml")
    assert parsed.errors == [UNSAFE] and parsed.entries == []


def test_broken_abvd_xml_is_refused(editor):
    data = b"<record><id>1</id><word>hand</word><item>kngan</record>"
    parsed = _preview(editor, data, "broken.xml")
    assert parsed.entries == []
    assert parsed.errors[0].startswith("The file is not well-formed XML (line 1")


# --- a second real list: J'rai (ABVD 744) ----------------------------------------

JARAI = "ABVD 744"


@pytest.fixture
def jarai_bytes() -> bytes:
    return (FIXTURES / "jarai-abvd-744.xml").read_bytes()


def test_the_jarai_list_imports_with_its_quirks_fixed(editor, jarai_bytes):
    parsed = _preview(
        editor, jarai_bytes, "jarai-abvd-744.xml", language="jra", source=JARAI
    )
    assert parsed.errors == [] and parsed.problem_count == 0
    # 243 forms; "dua pluh" (Twenty) is listed twice.
    assert len(parsed.entries) == 242
    assert parsed.warnings == [
        "Record 241166 repeats record 241165 (“dua pluh”, “Twenty”): it was left out."
    ]
    notes = Counter(w for e in parsed.entries for w in e.warnings)
    assert notes["ʔb and ʔd were replaced by ƀ and đ."] == 10
    assert notes["The glottal stop ʔ before a first vowel was removed."] == 1
    assert notes["The IPA glottal stop ʔ was kept as written."] == 4
    assert (
        notes[
            "The optional part in parentheses was left out of the headword; "
            "the full form is a variant."
        ]
        == 2
    )
    by_id = {e.data.source_id: e.data for e in parsed.entries}
    assert by_id["190350"].headword == "ƀruih"  # ʔbruih, dust
    assert by_id["190387"].headword == "đih"  # ʔdih, to lie down
    assert by_id["190444"].headword == "ală"  # ʔală, snake
    assert by_id["190558"].headword == "dŏp"  # (mă) dŏp, to steal
    assert by_id["190558"].variants == ["mă dŏp"]
    assert by_id["190510"].headword == "đĭ"  # (phiang) ʔdĭ, to climb
    assert by_id["190510"].variants == ["phiang đĭ"]
    # Annotations naming a dialect fill the dialect; the rest is the definition.
    assert by_id["190356"].dialect == "Western Jarai"
    assert by_id["190358"].dialect == "Pleiku"
    assert by_id["190424"].dialect == "Western Jarai"
    assert by_id["190424"].senses[0].definition == "to grow (of animals)"
    assert by_id["190343"].senses[0].definition == "foot"
    assert sum(1 for d in by_id.values() if d.dialect) == 6
    for data in by_id.values():
        assert data.headword == canonical(data.headword)
        assert "ʔb" not in data.headword and "ʔd" not in data.headword
        assert "(" not in data.headword

    result = dictionary_import_commit(actor=editor, parsed=parsed)
    assert (result.created, result.updated, result.unchanged) == (242, 0, 0)
    assert Entry.objects.filter(language="jra", source=JARAI).count() == 242
    # The breve on ơ has no precomposed form: base letter + U+0306, in order.
    assert Entry.objects.get(source_id="190347").headword == "pơ\u0306dar"


def test_reimporting_the_jarai_list_changes_nothing(editor, jarai_bytes):
    def run():
        parsed = _preview(
            editor, jarai_bytes, "jarai.xml", language="jra", source=JARAI
        )
        return dictionary_import_commit(actor=editor, parsed=parsed)

    run()
    revisions = EntryRevision.objects.count()
    stamps = dict(Entry.objects.values_list("pk", "updated_at"))
    result = run()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 242)
    assert EntryRevision.objects.count() == revisions == 242
    assert dict(Entry.objects.values_list("pk", "updated_at")) == stamps


def test_command_imports_the_jarai_list(db, tmp_path):
    out = io.StringIO()
    call_command(
        "import_dictionary",
        str(FIXTURES / "jarai-abvd-744.xml"),
        "--language=jra",
        f"--source={JARAI}",
        stdout=out,
    )
    text = out.getvalue()
    assert "warning: Record 241166 repeats record 241165" in text
    assert "entries=242 warnings=24 problems=0" in text
    assert "created=242 updated=0 unchanged=0" in text
    with pytest.raises(CommandError):
        call_command(
            "import_dictionary",
            str(FIXTURES / "jarai-abvd-744.xml"),
            "--language=rad",
            f"--source={JARAI}",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_the_jarai_fixture_is_the_published_file():
    data = (FIXTURES / "jarai-abvd-744.xml").read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "3cd9136210bfb5e7b3ecd20e73cd5fc91687788a31e59c408fe9532e8e5c97b2"
    )
    readme = (FIXTURES / "README.md").read_text()
    assert "CC BY 4.0" in readme and "Greenhill" in readme


# --- the same forms in the legacy 8-bit typing --------------------------------------


def _retype_legacy(text: str) -> str:
    """The reverse of the legacy convention, to build the old-typed list."""
    decomposed = unicodedata.normalize("NFD", text)
    for unicode_, legacy in (
        ("\u0180", "["),
        ("\u0243", "{"),
        ("c\u030c", "]"),
        ("C\u030c", "}"),
        ("n\u0303", "`"),
        ("i\u0306", "^"),
        ("\u0306", "\\"),
    ):
        decomposed = decomposed.replace(unicode_, legacy)
    return decomposed


def test_legacy_to_unicode():
    assert legacy_to_unicode("[o\\ng") == "ƀŏng"
    assert legacy_to_unicode("]^m") == "čĭm"
    assert legacy_to_unicode("k`^") == "kñĭ"
    assert legacy_to_unicode("jơ\\ng") == "jơ\u0306ng"
    assert legacy_to_unicode("ê\\") == canonical("e\u0302\u0306")
    assert legacy_to_unicode("}a\\m {uôn") == "Čăm Ƀuôn"
    assert legacy_to_unicode("\\") == "\\"  # no vowel: left alone


def test_legacy_tsv_gives_the_same_headwords(editor, lift_bytes, tmp_path):
    reference = parse_lift(lift_bytes, language="rad", source=SOURCE)
    headwords = [e.data.headword for e in reference.entries]
    rows = ["headword\tgloss_en\tdefinition"]
    for entry in reference.entries:
        sense = entry.data.senses[0]
        rows.append(
            f"{_retype_legacy(entry.data.headword)}\t{sense.gloss_en}"
            f"\t{sense.definition}"
        )
    data = ("\n".join(rows) + "\n").encode("utf-8")
    assert b"[" in data and b"]" in data and b"`" in data and b"\\" in data

    plain = parse_table(data, language="rad", source="ABVD 741 (8-bit)")
    assert [e.data.headword for e in plain.entries] != headwords

    path = tmp_path / "rade-8bit.tsv"
    path.write_bytes(data)
    call_command(
        "import_dictionary",
        str(path),
        "--language=rad",
        "--source=ABVD 741 (8-bit)",
        "--legacy",
        stdout=io.StringIO(),
    )
    stored = Entry.objects.filter(source="ABVD 741 (8-bit)").order_by("pk")
    assert [e.headword for e in stored] == headwords

    # Again, through the preview: the same ids, so nothing changes.
    parsed = _preview(
        editor, data, "rade-8bit.tsv", source="ABVD 741 (8-bit)", legacy=True
    )
    assert [e.data.headword for e in parsed.entries] == headwords
    result = dictionary_import_commit(actor=editor, parsed=parsed)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 247)


def test_command_dry_run_writes_nothing(db, tmp_path, lift_bytes):
    path = tmp_path / "rade.lift"
    path.write_bytes(lift_bytes)
    out = io.StringIO()
    call_command(
        "import_dictionary",
        str(path),
        "--language=rad",
        f"--source={SOURCE}",
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "entries=247 warnings=31 problems=0" in text
    assert "4: jơ\u0306ng: warning: A space before a combining mark was removed." in (
        text
    )
    assert Entry.objects.count() == 0


# --- hostile and broken files -------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lift [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lift version="0.13"><entry guid="1"><lexical-unit><form lang="rad">
<text>&lol4;</text></form></lexical-unit>
<sense><gloss lang="en"><text>laugh</text></gloss></sense></entry></lift>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE lift [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<lift version="0.13"><entry guid="1"><lexical-unit><form lang="rad">
<text>&xxe;</text></form></lexical-unit>
<sense><gloss lang="en"><text>secret</text></gloss></sense></entry></lift>
"""

UNSAFE = "The file declares a DOCTYPE or entities, which are refused for safety."


@pytest.mark.parametrize(
    ("data", "filename", "error"),
    [
        (BILLION_LAUGHS, "laughs.lift", UNSAFE),
        (EXTERNAL_ENTITY, "xxe.lift", UNSAFE),
        (
            b'<lift version="0.13"><entry><lexical-unit></entry></lift>',
            "broken.lift",
            "The file is not well-formed XML (line 1, column 45).",
        ),
        (
            "headword,gloss_en\nêa,water\n".encode("latin-1"),
            "latin1.csv",
            "The file is not UTF-8 (line 2). Save it as UTF-8 and try again.",
        ),
        (
            '<?xml version="1.0" encoding="ISO-8859-1"?><lift><entry>'
            '<lexical-unit><form lang="rad"><text>êa</text></form>'
            "</lexical-unit></entry></lift>".encode("latin-1"),
            "latin1.lift",
            "The file is not UTF-8 (line 1). Save it as UTF-8 and try again.",
        ),
        (b"", "empty.lift", "The file is empty."),
        (b"\n \n", "empty.csv", "The file is empty."),
        (
            b"lexeme_id,gloss_en\n1,water\n",
            "nohead.csv",
            "The table has no \u201cheadword\u201d column.",
        ),
        (
            b"headword,notes\nea,water\n",
            "nogloss.csv",
            "The table has no \u201cgloss_vi\u201d or \u201cgloss_en\u201d column.",
        ),
    ],
)
def test_hostile_and_broken_files_are_refused(editor, data, filename, error):
    parsed = _preview(editor, data, filename)
    assert parsed.entries == []
    assert parsed.errors == [error]
    assert not parsed.can_commit
    with pytest.raises(ValidationError):
        dictionary_import_commit(actor=editor, parsed=parsed)
    assert Entry.objects.count() == 0


def test_oversize_file_is_refused(editor, lift_bytes, settings):
    settings.DICTIONARY_IMPORT_MAX_BYTES = 1000
    parsed = _preview(editor, lift_bytes, "rade.lift")
    assert parsed.entries == []
    assert parsed.errors == ["The file is larger than 1000 bytes."]


def test_more_than_50000_entries_is_refused(editor):
    data = "headword,gloss_en\n" + "".join(f"a{n},x\n" for n in range(50_001))
    parsed = _preview(editor, data.encode())
    assert parsed.entries == []
    assert parsed.errors == ["The file has more than 50000 entries."]


def test_utf16_with_bom_and_utf8_with_bom_are_read(editor):
    text = "Headword\tGloss VI\tvariants\nhriăm\thọc\thriam; hrăm\n"
    for data in (text.encode("utf-16"), text.encode("utf-8-sig")):
        parsed = _preview(editor, data, "list.tsv")
        assert parsed.errors == []
        (entry,) = parsed.entries
        assert entry.data.headword == "hriăm"
        assert entry.data.variants == ["hriam", "hrăm"]
        assert entry.data.senses[0].gloss_vi == "học"
        assert entry.position == 2


# --- all or nothing ------------------------------------------------------------


def test_a_row_without_gloss_blocks_the_whole_import(editor):
    data = (
        'headword,gloss_en,gloss_vi\nkngan,hand,\n"hnuă",,\n,left,\nêlan,road/path,\n'
    ).encode()
    parsed = _preview(editor, data)
    assert [e.position for e in parsed.entries] == [2, 3, 4, 5]
    assert parsed.entries[1].problems == ["No gloss (Vietnamese or English)."]
    assert parsed.entries[2].problems == ["No headword."]
    assert parsed.problem_count == 2
    assert not parsed.can_commit
    with pytest.raises(ValidationError) as raised:
        dictionary_import_commit(actor=editor, parsed=parsed)
    assert raised.value.messages == [
        "The list cannot be imported: fix the problems shown and try again."
    ]
    assert Entry.objects.count() == 0
    assert EntryRevision.objects.count() == 0


def test_command_refuses_a_list_with_problems(db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"headword,gloss_en\nkngan,hand\nhnua,\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="not imported"):
        call_command(
            "import_dictionary",
            str(path),
            "--language=rad",
            "--source=test",
            stdout=out,
        )
    assert "3: hnua: problem: No gloss (Vietnamese or English)." in out.getvalue()
    assert Entry.objects.count() == 0


def test_duplicate_ids_in_one_file_are_a_problem(editor):
    data = b"id,headword,gloss_en\n7,kngan,hand\n7,hnua,right\n"
    parsed = _preview(editor, data)
    assert parsed.entries[1].problems == ["The same entry as at position 2."]


# --- permissions ---------------------------------------------------------------


def test_a_learner_cannot_import(learner, lift_bytes):
    with pytest.raises(PermissionDenied):
        _preview(learner, lift_bytes, "rade.lift")
    parsed = parse_lift(lift_bytes, language="rad", source=SOURCE)
    with pytest.raises(PermissionDenied):
        dictionary_import_commit(actor=learner, parsed=parsed)
    assert Entry.objects.count() == 0


def test_a_trainer_needs_the_editor_right(trainer, editor, lift_bytes):
    with pytest.raises(PermissionDenied):
        _preview(trainer, lift_bytes, "rade.lift")
    parsed = _preview(editor, lift_bytes, "rade.lift")
    assert dictionary_import_commit(actor=editor, parsed=parsed).created == 247


# --- the rest of LIFT --------------------------------------------------------------

# Forms and glosses from the fixture; the Vietnamese gloss is this project's.
RICH_LIFT = """<?xml version="1.0" encoding="{encoding}"?>
<lift version="0.13">
  <entry id="x" guid="eat-1">
    <lexical-unit>
      <form lang="en"><text>eat</text></form>
      <form lang="rad"><text>ɓơ ̆ng</text></form>
    </lexical-unit>
    <variant><form lang="rad"><text>huă</text></form></variant>
    <trait name="semantic-domain-ddp4" value="food"/>
    <trait name="semantic-domain-ddp4" value="no-such-topic"/>
    <sense>
      <grammatical-info value="Verb"/>
      <gloss lang="en"><text>to eat</text></gloss>
      <gloss lang="vi"><text>ăn</text></gloss>
      <definition><form lang="en"><text>to eat (generic)</text></form></definition>
    </sense>
  </entry>
  <entry guid="gone" dateDeleted="2020-01-01T00:00:00Z">
    <lexical-unit><form lang="rad"><text>hla</text></form></lexical-unit>
  </entry>
</lift>
"""


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16"])
def test_lift_variants_part_of_speech_definition_and_topics(editor, encoding):
    food = Topic.objects.create(slug="food", name_vi="Ăn uống", name_en="Food")
    text = RICH_LIFT.format(encoding=encoding)
    data = text.encode("utf-16") if encoding == "UTF-16" else text.encode()
    parsed = _preview(editor, data, "eat.lift")
    assert parsed.errors == []
    (entry,) = parsed.entries
    assert entry.data.headword == "ƀơ\u0306ng"
    assert entry.data.variants == ["huă"]
    assert entry.data.part_of_speech == "Verb"
    assert entry.data.source_id == "eat-1"
    (sense,) = entry.data.senses
    assert (sense.gloss_en, sense.gloss_vi) == ("to eat", "ăn")
    assert sense.definition == "to eat (generic)"
    assert entry.topics == ["food", "no-such-topic"]
    assert "Unknown topic “no-such-topic”: it is left out." in entry.warnings

    dictionary_import_commit(actor=editor, parsed=parsed)
    stored = Entry.objects.get(source_id="eat-1")
    assert list(stored.topics.all()) == [food]
    assert Entry.objects.count() == 1
