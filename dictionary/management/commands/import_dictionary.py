"""python manage.py import_dictionary FILE --language rad --source "ABVD 741"
[--legacy] [--dry-run]: show the preview, then commit unless --dry-run or the
list has problems."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dictionary.importers import DEFAULT_MAX_BYTES
from dictionary.imports import dictionary_import_commit, dictionary_import_parse
from dictionary.models import Language


class Command(BaseCommand):
    help = "Import a LIFT, ABVD XML or CSV/TSV word list into the dictionary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--language", required=True, choices=Language.values)
        parser.add_argument("--source", required=True, help='e.g. "ABVD 741"')
        parser.add_argument(
            "--legacy",
            action="store_true",
            help="convert the 8-bit typing convention ([ for ƀ, ] for č...)",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        limit = getattr(settings, "DICTIONARY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
        try:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)  # the parser refuses oversize
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        parsed = dictionary_import_parse(
            data=data,
            filename=path.name,
            language=options["language"],
            source=options["source"],
            legacy=options["legacy"],
        )
        for error in parsed.errors:
            self.stderr.write(f"error: {error}")
        if parsed.errors:
            raise CommandError("the file was refused")
        for warning in parsed.warnings:
            self.stdout.write(f"warning: {warning}")
        for entry in parsed.entries:
            for warning in entry.warnings:
                self.stdout.write(
                    f"{entry.position}: {entry.data.headword}: warning: {warning}"
                )
            for problem in entry.problems:
                self.stdout.write(
                    f"{entry.position}: {entry.data.headword}: problem: {problem}"
                )
        self.stdout.write(
            f"entries={len(parsed.entries)} warnings={parsed.warning_count} "
            f"problems={parsed.problem_count}"
        )
        if parsed.problem_count:
            raise CommandError("not imported: fix the problems above")
        if options["dry_run"]:
            self.stdout.write("dry run: nothing written")
            return
        try:
            result = dictionary_import_commit(actor=None, parsed=parsed)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"created={result.created} updated={result.updated} "
                f"unchanged={result.unchanged}"
            )
        )
