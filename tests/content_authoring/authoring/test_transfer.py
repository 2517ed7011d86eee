"""Course export and import round-trip exactly, and hostile archives are refused."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from content_authoring import services, transfer
from content_authoring.h5p.models import H5PPackage
from content_authoring.h5p.services import h5p_package_upload
from content_authoring.media.models import MediaAsset, Rendition, asset_file_name
from content_authoring.models import Block
from courses.models import Course
from lms.models import Role
from tests import factories


@pytest.fixture
def rich_course(trainer, shared_fixtures):
    """A course with text, a question, an H5P package, a video asset with
    renditions and subtitles, an uploaded image, a draft edit and a revision."""
    course = factories.make_course(lessons=2, trainers=(trainer,))
    lesson = course.lessons.order_by("position").first()
    with (shared_fixtures / "h5p" / "H5P.TrueFalse.h5p").open("rb") as handle:
        package = h5p_package_upload(
            actor=trainer, course=course, upload=File(handle, name="tf.h5p")
        ).package
    asset = MediaAsset.objects.create(
        course=course, kind="video", title="Ghép cà phê", status="ready", progress=1
    )
    asset.original.name = default_storage.save(
        asset_file_name(asset.pk, "original", ".mp4"), ContentFile(b"\x00mp4 original")
    )
    asset.subtitles.name = default_storage.save(
        asset_file_name(asset.pk, "subtitles", ".vtt"),
        ContentFile("WEBVTT\n\n00:00.000 --> 00:01.000\nXin chào\n".encode()),
    )
    asset.subtitles_lang = "vi"
    asset.save()
    Rendition.objects.create(
        asset=asset,
        name="360p",
        file=default_storage.save(
            asset_file_name(asset.pk, "360p", ".mp4"), ContentFile(b"\x00small")
        ),
        mime_type="video/mp4",
        size_bytes=6,
        width=640,
        height=360,
    )
    image = default_storage.save("images/ca-phe.jpg", ContentFile(b"\xff\xd8jpeg"))
    Block.objects.create(
        lesson=lesson, block_type="h5p", position=3, fields={"package_id": package.pk}
    )
    Block.objects.create(
        lesson=lesson, block_type="video", position=4, fields={"asset_id": asset.pk}
    )
    Block.objects.create(
        lesson=lesson,
        block_type="image",
        position=5,
        fields={
            "src": settings.MEDIA_URL + image,
            "alt": "Cây cà phê",
            "caption": "Cây cà phê ghép",
        },
    )
    services.lesson_publish(actor=trainer, lesson=lesson, note="Bản đầu tiên")
    html = Block.objects.get(lesson=lesson, block_type="html")
    q = QueryDict(mutable=True)
    q["html"] = "<p>Bản nháp: Ê Đê ŏ ư̆</p>"
    services.block_author_save(actor=trainer, block_id=html.pk, data=q)
    return course


def _files(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {
            i.filename: hashlib.sha256(archive.read(i.filename)).hexdigest()
            for i in archive.infolist()
            if i.filename != "course.json"
        }


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("course.json"))
    manifest["course"].pop("slug")
    for module in manifest["modules"]:
        for lesson in module["lessons"]:
            for block in lesson["blocks"]:
                block.pop("ref")
            for revision in lesson["revisions"]:
                for block in revision["blocks"]:
                    block.pop("id")
    return manifest


def test_export_then_import_round_trips_exactly(tmp_path, trainer, rich_course):
    first = transfer.course_export(
        actor=trainer, course=rich_course, to=tmp_path / "a.zip"
    )
    with first.open("rb") as handle:
        copy = transfer.course_import(actor=trainer, archive_file=File(handle))
    assert copy.pk != rich_course.pk and copy.slug != rich_course.slug
    assert list(copy.trainers.all()) == [trainer]
    second = transfer.course_export(actor=trainer, course=copy, to=tmp_path / "b.zip")
    assert _manifest(first) == _manifest(second)
    assert sorted(_files(first).values()) == sorted(_files(second).values())
    # References point at the new installation's rows.
    h5p_block = Block.objects.get(lesson__course=copy, block_type="h5p")
    assert H5PPackage.objects.get(pk=h5p_block.fields["package_id"]).course == copy
    video = Block.objects.get(lesson__course=copy, block_type="video")
    asset = MediaAsset.objects.get(pk=video.fields["asset_id"])
    assert asset.course == copy and asset.renditions.get().width == 640
    image = Block.objects.get(lesson__course=copy, block_type="image")
    name = image.fields["src"][len(settings.MEDIA_URL) :]
    assert default_storage.open(name).read() == b"\xff\xd8jpeg"
    # The draft, the NFC text and the history came along.
    html = Block.objects.get(lesson__course=copy, block_type="html", lesson__position=1)
    assert html.draft["fields"]["html"] == "<p>Bản nháp: Ê Đê ŏ ư̆</p>"
    assert copy.lessons.get(position=1).revisions.get().note == "Bản đầu tiên"


def test_only_the_course_trainers_export(tmp_path, rich_course):
    with pytest.raises(PermissionDenied):
        transfer.course_export(
            actor=factories.make_user(Role.TRAINER),
            course=rich_course,
            to=tmp_path / "x.zip",
        )


def test_learners_cannot_import(db, tmp_path):
    with pytest.raises(PermissionDenied):
        transfer.course_import(
            actor=factories.make_user(Role.LEARNER), archive_file=io.BytesIO(b"x")
        )


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def _course_json(**extra) -> bytes:
    manifest = {
        "format": "daklak-course",
        "version": 1,
        "course": {
            "title": "Khoá nhập",
            "program": {"slug": "p-import", "name": "Nhập", "track": "vocational"},
        },
        "h5p": [],
        "media": [],
        "modules": [],
        **extra,
    }
    return json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ({"x.txt": b"hello"}, "lacks"),
        ({"course.json": b"{not json"}, "damaged"),
        ({"course.json": json.dumps({"format": "other"}).encode()}, "not a course"),
        ({"course.json": _course_json(version=99)}, "version"),
        ({"course.json": _course_json(), "../evil.txt": b"x"}, "outside"),
        (
            {
                "course.json": _course_json(
                    media=[
                        {
                            "ref": "1",
                            "kind": "video",
                            "original": "media/1/run.php",
                            "renditions": [],
                        }
                    ]
                ),
                "media/1/run.php": b"<?php",
            },
            "not accepted",
        ),
    ],
)
def test_bad_archives_are_refused_and_leave_nothing(trainer, entries, words):
    before = Course.objects.count()
    with translation.override("en"), pytest.raises(transfer.ArchiveInvalid) as exc:
        transfer.course_import(actor=trainer, archive_file=_zip(entries))
    assert words in " ".join(exc.value.messages)
    assert Course.objects.count() == before
    assert not MediaAsset.objects.exists()


def test_not_a_zip_is_refused(trainer):
    with pytest.raises(transfer.ArchiveInvalid):
        transfer.course_import(actor=trainer, archive_file=io.BytesIO(b"PK no"))


def test_archive_with_too_many_files_is_refused(trainer, settings):
    settings.COURSE_ARCHIVE_MAX_FILES = 3
    entries = {"course.json": _course_json(), **{f"f{i}": b"" for i in range(5)}}
    with pytest.raises(transfer.ArchiveInvalid):
        transfer.course_import(actor=trainer, archive_file=_zip(entries))


def test_export_and_import_through_the_pages(client, trainer, rich_course):
    client.force_login(trainer)
    response = client.get(reverse("authoring:course_export", args=[rich_course.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    upload = ContentFile(data, name="course.zip")
    response = client.post(reverse("authoring:course_import"), {"archive": upload})
    assert response.status_code == 302
    assert Course.objects.filter(title=rich_course.title).count() == 2


def test_import_page_refuses_a_non_archive_with_a_message(client, trainer):
    client.force_login(trainer)
    response = client.post(
        reverse("authoring:course_import"),
        {"archive": ContentFile(b"hello", name="x.zip")},
        follow=True,
    )
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
