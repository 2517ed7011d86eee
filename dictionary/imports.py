"""Importing a word list: a preview of what the file holds (per-entry fixes
and problems, what would be new, updated or unchanged), then a commit of all
of it or nothing. On the web the uploaded file is kept (``DictionaryImport``)
between the preview and the commit, which parses it again."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dictionary.importers import (
    Parsed,
    ParsedEntry,
    is_abvd,
    parse_abvd,
    parse_lift,
    parse_table,
)
from dictionary.models import DictionaryImport, Entry, Topic
from dictionary.services import (
    EntryData,
    SaveOutcome,
    dictionary_can_edit,
    entry_save,
    entry_would_change,
)
from lms.models import User

# Rows a preview keeps (problems first): enough to act on, small on a phone.
PREVIEW_ROWS = 200


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _check_editor(actor: User | None) -> None:
    if actor is not None and not dictionary_can_edit(user=actor):
        raise PermissionDenied(_("Only dictionary editors import word lists."))


def dictionary_import_parse(
    *, data: bytes, filename: str, language: str, source: str, legacy: bool = False
) -> Parsed:
    """Read the file by its content and extension: an ABVD export (its first
    element is <record>), LIFT (.lift/.xml, or no extension and starting with
    "<"), else a CSV/TSV table; note topics that do not exist."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        parsed = parse_table(data, language=language, source=source, legacy=legacy)
    elif is_abvd(data):
        parsed = parse_abvd(data, language=language, source=source)
    elif suffix in (".lift", ".xml") or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(
        b"<"
    ):
        parsed = parse_lift(data, language=language, source=source)
    else:
        parsed = parse_table(data, language=language, source=source, legacy=legacy)
    wanted = {slug for e in parsed.entries for slug in e.topics}
    if wanted:
        known = set(
            Topic.objects.filter(slug__in=wanted).values_list("slug", flat=True)
        )
        for entry in parsed.entries:
            for slug in entry.topics:
                if slug not in known:
                    entry.warnings.append(
                        _("Unknown topic “%(slug)s”: it is left out.") % {"slug": slug}
                    )
    return parsed


def dictionary_import_preview(
    *,
    actor: User,
    data: bytes,
    filename: str,
    language: str,
    source: str,
    legacy: bool = False,
) -> Parsed:
    if not dictionary_can_edit(user=actor):
        raise PermissionDenied(_("Only dictionary editors import word lists."))
    return dictionary_import_parse(
        data=data, filename=filename, language=language, source=source, legacy=legacy
    )


def _known_topics(parsed: Parsed) -> set[str]:
    wanted = {slug for e in parsed.entries for slug in e.topics}
    if not wanted:
        return set()
    return set(Topic.objects.filter(slug__in=wanted).values_list("slug", flat=True))


def _entry_data(item: ParsedEntry, known: set[str]) -> EntryData:
    """The entry as saved: the list's known topics, or (none listed) the
    entry's topics left as they are."""
    topics = [slug for slug in item.topics if slug in known]
    return replace(item.data, topics=topics if item.topics else None)


def import_outcomes(parsed: Parsed) -> list[SaveOutcome]:
    """For each entry of ``parsed``: would the commit create it, update the
    stored entry with the same source id, or leave that entry unchanged?"""
    known = _known_topics(parsed)
    ids = [e.data.source_id for e in parsed.entries if e.data.source_id]
    stored: dict[str, Entry] = {}
    for start in range(0, len(ids), 500):
        for entry in Entry.objects.filter(
            language=parsed.language,
            source=parsed.source,
            source_id__in=ids[start : start + 500],
        ).prefetch_related("senses", "topics"):
            stored[entry.source_id] = entry
    outcomes = []
    for item in parsed.entries:
        found = stored.get(item.data.source_id) if item.data.source_id else None
        if found is None:
            outcomes.append(SaveOutcome.CREATED)
        elif entry_would_change(
            entry=found, data=_entry_data(item, known), known_topics=known
        ):
            outcomes.append(SaveOutcome.UPDATED)
        else:
            outcomes.append(SaveOutcome.UNCHANGED)
    return outcomes


def preview_summary(parsed: Parsed) -> dict[str, Any]:
    """What the preview page shows, as JSON: counts, the file's errors and
    notes, and at most ``PREVIEW_ROWS`` entries with problems or warnings
    (problems first)."""
    outcomes = import_outcomes(parsed) if not parsed.errors else []
    rows = [
        {
            "position": item.position,
            "headword": item.data.headword,
            "gloss": next((s.gloss_vi or s.gloss_en for s in item.data.senses), ""),
            "outcome": str(outcome),
            "warnings": item.warnings,
            "problems": item.problems,
        }
        for item, outcome in zip(parsed.entries, outcomes, strict=False)
        if item.warnings or item.problems
    ]
    rows.sort(key=lambda row: (not row["problems"], row["position"]))
    return {
        "entries": len(parsed.entries),
        "new": outcomes.count(SaveOutcome.CREATED),
        "update": outcomes.count(SaveOutcome.UPDATED),
        "unchanged": outcomes.count(SaveOutcome.UNCHANGED),
        "with_warnings": sum(1 for e in parsed.entries if e.warnings),
        "with_problems": sum(1 for e in parsed.entries if e.problems),
        "errors": parsed.errors,
        "file_warnings": parsed.warnings,
        "rows": rows[:PREVIEW_ROWS],
        "rows_total": len(rows),
        "can_commit": parsed.can_commit,
    }


