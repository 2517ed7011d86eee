"""Course export to one archive, and import of that archive elsewhere.

The archive is a zip file::

    course.json                 structure, block content, drafts, history
    h5p/<sha256>.h5p            every H5P package of the course, as uploaded
    media/<ref>/<name>          every media asset's files (original, renditions,
                                poster, subtitles, slides) as they are
    files/<name>                files that block fields point at (images)

Blocks refer to packages and assets by ids that mean nothing on another
installation; the archive replaces them by references (``"h5p:3"``,
``"media:7"``, ``"file:images/x.jpg"``) and import maps them back to the new
rows. Import re-validates every H5P package (``h5p_package_upload``) and
accepts media files only with the extensions the platform makes, so an
archive is no more trusted than an upload. Import is all or nothing: files
written before a failure are deleted.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from content_authoring.h5p import storage as h5p_storage
from content_authoring.h5p.models import H5PPackage
from content_authoring.h5p.services import h5p_package_upload
from content_authoring.media.models import MediaAsset, Rendition, asset_file_name
from content_authoring.models import Block, LessonRevision
from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Course, Lesson, Module, Program
from lms.models import User

FORMAT = "daklak-course"
VERSION = 1

# Block fields that hold an id of this installation, by block type.
_H5P_FIELDS = {"h5p": ("package_id",)}
_MEDIA_FIELDS = {"video": ("asset_id",), "audio": ("asset_id",), "image": ("asset_id",)}
# Block fields that may hold a path under MEDIA_URL (an uploaded file).
_URL_FIELDS = ("src", "poster", "subtitles")

_MEDIA_SUFFIXES = {
    ".mp4",
    ".m4a",
    ".mp3",
    ".ogg",
    ".opus",
    ".webm",
    ".wav",
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".vtt",
    ".pdf",
    ".mov",
    ".mkv",
    ".aac",
    ".flac",
}
_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class ArchiveInvalid(ValidationError):
    """The archive cannot be imported; the message says why."""


# --- export ---------------------------------------------------------------------------


@dataclass
class _Exporter:
    archive: zipfile.ZipFile
    course: Course
    h5p_refs: dict[int, str] = field(default_factory=dict)
    media_refs: dict[int, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # storage name -> archive

    def add_storage_file(self, name: str, arcname: str) -> None:
        with (
            default_storage.open(name, "rb") as handle,
            self.archive.open(arcname, "w", force_zip64=True) as out,
        ):
            shutil.copyfileobj(handle, out, 1024 * 1024)

    def file_ref(self, url: str) -> str:
        """``file:<archive path>`` for a URL of an uploaded file, else the URL."""
        media_url = settings.MEDIA_URL
        if not isinstance(url, str) or not url.startswith(media_url):
            return url
        name = url[len(media_url) :]
        if not default_storage.exists(name):
            return url
        if name not in self.files:
            # Named by content: the same file exports to the same name however
            # the storage named it.
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
            suffix = PurePosixPath(name).suffix.lower()
            arcname = f"files/{digest.hexdigest()[:32]}{suffix}"
            if arcname not in self.archive.namelist():
                self.add_storage_file(name, arcname)
            self.files[name] = arcname
        return f"file:{self.files[name][len('files/') :]}"

    def fields_out(self, block_type: str, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        for name in _H5P_FIELDS.get(block_type, ()):
            if out.get(name) is not None:
                out[name] = self.h5p_refs.get(out[name], None)
        for name in _MEDIA_FIELDS.get(block_type, ()):
            if out.get(name) is not None:
                out[name] = self.media_refs.get(out[name], None)
        for name in _URL_FIELDS:
            if isinstance(out.get(name), str):
                out[name] = self.file_ref(out[name])
        return out


def _media_entry(exporter: _Exporter, asset: MediaAsset, ref: str) -> dict[str, Any]:
    def put(name: str | None, role: str) -> str:
        # Named by role, not by the storage's random name: exporting an
        # imported course gives the same archive.
        if not name:
            return ""
        arcname = f"media/{ref}/{role}{PurePosixPath(name).suffix.lower()}"
        exporter.add_storage_file(name, arcname)
        return arcname

    return {
        "ref": ref,
        "kind": asset.kind,
        "title": asset.title,
        "status": asset.status,
        "duration": asset.duration,
        "width": asset.width,
        "height": asset.height,
        "original": put(asset.original.name, "original"),
        "original_size": asset.original_size,
        "slides_pdf": put(asset.slides_pdf.name, "slides") if asset.slides_pdf else "",
        "slide_images": [
            put(n, f"slide-{i}") for i, n in enumerate(asset.slide_images or [], 1)
        ],
        "slide_starts": asset.slide_starts,
        "subtitles": put(asset.subtitles.name, "subtitles") if asset.subtitles else "",
        "subtitles_lang": asset.subtitles_lang,
        "renditions": [
            {
                "name": r.name,
                "file": put(r.file.name, r.name),
                "mime_type": r.mime_type,
                "size_bytes": r.size_bytes,
                "width": r.width,
                "height": r.height,
            }
            for r in asset.renditions.all()
        ],
    }


def course_export(*, actor: User, course: Course, to: Path) -> Path:
    """Write ``course`` (content only, no learner data) to a zip file at ``to``."""
    if not course_selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may export it."))
    with zipfile.ZipFile(to, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        exporter = _Exporter(archive=archive, course=course)
        packages = []
        for n, package in enumerate(
            H5PPackage.objects.filter(course=course).order_by("pk"), start=1
        ):
            ref = f"h5p:{n}"
            exporter.h5p_refs[package.pk] = ref
            arcname = f"h5p/{package.sha256}.h5p"
            if arcname not in archive.namelist():
                exporter.add_storage_file(
                    h5p_storage.original_name(package.sha256), arcname
                )
            packages.append({"ref": ref, "title": package.title, "file": arcname})
        media = []
        for n, asset in enumerate(
            MediaAsset.objects.filter(course=course)
            .prefetch_related("renditions")
            .order_by("pk"),
            start=1,
        ):
            ref = f"media:{n}"
            exporter.media_refs[asset.pk] = ref
            media.append(_media_entry(exporter, asset, f"{n}"))
        modules = []
        for module in course.modules.order_by("position", "pk"):
            lessons = []
            for lesson in module.lessons.order_by("position", "pk"):
                blocks = []
                for block in Block.objects.filter(lesson=lesson).order_by(
                    "position", "pk"
                ):
                    draft = block.draft
                    if draft and "fields" in draft:
                        draft = {
                            **draft,
                            "fields": exporter.fields_out(
                                block.block_type, draft["fields"]
                            ),
                        }
                    blocks.append(
                        {
                            "ref": f"block:{block.pk}",
                            "block_type": block.block_type,
                            "position": block.position,
                            "fields": exporter.fields_out(
                                block.block_type, block.fields
                            ),
                            "required": block.required,
                            "graded": block.graded,
                            "weight": block.weight,
                            "live": block.live,
                            "draft": draft,
                        }
                    )
                lessons.append(
                    {
                        "title": lesson.title,
                        "position": lesson.position,
                        "status": lesson.status,
                        "estimated_minutes": lesson.estimated_minutes,
                        "blocks": blocks,
                        "revisions": [
                            {
                                "number": r.number,
                                "note": r.note,
                                "created_at": r.created_at.isoformat(),
                                "blocks": [
                                    {
                                        **b,
                                        "id": f"block:{b.get('id')}",
                                        "fields": exporter.fields_out(
                                            b.get("block_type", ""),
                                            b.get("fields", {}),
                                        ),
                                    }
                                    for b in r.blocks
                                ],
                            }
                            for r in lesson.revisions.order_by("number")
                        ],
                    }
                )
            modules.append(
                {"title": module.title, "position": module.position, "lessons": lessons}
            )
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "course": {
                "slug": course.slug,
                "title": course.title,
                "summary": course.summary,
                "description": course.description,
                "language": course.language,
                "target_group": course.target_group,
                "enrollment_mode": course.enrollment_mode,
                "hours": course.hours,
                "pass_mark": course.pass_mark,
                "program": {
                    "slug": course.program.slug,
                    "name": course.program.name,
                    "track": course.program.track,
                },
            },
            "h5p": packages,
            "media": media,
            "modules": modules,
        }
        archive.writestr(
            "course.json", json.dumps(manifest, ensure_ascii=False, indent=1)
        )
    return to


# --- import ---------------------------------------------------------------------------


def _archive_limits() -> tuple[int, int]:
    return (
        settings.COURSE_ARCHIVE_MAX_BYTES,
        settings.COURSE_ARCHIVE_MAX_FILES,
    )


def _check_archive(archive: zipfile.ZipFile) -> None:
    max_bytes, max_files = _archive_limits()
    infos = archive.infolist()
    if len(infos) > max_files:
        raise ArchiveInvalid(
            _("The archive holds too many files (at most %(n)s).") % {"n": max_files}
        )
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if (
            name.startswith("/")
            or "\\" in name
            or ".." in parts
            or (info.external_attr >> 16) & 0o170000 == 0o120000  # a symlink
        ):
            raise ArchiveInvalid(
                _("The archive has a file outside its folder: %(name)s.")
                % {"name": name}
            )
        total += info.file_size
    if total > max_bytes:
        raise ArchiveInvalid(_("The archive unpacks to more than the limit."))


@dataclass
class _Importer:
    archive: zipfile.ZipFile
    work: Path
    saved: list[str] = field(default_factory=list)  # storage names written
    h5p_ids: dict[str, int] = field(default_factory=dict)
    media_ids: dict[str, int] = field(default_factory=dict)
    file_urls: dict[str, str] = field(default_factory=dict)

    def read(self, arcname: str, *, limit: int) -> bytes:
        """An archive member, reading at most ``limit`` bytes (headers lie)."""
        try:
            with self.archive.open(arcname) as handle:
                data = handle.read(limit + 1)
        except KeyError as exc:
            raise ArchiveInvalid(
                _("The archive lacks %(name)s.") % {"name": arcname}
            ) from exc
        if len(data) > limit:
            raise ArchiveInvalid(_("The archive unpacks to more than the limit."))
        return data

    def extract(self, arcname: str) -> Path:
        max_bytes, _files = _archive_limits()
        target = self.work / hashlib.sha256(arcname.encode()).hexdigest()
        try:
            with self.archive.open(arcname) as source, target.open("wb") as out:
                copied = 0
                while chunk := source.read(1024 * 1024):
                    copied += len(chunk)
                    if copied > max_bytes:
                        raise ArchiveInvalid(
                            _("The archive unpacks to more than the limit.")
                        )
                    out.write(chunk)
        except KeyError as exc:
            raise ArchiveInvalid(
                _("The archive lacks %(name)s.") % {"name": arcname}
            ) from exc
        return target

    def store_media_file(self, arcname: str, asset_id: int, stem: str) -> str:
        if not arcname:
            return ""
        suffix = PurePosixPath(arcname).suffix.lower()
        if suffix not in _MEDIA_SUFFIXES:
            raise ArchiveInvalid(
                _("The archive has a media file of a kind not accepted: %(name)s.")
                % {"name": arcname}
            )
        path = self.extract(arcname)
        with path.open("rb") as handle:
            name = default_storage.save(
                asset_file_name(asset_id, stem, suffix), File(handle)
            )
        self.saved.append(name)
        return name

    def file_url(self, ref: str) -> str:
        rel = ref[len("file:") :]
        if rel in self.file_urls:
            return self.file_urls[rel]
        parts = PurePosixPath(rel).parts
        suffix = PurePosixPath(rel).suffix.lower()
        if (
            not parts
            or not all(_SAFE_PART.match(p) for p in parts)
            or (suffix not in _MEDIA_SUFFIXES)
        ):
            raise ArchiveInvalid(
                _("The archive has a file of a kind not accepted: %(name)s.")
                % {"name": rel}
            )
        path = self.extract(f"files/{rel}")
        with path.open("rb") as handle:
            name = default_storage.save(posixpath.join("imported", rel), File(handle))
        self.saved.append(name)
        url = settings.MEDIA_URL + name
        self.file_urls[rel] = url
        return url

    def fields_in(self, block_type: str, fields: Any) -> dict[str, Any]:
        if not isinstance(fields, dict):
            raise ArchiveInvalid(_("The archive's course description is damaged."))
        out = dict(fields)
        for name in _H5P_FIELDS.get(block_type, ()):
            if out.get(name) is not None:
                out[name] = self.h5p_ids.get(out[name])
        for name in _MEDIA_FIELDS.get(block_type, ()):
            if out.get(name) is not None:
                out[name] = self.media_ids.get(out[name])
        for name in _URL_FIELDS:
            value = out.get(name)
            if isinstance(value, str) and value.startswith("file:"):
                out[name] = self.file_url(value)
        return out


def _manifest(importer: _Importer) -> dict[str, Any]:
    raw = importer.read("course.json", limit=20 * 1024 * 1024)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveInvalid(_("The archive's course description is damaged.")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveInvalid(_("This is not a course archive of this platform."))
    if manifest.get("version") != VERSION:
        raise ArchiveInvalid(
            _("This course archive's version (%(v)s) is not supported.")
            % {"v": manifest.get("version")}
        )
    return manifest


def _import_media(importer: _Importer, course: Course, actor: User, item) -> None:
    """One media asset of the archive: its row, files and renditions."""
    asset = MediaAsset.objects.create(
        course=course,
        created_by=actor,
        kind=item["kind"],
        title=item.get("title", ""),
        status=item.get("status", MediaAsset.Status.READY),
        progress=1.0 if item.get("status") == MediaAsset.Status.READY else 0.0,
        duration=item.get("duration"),
        width=item.get("width"),
        height=item.get("height"),
        original_size=item.get("original_size", 0),
        slide_starts=item.get("slide_starts") or [],
        subtitles_lang=item.get("subtitles_lang", ""),
    )
    asset.original.name = importer.store_media_file(
        item.get("original", ""), asset.pk, "original"
    )
    if item.get("slides_pdf"):
        asset.slides_pdf.name = importer.store_media_file(
            item["slides_pdf"], asset.pk, "slides"
        )
    asset.slide_images = [
        importer.store_media_file(n, asset.pk, f"slide-{i}")
        for i, n in enumerate(item.get("slide_images") or [], start=1)
    ]
    if item.get("subtitles"):
        asset.subtitles.name = importer.store_media_file(
            item["subtitles"], asset.pk, "subtitles"
        )
    asset.save()
    for rendition in item.get("renditions", []):
        Rendition.objects.create(
            asset=asset,
            name=rendition["name"],
            file=importer.store_media_file(
                rendition["file"], asset.pk, rendition["name"]
            ),
            mime_type=rendition.get("mime_type", ""),
            size_bytes=rendition.get("size_bytes", 0),
            width=rendition.get("width"),
            height=rendition.get("height"),
        )
    importer.media_ids[f"media:{item['ref']}"] = asset.pk


def course_import(
    *, actor: User, archive_file: File, program: Program | None = None
) -> Course:
    """Make a new draft course from an exported archive; ``actor`` becomes its
    trainer. Raises ``ArchiveInvalid`` (nothing is kept) or ``PermissionDenied``.
    """
    if not course_services.course_can_create(user=actor):
        raise PermissionDenied(_("Only trainers and administrators create courses."))
    try:
        archive = zipfile.ZipFile(archive_file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveInvalid(
            _("This file is not a course archive (not a zip).")
        ) from exc
    work = Path(tempfile.mkdtemp(prefix="course-import-"))
    importer = _Importer(archive=archive, work=work)
    try:
        with archive, transaction.atomic():
            _check_archive(archive)
            manifest = _manifest(importer)
            course = _import_course(importer, manifest, actor, program)
    except BaseException:
        for name in importer.saved:
            default_storage.delete(name)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return course


def _import_course(
    importer: _Importer, manifest: dict, actor: User, program: Program | None
) -> Course:
    try:
        info = manifest["course"]
        if program is None:
            p = info["program"]
            program, _created = Program.objects.get_or_create(
                slug=p["slug"], defaults={"name": p["name"], "track": p["track"]}
            )
        course = course_services.course_create(
            actor=actor,
            program=program,
            title=info["title"],
            summary=info.get("summary", ""),
            description=info.get("description", ""),
            language=info.get("language", "vi"),
            target_group=info.get("target_group", "everyone"),
            enrollment_mode=info.get("enrollment_mode", "open"),
            hours=info.get("hours", 0),
            pass_mark=info.get("pass_mark", 0.5),
        )
        for package in manifest.get("h5p", []):
            path = importer.extract(package["file"])
            with path.open("rb") as handle:
                uploaded = h5p_package_upload(
                    actor=actor,
                    course=course,
                    upload=File(handle, name=PurePosixPath(package["file"]).name),
                )
            importer.h5p_ids[package["ref"]] = uploaded.package.pk
        for item in manifest.get("media", []):
            _import_media(importer, course, actor, item)
        for m in manifest.get("modules", []):
            module = Module.objects.create(
                course=course, title=m["title"], position=m["position"]
            )
            for lesson_info in m.get("lessons", []):
                _import_lesson(importer, course, module, lesson_info)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ArchiveInvalid(_("The archive's course description is damaged.")) from exc
    return course


def _import_lesson(
    importer: _Importer, course: Course, module: Module, info: dict
) -> None:
    lesson = Lesson.objects.create(
        module=module,
        course=course,
        title=info["title"],
        position=info["position"],
        status=info.get("status", "draft"),
        estimated_minutes=info.get("estimated_minutes", 10),
    )
    block_ids: dict[str, int] = {}
    for b in info.get("blocks", []):
        draft = b.get("draft")
        if isinstance(draft, dict) and "fields" in draft:
            draft = {
                **draft,
                "fields": importer.fields_in(b["block_type"], draft["fields"]),
            }
        block = Block.objects.create(
            lesson=lesson,
            block_type=str(b["block_type"])[:64],
            position=int(b["position"]),
            fields=importer.fields_in(b["block_type"], b["fields"]),
            required=bool(b.get("required", True)),
            graded=bool(b.get("graded", False)),
            weight=float(b.get("weight", 1.0)),
            live=bool(b.get("live", True)),
            draft=draft,
        )
        block_ids[b["ref"]] = block.pk
    for r in info.get("revisions", []):
        revision = LessonRevision.objects.create(
            lesson=lesson,
            number=int(r["number"]),
            note=str(r["note"])[:500],
            author=None,
            blocks=[
                {
                    **b,
                    "id": block_ids.get(b.get("id")),
                    "fields": importer.fields_in(
                        b.get("block_type", ""), b.get("fields", {})
                    ),
                }
                for b in r.get("blocks", [])
            ],
        )
        created = parse_datetime(r.get("created_at", "") or "")
        if created is not None:
            LessonRevision.objects.filter(pk=revision.pk).update(created_at=created)


def archive_name(course: Course) -> str:
    return f"{course.slug}.daklak-course.zip"


__all__ = [
    "ArchiveInvalid",
    "archive_name",
    "course_export",
    "course_import",
]
