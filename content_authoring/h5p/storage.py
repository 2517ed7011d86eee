"""Where a package's files live in the default storage.

``h5p/<sha256>/...`` is the unpacked tree the player reads (served by
``views.package_file``); ``h5p/originals/<sha256>.h5p`` is the archive as
uploaded, kept for course export. Both are addressed by the archive's SHA-256,
so identical uploads share them and a file never changes once written.
``h5p.json`` is written last: a tree that has it is complete.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage

PREFIX = "h5p"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_MARKER = "h5p.json"


def tree_name(sha256: str, path: str = "") -> str:
    if not _SHA.match(sha256):
        raise ValueError("not a sha256")
    return f"{PREFIX}/{sha256}/{path}" if path else f"{PREFIX}/{sha256}"


def original_name(sha256: str) -> str:
    if not _SHA.match(sha256):
        raise ValueError("not a sha256")
    return f"{PREFIX}/originals/{sha256}.h5p"


def tree_complete(sha256: str) -> bool:
    return default_storage.exists(tree_name(sha256, _MARKER))


def tree_delete(sha256: str) -> None:
    """Remove a package's unpacked tree and its original (files only; a
    file-system storage may leave empty folders)."""
    _delete_dir(tree_name(sha256))
    if default_storage.exists(original_name(sha256)):
        default_storage.delete(original_name(sha256))


def _delete_dir(name: str) -> None:
    try:
        folders, files = default_storage.listdir(name)
    except FileNotFoundError:
        return
    for folder in folders:
        _delete_dir(f"{name}/{folder}")
    for filename in files:
        default_storage.delete(f"{name}/{filename}")


def tree_store(*, sha256: str, root: Path, files: list[str], original: File) -> None:
    """Copy a validated, unpacked package into the storage, once per hash.

    A tree left half-written by an earlier failure is removed first; a failure
    here removes what this call wrote.
    """
    if tree_complete(sha256):
        return
    tree_delete(sha256)
    try:
        for path in sorted(files, key=lambda p: p == _MARKER):
            with (root / path).open("rb") as handle:
                _save_exact(tree_name(sha256, path), File(handle))
        original.seek(0)
        _save_exact(original_name(sha256), original)
    except BaseException:
        tree_delete(sha256)
        raise


def _save_exact(name: str, content: File) -> None:
    saved = default_storage.save(name, content)
    if saved != name:  # a storage renames on conflict; the tree needs exact names
        default_storage.delete(saved)
        raise FileExistsError(name)


def open_file(sha256: str, path: str):
    return default_storage.open(tree_name(sha256, path), "rb")


def file_exists(sha256: str, path: str) -> bool:
    return default_storage.exists(tree_name(sha256, path))


def file_size(sha256: str, path: str) -> int:
    return default_storage.size(tree_name(sha256, path))