def dictionary_import_commit(*, actor: User | None, parsed: Parsed) -> ImportResult:
    """Write every entry of ``parsed`` or none: refused if the file was refused
    or any entry has a problem. An entry with the same (language, source,
    source id) as a stored one updates it. ``actor`` None is the command line."""
    _check_editor(actor)
    if parsed.errors or parsed.problem_count or not parsed.entries:
        raise ValidationError(
            _("The list cannot be imported: fix the problems shown and try again.")
        )
    result = ImportResult()
    note = _("Imported from %(source)s") % {"source": parsed.source}
    known = _known_topics(parsed)
    with transaction.atomic():
        for item in parsed.entries:
            try:
                saved = entry_save(actor=None, data=_entry_data(item, known), note=note)
            except ValidationError as exc:
                raise ValidationError(
                    _("Entry at position %(position)s: %(error)s")
                    % {"position": item.position, "error": " ".join(exc.messages)}
                ) from exc
            if saved.outcome is SaveOutcome.CREATED:
                result.created += 1
            elif saved.outcome is SaveOutcome.UPDATED:
                result.updated += 1
            else:
                result.unchanged += 1
    return result


# --- imports kept between preview and commit (the web pages) --------------------------


def dictionary_import_upload(
    *,
    actor: User,
    data: bytes,
    filename: str,
    language: str,
    source: str,
    legacy: bool = False,
) -> DictionaryImport:
    """Read the upload and keep it with its preview. A file refused as a whole
    (too large, not UTF-8, not well-formed, hostile) raises ``ValidationError``
    with the reasons, and nothing is stored."""
    _check_editor(actor)
    parsed = dictionary_import_parse(
        data=data, filename=filename, language=language, source=source, legacy=legacy
    )
    if parsed.errors:
        raise ValidationError(parsed.errors)
    suffix = PurePath(filename).suffix.lower()[:10]
    record = DictionaryImport(
        language=language,
        source=source.strip(),
        legacy=legacy,
        filename=PurePath(filename).name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        summary=preview_summary(parsed),
        created_by=actor,
    )
    record.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise
    return record


@dataclass(frozen=True)
class CommitOutcome:
    record: DictionaryImport
    repeated: bool  # the import was already committed: nothing was written


def dictionary_import_commit_stored(*, actor: User, import_id: int) -> CommitOutcome:
    """Commit a kept import: the file is parsed again and written all or
    nothing. The import row is locked, so a double click or a resent form
    imports once (the second answer is ``repeated``). A refused commit leaves
    the import previewed and raises ``ValidationError``."""
    _check_editor(actor)
    with transaction.atomic():
        record = DictionaryImport.objects.select_for_update().get(pk=import_id)
        if record.status == DictionaryImport.Status.COMMITTED:
            return CommitOutcome(record, repeated=True)
        if record.status != DictionaryImport.Status.PREVIEWED:
            raise ValidationError(_("This import was discarded."))
        with record.file.open("rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != record.sha256:
            raise ValidationError(
                _("The stored file has changed since the preview. Upload it again.")
            )
        parsed = dictionary_import_parse(
            data=data,
            filename=record.filename,
            language=record.language,
            source=record.source,
            legacy=record.legacy,
        )
        result = dictionary_import_commit(actor=actor, parsed=parsed)
        record.status = DictionaryImport.Status.COMMITTED
        record.result = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        record.committed_at = timezone.now()
        record.save(update_fields=["status", "result", "committed_at"])
    return CommitOutcome(record, repeated=False)


def dictionary_import_discard(*, actor: User, import_id: int) -> DictionaryImport:
    """Drop a previewed import and its file. A committed import stays."""
    _check_editor(actor)
    with transaction.atomic():
        record = DictionaryImport.objects.select_for_update().get(pk=import_id)
        if record.status == DictionaryImport.Status.COMMITTED:
            raise ValidationError(_("This import was already committed."))
        if record.status == DictionaryImport.Status.DISCARDED:
            return record
        record.status = DictionaryImport.Status.DISCARDED
        record.save(update_fields=["status"])
        name, storage = record.file.name, record.file.storage
        if name:
            transaction.on_commit(lambda: storage.delete(name))
    return record


def dictionary_imports_recent(*, limit: int = 20) -> QuerySet[DictionaryImport]:
    return DictionaryImport.objects.select_related("created_by").order_by(
        "-created_at", "-pk"
    )[:limit]
