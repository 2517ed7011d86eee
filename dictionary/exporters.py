"""Exports that the importers read back: LIFT 0.13 and CSV/TSV.

Each entry keeps its source and id, so exporting, correcting in another tool
(FieldWorks, a spreadsheet) and importing again updates the same entries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from xml.etree.ElementTree import Comment, Element, SubElement, tostring

from dictionary.models import Entry

TABLE_COLUMNS = [
    "id",
    "headword",
    "variants",
    "part_of_speech",
    "gloss_vi",
    "gloss_en",
    "definition",
    "example",
    "example_translation",
    "topics",
    "level",
]


def _entries(entries: Iterable[Entry]) -> list[Entry]:
    return list(entries)


def export_table(entries: Iterable[Entry], *, delimiter: str = ",") -> bytes:
    """One row per sense (the importer's columns), UTF-8 with a BOM so that
    spreadsheet programs read the letters right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(TABLE_COLUMNS)
    for entry in _entries(entries):
        topics = ";".join(t.slug for t in entry.topics.all())
        for n, sense in enumerate(entry.senses.all(), start=1):
            writer.writerow(
                [
                    entry.source_id if n == 1 else f"{entry.source_id}#{n}",
                    entry.headword,
                    ";".join(entry.variants),
                    entry.part_of_speech,
                    sense.gloss_vi,
                    sense.gloss_en,
                    sense.definition,
                    sense.example,
                    sense.example_translation,
                    topics,
                    entry.level,
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_lift(entries: Iterable[Entry], *, credit: str = "") -> bytes:
    root = Element("lift", version="0.13", producer="daklak-lms")
    if credit:
        root.append(Comment(f" {credit} "))
    for entry in _entries(entries):
        node = SubElement(root, "entry", id=entry.source_id or f"entry-{entry.pk}")
        if entry.source_id:
            node.set("guid", entry.source_id)
        unit = SubElement(node, "lexical-unit")
        SubElement(
            SubElement(unit, "form", lang=entry.language), "text"
        ).text = entry.headword
        for variant in entry.variants:
            form = SubElement(SubElement(node, "variant"), "form", lang=entry.language)
            SubElement(form, "text").text = variant
        for sense in entry.senses.all():
            sense_node = SubElement(node, "sense")
            if entry.part_of_speech:
                SubElement(sense_node, "grammatical-info", value=entry.part_of_speech)
            for lang, gloss in (("vi", sense.gloss_vi), ("en", sense.gloss_en)):
                if gloss:
                    SubElement(
                        SubElement(sense_node, "gloss", lang=lang), "text"
                    ).text = gloss
            if sense.definition:
                definition = SubElement(sense_node, "definition")
                SubElement(
                    SubElement(definition, "form", lang="vi"), "text"
                ).text = sense.definition
            if sense.example:
                example = SubElement(sense_node, "example")
                SubElement(
                    SubElement(example, "form", lang=entry.language), "text"
                ).text = sense.example
                if sense.example_translation:
                    translation = SubElement(example, "translation")
                    SubElement(
                        SubElement(translation, "form", lang="vi"), "text"
                    ).text = sense.example_translation
            for topic in entry.topics.all():
                SubElement(
                    sense_node, "trait", name="semantic-domain-ddp4", value=topic.slug
                )
    return tostring(root, encoding="utf-8", xml_declaration=True)
