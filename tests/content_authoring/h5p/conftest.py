from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import FIXTURES

H5P_FIXTURES = FIXTURES / "h5p"


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    # Each test sees an empty storage, so "nothing left on disk" is checkable.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()


def fixture_upload(name: str) -> SimpleUploadedFile:
    path = H5P_FIXTURES / name
    return SimpleUploadedFile(path.name, path.read_bytes())


def media_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def temp_files() -> list[str]:
    root = Path(settings.FILE_UPLOAD_TEMP_DIR)
    return sorted(str(p) for p in root.rglob("*"))


def library_json(name: str, major: int, minor: int, deps=(), js=("lib.js",)) -> bytes:
    return json.dumps(
        {
            "title": name,
            "machineName": name,
            "majorVersion": major,
            "minorVersion": minor,
            "patchVersion": 0,
            "preloadedJs": [{"path": p} for p in js],
            "preloadedDependencies": [
                {"machineName": d, "majorVersion": a, "minorVersion": b}
                for d, a, b in deps
            ],
        }
    ).encode()


def make_package(
    extra: dict[str, bytes] | None = None,
    *,
    drop: tuple[str, ...] = (),
    h5p_json: dict | None = None,
) -> bytes:
    """A small valid package (H5P.Demo 1.0 needing H5P.Base 2.3) with changes."""
    files: dict[str, bytes] = {
        "h5p.json": json.dumps(
            h5p_json
            or {
                "title": "Cà phê",
                "mainLibrary": "H5P.Demo",
                "preloadedDependencies": [
                    {"machineName": "H5P.Demo", "majorVersion": 1, "minorVersion": 0}
                ],
            }
        ).encode(),
        "content/content.json": b'{"text": "xin ch\\u00e0o"}',
        "H5P.Demo-1.0/library.json": library_json(
            "H5P.Demo", 1, 0, deps=[("H5P.Base", 2, 3)]
        ),
        "H5P.Demo-1.0/lib.js": b"H5P.Demo = function () {};",
        "H5P.Base-2.3/library.json": library_json("H5P.Base", 2, 3),
        "H5P.Base-2.3/lib.js": b"",
    }
    for name in drop:
        files.pop(name)
    files.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def upload_of(data: bytes, name: str = "package.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def copy_fixture(name: str, to: Path) -> Path:
    return Path(shutil.copy(H5P_FIXTURES / name, to))
