"""Writes of the media sub-app: uploads, processing, subtitles.

Permission checks are inside (course trainers and administrators only), so a
page, the API and a task behave the same. Processing is all or nothing: every
output is written under a temporary name, and only when all of them exist are
they moved into storage and recorded; on failure the temporary files go and
the asset says why.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content_authoring.blocks import language_tag
from content_authoring.media import processing
from content_authoring.media.messages import error_message
from content_authoring.media.models import MediaAsset, Rendition, asset_file_name
from courses import selectors as course_selectors
from courses.models import Course
from lms.models import User
from lms.text import canonical

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".webm", ".mkv", ".3gp", ".avi", ".mpg"}
AUDIO_SUFFIXES = {".mp3", ".m4a", ".aac", ".wav", ".ogg", ".oga", ".opus", ".amr"}
AUDIO_SUFFIXES |= {".flac", ".weba", ".3gpp"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def _can_manage(*, actor: User, course: Course) -> None:
    if not course_selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may manage its media."))


def _suffix(upload: UploadedFile) -> str:
    return PurePosixPath(upload.name or "").suffix.lower()


def _local_path(upload: UploadedFile) -> Path | None:
    path = getattr(upload, "temporary_file_path", None)
    return Path(path()) if path else None


def _enqueue_processing(asset_id: int) -> None:
    from content_authoring.media import tasks

    transaction.on_commit(lambda: tasks.media_asset_process.enqueue(asset_id))


# --- uploads --------------------------------------------------------------------


@transaction.atomic
def media_asset_upload(
    *, actor: User, course: Course, kind: str, upload: UploadedFile, title: str = ""
) -> MediaAsset:
    """Store a video or audio upload and queue its renditions.

    Only the file name's kind is checked here; whether it really is media is
    found out by processing, which marks the asset failed with a clear reason.
    """
    _can_manage(actor=actor, course=course)
    suffixes = {
        MediaAsset.Kind.VIDEO: VIDEO_SUFFIXES,
        MediaAsset.Kind.AUDIO: AUDIO_SUFFIXES,
    }.get(kind)  # type: ignore[call-overload]
    if suffixes is None:
        raise ValidationError({"kind": _("Choose video or audio.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    if _suffix(upload) not in suffixes:
        raise ValidationError(
            {
                "file": _("Upload a file ending in one of: %(suffixes)s.")
                % {"suffixes": ", ".join(sorted(suffixes))}
            }
        )
    asset = MediaAsset.objects.create(
        course=course,
        created_by=actor,
        kind=kind,
        title=canonical(title.strip())[:200],
        original_size=upload.size,
    )
    asset.original.save(upload.name or "upload", upload, save=True)
    _enqueue_processing(asset.pk)
    return asset


@transaction.atomic
def media_slides_upload(
    *,
    actor: User,
    course: Course,
    narration: UploadedFile,
    slides: Sequence[UploadedFile],
    starts: str,
    title: str = "",
) -> MediaAsset:
    """Store slides (images in order, or one PDF) with their narration and
    start times, and queue the lesson video's composition.

    Checked now, so the trainer can correct the form: the narration is audio,
    the slides are pictures or a PDF, and the times fit the slides and the
    narration's length. Raises ``ValidationError`` keyed by form field.
    """
    _can_manage(actor=actor, course=course)
    errors: dict[str, str] = {}
    if not slides:
        raise ValidationError({"slides": _("Add the slides: pictures or one PDF.")})
    is_pdf = len(slides) == 1 and _suffix(slides[0]) == ".pdf"
    count = 0
    if is_pdf:
        try:
            count = processing.pdf_page_count(_required_local_path(slides[0]))
        except processing.MediaError as exc:
            errors["slides"] = error_message(exc.code)
    else:
        bad = [s.name for s in slides if _suffix(s) not in IMAGE_SUFFIXES]
        if bad:
            errors["slides"] = _(
                "Slides must be JPEG, PNG or WebP pictures, or one PDF: %(names)s."
            ) % {"names": ", ".join(str(n) for n in bad)}
        count = len(slides)
        for slide in slides if not bad else ():
            if not _is_picture(slide):
                errors["slides"] = error_message("slide_unreadable")
                break
    if count > settings.MEDIA_SLIDES_MAX_COUNT:
        errors["slides"] = error_message("too_many_slides")
    info = None
    try:
        info = processing.probe(_required_local_path(narration))
        if not info.has_audio:
            raise processing.MediaError("no_audio")
    except processing.MediaError as exc:
        errors["narration"] = error_message(exc.code)
    try:
        times = processing.parse_timings(starts)
        if "slides" not in errors:
            processing.validate_timings(
                times, slides=count, audio_duration=info.duration if info else 0
            )
    except processing.MediaError as exc:
        errors["starts"] = error_message(exc.code)
    if errors:
        raise ValidationError(errors)
    asset = MediaAsset.objects.create(
        course=course,
        created_by=actor,
        kind=MediaAsset.Kind.SLIDES,
        title=canonical(title.strip())[:200],
        original_size=narration.size or 0,
        slide_starts=times,
        duration=info.duration if info else None,
    )
    asset.original.save(narration.name or "narration", narration, save=False)
    if is_pdf:
        asset.slides_pdf.save(slides[0].name or "slides.pdf", slides[0], save=False)
    else:
        asset.slide_images = [
            default_storage.save(
                asset_file_name(asset.pk, f"slide-{i + 1:03d}", _suffix(slide)), slide
            )
            for i, slide in enumerate(slides)
        ]
    asset.save()
    _enqueue_processing(asset.pk)
    return asset


def _required_local_path(upload: UploadedFile) -> Path:
    path = _local_path(upload)
    if path is None:  # the upload views always spool to disk
        raise ValidationError(_("The upload could not be read; try again."))
    return path


def _is_picture(upload: UploadedFile) -> bool:
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
        return True
    except Exception:  # Pillow raises many kinds for a non-image
        return False
    finally:
        upload.seek(0)


@transaction.atomic
def media_subtitles_attach(
    *, actor: User, asset: MediaAsset, upload: UploadedFile, lang: str = ""
) -> MediaAsset:
    """Attach a WebVTT file (checked, stored as NFC UTF-8) to a video."""
    _can_manage(actor=actor, course=asset.course)
    if asset.kind == MediaAsset.Kind.AUDIO:
        raise ValidationError({"subtitles": _("Subtitles go with a video.")})
    code = language_tag(lang.strip()) or asset.course.language
    try:
        text = processing.webvtt_clean(upload.read())
    except processing.MediaError as exc:
        raise ValidationError({"subtitles": error_message(exc.code)}) from exc
    old = asset.subtitles.name
    asset.subtitles.save(
        asset_file_name(asset.pk, "subtitles", ".vtt"),
        ContentFile(text.encode("utf-8")),
        save=False,
    )
    asset.subtitles_lang = code
    asset.save(update_fields=["subtitles", "subtitles_lang", "updated_at"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return asset


@transaction.atomic
@transaction.atomic
def media_asset_retry(*, actor: User, asset: MediaAsset) -> MediaAsset:
    """Process an asset again: after a failure, or when it has waited far
    longer than any run takes (the worker stopped). Nothing uploaded is lost:
    the original is kept until the asset is deleted."""
    _can_manage(actor=actor, course=asset.course)
    asset = MediaAsset.objects.select_for_update().get(pk=asset.pk)
    if not asset.can_retry:
        raise ValidationError(_("This file is still being processed: wait for it."))
    asset.status = MediaAsset.Status.PENDING
    asset.progress = 0
    asset.error_code = asset.error_detail = ""
    asset.save()
    _enqueue_processing(asset.pk)
    return asset


def media_asset_delete(*, actor: User, asset: MediaAsset) -> None:
    """Remove an asset and, once that is committed, its files."""
    _can_manage(actor=actor, course=asset.course)
    names = _asset_file_names(asset)
    asset.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _asset_file_names(asset: MediaAsset) -> list[str]:
    names = [asset.original.name, asset.slides_pdf.name, asset.subtitles.name]
    names += list(asset.slide_images or [])
    names += [r.file.name for r in asset.renditions.all()]
    return [n for n in names if n]


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("Could not delete media file %s", name, exc_info=True)


# --- processing -------------------------------------------------------------------


class _ProgressWriter:
    """Writes an asset's progress as processing goes, a few times a second at most."""

    def __init__(self, asset_id: int, *, start: float = 0.0, end: float = 1.0):
        self.asset_id = asset_id
        self.start, self.end = start, end
        self.written = -1.0
        self.at = 0.0

    def stage(self, start: float, end: float) -> _ProgressWriter:
        self.start, self.end = start, end
        self(0.0)
        return self

    def __call__(self, fraction: float) -> None:
        value = round(self.start + (self.end - self.start) * fraction, 3)
        now = time.monotonic()
        if value <= self.written or (
            now - self.at < 0.5 and value - self.written < 0.1
        ):
            return
        MediaAsset.objects.filter(pk=self.asset_id).update(progress=min(value, 1.0))
        self.written, self.at = value, now


