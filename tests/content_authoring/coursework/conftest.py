from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from content_authoring.models import Block
from tests.content_authoring.blocks.conftest import client_for  # noqa: F401

RUBRIC = [
    {"name": "Vết ghép", "description": "Vết cắt phẳng, khít", "points": 6},
    {"name": "Buộc dây", "description": "Chặt, kín", "points": 4},
]


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.COURSEWORK_FILES_ROOT = tmp_path / "coursework"
    return settings.COURSEWORK_FILES_ROOT


@pytest.fixture
def assignment(lesson):
    return Block.objects.create(
        lesson=lesson,
        block_type="assignment",
        position=5,
        graded=True,
        fields={
            "instructions": "Chụp ảnh cây cà phê bạn đã ghép.",
            "rubric": RUBRIC,
            "kinds": ["photo", "document"],
            "max_size_mb": 1,
        },
    )


@pytest.fixture
def discussion(lesson):
    return Block.objects.create(
        lesson=lesson,
        block_type="discussion",
        position=6,
        graded=False,
        fields={"prompt": "Bạn tưới cà phê mấy lần mỗi mùa khô?"},
    )


def jpeg_bytes(size=(640, 480), exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (40, 120, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (12.0, 40.0, 0.0)}
        exif[0x010F] = "PhoneMaker"
        kwargs["exif"] = exif
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


def photo(name="anh.jpg", data: bytes | None = None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data or jpeg_bytes(), content_type=content_type)


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(out, "PDF")
    return out.getvalue()
