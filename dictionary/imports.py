"""Importing a word list: a preview of what the file holds (per-entry fixes
and problems), then a commit of all of it or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dictionary.importers import Parsed, parse_lift, parse_table
from dictionary.models import Entry, Topic
from dictionary.services import dictionary_can_edit, entry_save
from lms.models import User


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def dictionary_import_parse(
    *, data: bytes, filename: str, language: str, source: str, legacy: bool = False
) -> Parsed:
    """Read the file by its extension (.lift/.xml LIFT, else a table; no
    extension: LIFT if it starts with "<") and note topics that do not exist."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".lift", ".xml") or (
        suffix not in (".csv", ".tsv", ".txt")
        and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
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


def dictionary_import_commit(*, actor: User | None, parsed: Parsed) -> ImportResult:
    """Write every entry of ``parsed`` or none: refused if the file was refused
    or any entry has a problem. An entry with the same (language, source,
    source id) as a stored one updates it. ``actor`` None is the command line."""
    if actor is not None and not dictionary_can_edit(user=actor):
        raise PermissionDenied(_("Only dictionary editors import word lists."))
    if parsed.errors or parsed.problem_count or not parsed.entries:
        raise ValidationError(
            _("The list cannot be imported: fix the problems shown and try again.")
        )
    result = ImportResult()
    note = _("Imported from %(source)s") % {"source": parsed.source}
    topics = {
        t.slug: t
        for t in Topic.objects.filter(
            slug__in={slug for e in parsed.entries for slug in e.topics}
        )
    }
    with transaction.atomic():
        before = dict(
            Entry.objects.filter(
                language=parsed.language, source=parsed.source
            ).values_list("source_id", "updated_at")
        )
        for item in parsed.entries:
            try:
                entry, created = entry_save(actor=None, data=item.data, note=note)
            except ValidationError as exc:
                raise ValidationError(
                    _("Entry at position %(position)s: %(error)s")
                    % {"position": item.position, "error": " ".join(exc.messages)}
                ) from exc
            if created:
                result.created += 1
            elif before.get(entry.source_id) == entry.updated_at:
                result.unchanged += 1
            else:
                result.updated += 1
            wanted = [topics[s] for s in item.topics if s in topics]
            if wanted:
                entry.topics.add(*wanted)
    return result