class _LocalFile(File):
    """A finished output, handed to storage as a temporary file so that the
    file system storage moves it into place (one rename) instead of copying."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.open("rb"), name=path.name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


@contextmanager
def _work_dir() -> Iterator[Path]:
    """A temporary folder, on the media disk when storage is local (so moving a
    finished file into place is a rename), removed whatever happens."""
    base = None
    if isinstance(default_storage, FileSystemStorage):
        base = Path(default_storage.location) / ".processing"
        base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="asset-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _local_copy(name: str, work: Path) -> Iterator[Path]:
    """A local path of a stored file (a copy when storage is remote)."""
    try:
        local: Path | None = Path(default_storage.path(name))
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    target = work / f"in-{PurePosixPath(name).name}"
    with default_storage.open(name, "rb") as source, target.open("wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    yield target


def media_asset_process(*, asset_id: int) -> MediaAsset | None:
    """Make an asset's renditions and poster (run by the background task).

    Videos: 360p and 240p MP4s and a poster; audio: one small M4A; slides: the
    lesson video composed by moviepy first, then as a video. Returns the asset,
    or ``None`` if it was deleted meanwhile.
    """
    asset = MediaAsset.objects.filter(pk=asset_id).select_related("course").first()
    if asset is None:
        return None
    if asset.status == MediaAsset.Status.READY:
        return asset
    MediaAsset.objects.filter(pk=asset_id).update(
        status=MediaAsset.Status.PROCESSING,
        progress=0,
        error_code="",
        error_detail="",
        # Marks when this run started: an asset left "processing" far past
        # that is stale (``MediaAsset.is_stale``).
        updated_at=timezone.now(),
    )
    progress = _ProgressWriter(asset_id)
    try:
        with _work_dir() as work:
            outputs, info = _make_outputs(asset, work, progress)
            _store_outputs(asset, outputs, info)
    except processing.MediaError as exc:
        log.info("Media asset %s failed: %s", asset_id, exc)
        _mark_failed(asset_id, exc.code, exc.detail)
    except Exception as exc:
        log.exception("Media asset %s failed", asset_id)
        _mark_failed(asset_id, "internal", repr(exc))
    asset.refresh_from_db()
    return asset


def _mark_failed(asset_id: int, code: str, detail: str) -> None:
    MediaAsset.objects.filter(pk=asset_id).update(
        status=MediaAsset.Status.FAILED, error_code=code, error_detail=detail[:4000]
    )


# (rendition name, local path, mime type, width, height)
_Output = tuple[str, Path, str, int | None, int | None]


def _make_outputs(
    asset: MediaAsset, work: Path, progress: _ProgressWriter
) -> tuple[list[_Output], processing.MediaInfo]:
    with _local_copy(asset.original.name or "", work) as original:
        if asset.kind == MediaAsset.Kind.AUDIO:
            info = processing.probe(original)
            audio = work / "audio.m4a"
            processing.transcode_audio(
                original, audio, info=info, on_progress=progress.stage(0, 0.98)
            )
            return [("audio", audio, "audio/mp4", None, None)], info
        source = original
        if asset.kind == MediaAsset.Kind.SLIDES:
            source = work / "composed.mp4"
            _compose(asset, original, source, work, progress.stage(0, 0.5))
            progress.stage(0.5, 0.95)
        else:
            progress.stage(0, 0.9)
        return _video_outputs(source, work, progress)


def _compose(
    asset: MediaAsset, narration: Path, output: Path, work: Path, progress
) -> None:
    pages = work / "pages"
    pages.mkdir()
    if asset.slides_pdf:
        with _local_copy(asset.slides_pdf.name or "", work) as pdf:
            slides = processing.render_pdf_pages(pdf, pages)
    else:
        slides = []
        for i, name in enumerate(asset.slide_images):
            with _local_copy(name, work) as path:
                copy = pages / f"slide-{i:03d}{PurePosixPath(name).suffix}"
                shutil.copyfile(path, copy)
                slides.append(copy)
    processing.compose_slides(
        slides,
        [float(s) for s in asset.slide_starts],
        narration,
        output,
        fps=settings.MEDIA_SLIDES_FPS,
        on_progress=progress,
    )


def _video_outputs(
    source: Path, work: Path, progress: _ProgressWriter
) -> tuple[list[_Output], processing.MediaInfo]:
    info = processing.probe(source)
    if not info.has_video or not info.width or not info.height:
        raise processing.MediaError("no_video")
    targets = [(r, work / f"{r.name}.mp4") for r in processing.VIDEO_RENDITIONS]
    processing.transcode_video(source, targets, info=info, on_progress=progress)
    outputs: list[_Output] = []
    for rendition, path in targets:
        w, h = rendition.target_size(info.width, info.height)
        outputs.append((rendition.name, path, "video/mp4", w, h))
    poster = work / "poster.jpg"
    processing.make_poster(source, poster, info=info)
    outputs.append(("poster", poster, "image/jpeg", None, None))
    return outputs, info


def _store_outputs(
    asset: MediaAsset, outputs: Sequence[_Output], info: processing.MediaInfo
) -> None:
    """Move every output into storage, then record them all at once."""
    stored: list[str] = []
    try:
        rows = []
        for name, path, mime, width, height in outputs:
            size = path.stat().st_size
            with _LocalFile(path) as file:
                saved = default_storage.save(
                    asset_file_name(asset.pk, name, path.suffix), file
                )
            stored.append(saved)
            rows.append(
                Rendition(
                    asset=asset,
                    name=name,
                    file=saved,
                    mime_type=mime,
                    size_bytes=size,
                    width=width,
                    height=height,
                )
            )
        with transaction.atomic():
            old = list(asset.renditions.all())
            Rendition.objects.filter(pk__in=[r.pk for r in old]).delete()
            Rendition.objects.bulk_create(rows)
            MediaAsset.objects.filter(pk=asset.pk).update(
                status=MediaAsset.Status.READY,
                progress=1.0,
                duration=info.duration or asset.duration,
                width=info.width,
                height=info.height,
                error_code="",
                error_detail="",
            )
            old_names = [r.file.name for r in old if r.file.name]
            transaction.on_commit(lambda: _delete_files(old_names))
    except BaseException:
        _delete_files(stored)
        raise


# --- pictures -------------------------------------------------------------------------


def media_image_upload(
    *, actor: User, course: Course, upload: UploadedFile
) -> tuple[str, int, int]:
    """A picture for an image block, scaled down to a sane width and stored
    without its EXIF (which can carry where a photo was taken).

    Returns its URL, width and height. Raises ``ValidationError``.
    """
    _can_manage(actor=actor, course=course)
    if _suffix(upload) not in IMAGE_SUFFIXES:
        raise ValidationError({"image": _("Upload a JPEG, PNG or WebP picture.")})
    with _work_dir() as work:
        source = _local_path(upload)
        if source is None:
            source = work / f"in{_suffix(upload)}"
            with source.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
        keep_png = _suffix(upload) == ".png" and _has_alpha(source)
        output = work / ("image.png" if keep_png else "image.jpg")
        try:
            width, height = processing.image_downscale(
                source, output, max_width=settings.MEDIA_IMAGE_MAX_WIDTH
            )
        except processing.MediaError as exc:
            raise ValidationError({"image": error_message(exc.code)}) from exc
        with _LocalFile(output) as file:
            name = default_storage.save(
                f"media_images/{course.pk}/image-{secrets.token_hex(8)}{output.suffix}",
                file,
            )
    return default_storage.url(name), width, height


def _has_alpha(path: Path) -> bool:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.mode in ("RGBA", "LA") or "transparency" in image.info
    except OSError:
        return False
