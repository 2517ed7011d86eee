"""Editor pages of the dictionary (province administrators and trainers with
the editor right): word-list imports, adding and correcting entries with
their history, pronunciations. Thin: the services check and write."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dictionary import imports, services
from dictionary.forms import (
    EntryForm,
    ImportForm,
    PronunciationForm,
    SenseFormSet,
    senses_from,
    senses_initial,
)
from dictionary.models import DictionaryImport, Entry, EntryRevision
from lms.models import User

View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    """The signed-in editor (``editor_required`` let the request in)."""
    return cast(User, request.user)


def editor_required(view: View) -> View:
    """Anonymous visitors sign in first; signed-in users without the editor
    right get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not services.dictionary_can_edit(user=request.user):
            raise PermissionDenied(_("Only dictionary editors change entries."))
        return view(request, *args, **kwargs)

    return wrapped


# --- imports ------------------------------------------------------------------


@editor_required
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = imports.dictionary_import_upload(
                actor=_user(request),
                data=upload.read(),
                filename=upload.name,
                language=form.cleaned_data["language"],
                source=form.cleaned_data["source"],
                legacy=form.cleaned_data["legacy"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("dictionary:import_preview", import_id=record.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "dictionary/import/new.html",
        {"form": form, "recent": imports.dictionary_imports_recent()},
        status=status,
    )


@editor_required
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    record = get_object_or_404(DictionaryImport, pk=import_id)
    return render(
        request,
        "dictionary/import/preview.html",
        {"record": record, "summary": record.summary},
    )


@require_POST
@editor_required
def import_commit(request: HttpRequest, import_id: int) -> HttpResponse:
    get_object_or_404(DictionaryImport, pk=import_id)
    try:
        outcome = imports.dictionary_import_commit_stored(
            actor=_user(request), import_id=import_id
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        result = outcome.record.result
        if outcome.repeated:
            messages.info(request, _("This list was already imported."))
        else:
            messages.success(
                request,
                _(
                    "Imported: %(created)s new, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % result,
            )
    return redirect("dictionary:import_preview", import_id=import_id)


@require_POST
@editor_required
def import_discard(request: HttpRequest, import_id: int) -> HttpResponse:
    get_object_or_404(DictionaryImport, pk=import_id)
    try:
        imports.dictionary_import_discard(actor=_user(request), import_id=import_id)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("dictionary:import_preview", import_id=import_id)
    messages.success(request, _("The import was discarded."))
    return redirect("dictionary:import_new")


# --- entries ------------------------------------------------------------------


def _entry_forms(request: HttpRequest, entry: Entry | None):
    if request.method == "POST":
        return (
            EntryForm(request.POST, request.FILES),
            SenseFormSet(request.POST, prefix="senses"),
        )
    if entry is None:
        initial: dict[str, Any] = {
            "level": 1,
            "revision": 0,
            "language": request.GET.get("language", "rad"),
        }
        return EntryForm(initial=initial), SenseFormSet(prefix="senses")
    data = services.entry_data(entry)
    return (
        EntryForm(
            initial={
                "revision": services.latest_revision_id(entry),
                "language": data.language,
                "headword": data.headword,
                "variants": "; ".join(data.variants),
                "dialect": data.dialect,
                "part_of_speech": data.part_of_speech,
                "level": data.level,
                "topics": data.topics,
            }
        ),
        SenseFormSet(prefix="senses", initial=senses_initial(data)),
    )


def _entry_edit(request: HttpRequest, entry: Entry | None) -> HttpResponse:
    form, senses = _entry_forms(request, entry)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and senses.is_valid():
            saved = _entry_save(request, entry, form, senses)
            if saved is not None:
                if saved.outcome is services.SaveOutcome.UNCHANGED:
                    messages.info(request, _("Nothing changed."))
                else:
                    messages.success(request, _("The entry was saved."))
                return redirect("dictionary:entry", entry_id=saved.entry.pk)
            if entry is not None and form.has_error("revision"):
                status = 409
    return render(
        request,
        "dictionary/edit/entry_form.html",
        {"entry": entry, "form": form, "senses": senses},
        status=status,
    )


def _entry_save(
    request: HttpRequest, entry: Entry | None, form: EntryForm, senses
) -> services.EntrySaved | None:
    """Save, or put the reasons on the form (the input stays as typed)."""
    data = form.cleaned_data
    image = None
    if data.get("image"):
        upload = data["image"]
        limit = services.image_max_bytes()
        if upload.size > limit:
            # Refused before it is read.
            form.add_error(
                "image",
                _("The picture is larger than %(mb)s MB.")
                % {"mb": round(limit / (1024 * 1024), 1)},
            )
            return None
        try:
            image = services.image_webp(upload.read())
        except services.MediaRefused as exc:
            form.add_error("image", exc.messages)
            return None
    entry_data = services.EntryData(
        language=entry.language if entry else data["language"],
        headword=data["headword"],
        variants=form.variant_list(),
        dialect=data.get("dialect", ""),
        part_of_speech=data.get("part_of_speech", ""),
        level=data["level"],
        senses=senses_from(senses),
        source=entry.source if entry else "",
        source_id=entry.source_id if entry else "",
        topics=[t.slug for t in data.get("topics", [])],
    )
    try:
        return services.entry_save(
            actor=_user(request),
            data=entry_data,
            entry=entry,
            note=data.get("note", ""),
            expected_revision=data.get("revision") if entry else None,
            image=image,
            image_remove=bool(data.get("image_remove")) and image is None,
        )
    except services.EditConflict as exc:
        # The newest revision goes in the form: saving again (after a look at
        # the history) replaces it on purpose.
        assert entry is not None
        data_again = request.POST.copy()
        data_again["revision"] = str(services.latest_revision_id(entry))
        form.data = data_again
        form.add_error("revision", exc.messages)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    return None


@editor_required
def entry_add(request: HttpRequest) -> HttpResponse:
    return _entry_edit(request, None)


@editor_required
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(
        Entry.objects.prefetch_related("senses", "topics"), pk=entry_id
    )
    return _entry_edit(request, entry)


# --- history ------------------------------------------------------------------

_FIELD_LABELS = {
    "headword": gettext_lazy("Headword"),
    "variants": gettext_lazy("Other spellings"),
    "dialect": gettext_lazy("Dialect"),
    "part_of_speech": gettext_lazy("Part of speech"),
    "level": gettext_lazy("Level"),
    "topics": gettext_lazy("Topics"),
    "pronunciation": gettext_lazy("Pronunciation"),
    "image": gettext_lazy("Picture"),
}
_SENSE_LABELS = {
    "gloss_vi": gettext_lazy("Vietnamese gloss"),
    "gloss_vi_translated": gettext_lazy("Translated by this project"),
    "gloss_en": gettext_lazy("English gloss"),
    "definition": gettext_lazy("Definition"),
    "example": gettext_lazy("Example"),
    "example_translation": gettext_lazy("Example translation"),
}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def revision_changes(
    before: dict[str, Any] | None, after: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(what, before, after) for each field that differs between two
    revisions' data; the first revision lists what it set."""
    before = before or {}
    changes = []
    for key, label in _FIELD_LABELS.items():
        if key not in after and key not in before:
            continue
        old, new = before.get(key), after.get(key)
        if _shown(old) != _shown(new):
            changes.append((str(label), _shown(old), _shown(new)))
    old_senses = before.get("senses", [])
    new_senses = after.get("senses", [])
    for n in range(max(len(old_senses), len(new_senses))):
        old_sense = old_senses[n] if n < len(old_senses) else {}
        new_sense = new_senses[n] if n < len(new_senses) else {}
        for key, label in _SENSE_LABELS.items():
            old, new = old_sense.get(key, ""), new_sense.get(key, "")
            if _shown(old) != _shown(new) and (old or new):
                changes.append(
                    (
                        _("Sense %(n)s: %(field)s") % {"n": n + 1, "field": label},
                        _shown(old),
                        _shown(new),
                    )
                )
    return changes


@editor_required
def entry_history(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(Entry, pk=entry_id)
    revisions = list(
        EntryRevision.objects.filter(entry=entry)
        .select_related("author")
        .order_by("pk")[:500]
    )
    rows = []
    previous = None
    for revision in revisions:
        rows.append((revision, revision_changes(previous, revision.data)))
        previous = revision.data
    rows.reverse()
    latest = revisions[-1].pk if revisions else 0
    return render(
        request,
        "dictionary/edit/history.html",
        {"entry": entry, "rows": rows, "latest": latest},
    )


@require_POST
@editor_required
def entry_restore(
    request: HttpRequest, entry_id: int, revision_id: int
) -> HttpResponse:
    revision = get_object_or_404(
        EntryRevision.objects.select_related("entry"), pk=revision_id, entry=entry_id
    )
    try:
        expected = int(request.POST.get("latest", ""))
    except ValueError:
        expected = None
    try:
        saved = services.revision_restore(
            actor=_user(request), revision=revision, expected_revision=expected
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("dictionary:entry_history", entry_id=entry_id)
    if saved.outcome is services.SaveOutcome.UNCHANGED:
        messages.info(request, _("The entry is already as in that version."))
    else:
        messages.success(request, _("The version was restored."))
    return redirect("dictionary:entry_history", entry_id=entry_id)


# --- pronunciation ------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@editor_required
def entry_pronunciation(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The recording page: upload a file or record in the browser
    (``record.js`` posts the recording here and asks for JSON)."""
    entry = get_object_or_404(Entry, pk=entry_id)
    form = PronunciationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        error = None
        if form.is_valid():
            upload = form.cleaned_data["audio"]
            if upload.size > services.PRONUNCIATION_MAX_BYTES:
                error = _("The recording is larger than %(mb)s MB.") % {
                    "mb": services.PRONUNCIATION_MAX_BYTES // (1024 * 1024)
                }
            else:
                try:
                    with transaction.atomic():
                        entry = services.entry_pronunciation_set(
                            actor=_user(request), entry=entry, data=upload.read()
                        )
                except services.MediaRefused as exc:
                    error = " ".join(exc.messages)
        else:
            error = " ".join(str(m) for errors in form.errors.values() for m in errors)
        if _wants_json(request):
            if error:
                return JsonResponse({"error": error}, status=400)
            return JsonResponse({"url": entry.pronunciation.url})
        if not error:
            messages.success(request, _("The pronunciation was saved."))
            return redirect("dictionary:entry_pronunciation", entry_id=entry.pk)
        form.errors.clear()
        form.add_error("audio", error)
    return render(
        request,
        "dictionary/edit/pronunciation.html",
        {"entry": entry, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@editor_required
def entry_pronunciation_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(Entry, pk=entry_id)
    services.entry_pronunciation_remove(actor=_user(request), entry=entry)
    messages.success(request, _("The recording was removed."))
    return redirect("dictionary:entry_pronunciation", entry_id=entry_id)
