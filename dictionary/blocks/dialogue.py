"""A phrase dialogue: lines said by named speakers, each line a dictionary
entry (a phrase) whose Vietnamese gloss is its translation, with its recording
when there is one. Not graded: it completes when the learner has read it
through and marks the lesson as done."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.fields import List, Scope, String

from dictionary.blocks.common import (
    DictionaryBlock,
    entry_ids_from_lines,
    entry_line,
    entry_queryset,
)
from dictionary.models import Entry
from lms.text import canonical

MAX_LINES = 40
_LINE = re.compile(r"^([^:]{1,60}):\s*(.+)$")


class DialogueBlock(DictionaryBlock):
    display_name = String(
        display_name=gettext_lazy("Display name"),
        scope=Scope.settings,
        default=gettext_lazy("Dialogue"),
    )
    lines = List(
        display_name=gettext_lazy("Lines"),
        help=gettext_lazy('A list of {"speaker": name, "entry_id": phrase entry}.'),
        scope=Scope.content,
        default=[],
    )

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _lines(self) -> list[tuple[str, int]]:
        result = []
        for line in self.lines or []:
            if not isinstance(line, dict):
                continue
            speaker, pk = line.get("speaker"), line.get("entry_id")
            if isinstance(speaker, str) and isinstance(pk, int) and pk > 0:
                result.append((speaker, pk))
        return result

    def _phrases(self) -> dict[int, Entry]:
        ids = {pk for _speaker, pk in self._lines()}
        return {
            e.pk: e for e in entry_queryset().filter(pk__in=ids, language=self.language)
        }

    def media_entries(self) -> list[Entry]:
        return list(self._phrases().values())

    def student_view(self, context: dict | None = None) -> Fragment:
        phrases = self._phrases()
        speakers: list[str] = []
        rows = []
        for speaker, pk in self._lines():
            entry = phrases.get(pk)
            if entry is None:
                continue  # a phrase removed from the dictionary since
            if speaker not in speakers:
                speakers.append(speaker)
            rows.append(
                {
                    "speaker": speaker,
                    # Two voices, left and right, as in a chat.
                    "side": speakers.index(speaker) % 2,
                    "word": self.word(entry),
                }
            )
        return self.render_template(
            "dictionary/blocks/dialogue.html",
            {"rows": rows, "empty_message": _("This dialogue has no lines yet.")},
        )

    # Authoring -----------------------------------------------------------------

    def uses_selection(self) -> bool:
        return False

    def author_extra(self) -> dict:
        phrases = self._phrases()
        text = "\n".join(
            f"{speaker}: {entry_line(phrases[pk]) if pk in phrases else f'#{pk}'}"
            for speaker, pk in self._lines()
        )
        return {"dialogue": True, "lines_text": text}

    def author_parse(self, data) -> dict[str, Any]:
        fields = super().author_parse(data)
        lines = []
        bad = []
        for number, raw in enumerate((data.get("lines") or "").splitlines(), 1):
            raw = canonical(raw.strip())
            if not raw:
                continue
            match = _LINE.match(raw)
            if match is None:
                bad.append(str(number))
                continue
            try:
                ids = entry_ids_from_lines(match.group(2), language=fields["language"])
            except ValidationError as exc:
                raise ValidationError({"lines": exc.messages}) from exc
            lines.append({"speaker": match.group(1).strip(), "entry_id": ids[0]})
        if bad:
            raise ValidationError(
                {
                    "lines": _("Write each line as “Speaker: phrase” (line %(lines)s).")
                    % {"lines": ", ".join(bad)}
                }
            )
        fields["lines"] = lines
        fields["entry_ids"] = []
        return fields

    def problems(self) -> list[str]:
        problems = super().problems()
        raw = self.lines or []
        lines = self._lines()
        if len(lines) != len(raw):
            problems.append(_("Every line needs a speaker and a phrase."))
        if len(lines) < 2:
            problems.append(_("A dialogue needs at least 2 lines."))
        elif len(lines) > MAX_LINES:
            problems.append(_("Use at most %(max)s lines.") % {"max": MAX_LINES})
        found = self._phrases()
        missing = sorted({pk for _s, pk in lines if pk not in found})
        if missing:
            problems.append(
                _("These entries are not in the dictionary for this language: %(ids)s.")
                % {"ids": ", ".join(f"#{i}" for i in missing)}
            )
        return problems
