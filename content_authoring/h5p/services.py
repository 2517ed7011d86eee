"""Writes of the H5P sub-app: a trainer uploads a package to a course."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from content_authoring.h5p import storage
from content_authoring.h5p.models import H5PPackage
from content_authoring.h5p.validation import Limits, package_validate
from courses import selectors as course_selectors
from courses.models import Course
from lms.models import User
from lms.text import canonical


@dataclass(frozen=True, slots=True)
class PackageUploaded:
    package: H5PPackage
    created: bool  # False: this course already had this exact file


def _limits() -> Limits:
    return Limits(
        max_bytes=settings.H5P_UPLOAD_MAX_BYTES,
        max_unpacked_bytes=settings.H5P_UNPACKED_MAX_BYTES,
        max_files=settings.H5P_MAX_FILES,
    )


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def h5p_package_upload(*, actor: User, course: Course, upload: File) -> PackageUploaded:
    """Validate an ``.h5p`` file and add it to ``course``'s packages.

    Only the course's trainers and administrators may. The file is checked
    and unpacked in a temporary folder (``validation.package_validate``); only
    a valid package reaches the storage, so a refusal (``H5PInvalid``, a
    ``ValidationError``) leaves nothing behind. Identical files share their
    stored copy; the same file uploaded twice to a course gives the first row.
    """
    if not course_selectors.course_can_manage(user=actor, course=course):
        raise PermissionDenied(_("Only the course's trainers may add H5P packages."))
    sha256 = _sha256(upload)
    existing = H5PPackage.objects.filter(course=course, sha256=sha256).first()
    if existing is not None:
        return PackageUploaded(existing, created=False)
    work = Path(tempfile.mkdtemp(prefix="h5p-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        valid = package_validate(cast(IO[bytes], upload), root=work, limits=_limits())
        storage.tree_store(sha256=sha256, root=work, files=valid.files, original=upload)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    try:
        with transaction.atomic():
            package = H5PPackage.objects.create(
                course=course,
                title=canonical(valid.title)[:255],
                main_library=str(valid.main_library),
                sha256=sha256,
                size=upload.size or 0,
                unpacked_size=valid.unpacked_size,
                file_count=len(valid.files),
                has_questions=valid.has_questions,
                uploaded_by=actor,
            )
    except IntegrityError:
        # The same file uploaded twice at once: the other request made the row.
        return PackageUploaded(
            H5PPackage.objects.get(course=course, sha256=sha256), created=False
        )
    return PackageUploaded(package, created=True)
