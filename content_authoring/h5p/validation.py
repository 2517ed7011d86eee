"""Validation of an uploaded ``.h5p`` package, as it is unpacked.

An ``.h5p`` file is a zip: ``h5p.json`` (title, main library, dependencies),
``content/`` (``content.json`` and media) and one folder per library
(``H5P.MultiChoice-1.14/library.json`` and its JS, CSS, fonts...). The rules
follow H5P core's own validator (``H5PValidator`` in h5p-php-library), made
stricter where a trainer's package would otherwise put files on our disk that
H5P would not:

* the archive is a real zip, at most ``H5P_UPLOAD_MAX_BYTES``; it unpacks to at
  most ``H5P_UNPACKED_MAX_BYTES`` in at most ``H5P_MAX_FILES`` files. The sizes
  the zip declares are checked first and the bytes actually unpacked are
  counted again while unpacking (a zip bomb can lie in its headers);
* no absolute paths, no ``..``, no backslashes, no symbolic links, no
  encrypted or duplicate entries;
* only the file extensions H5P core allows: ``CONTENT_EXTENSIONS``
  everywhere, plus ``js`` and ``css`` inside library folders. Entries whose
  name or folder starts with ``.`` or ``_`` (``__MACOSX``, ``.DS_Store``) are
  skipped, as H5P core skips them;
* ``h5p.json`` and ``content/content.json`` are valid JSON; ``h5p.json`` names
  a title, a main library and its preloaded dependencies;
* every library needed to play (the main library and the preloaded
  dependencies, followed through each ``library.json``) is in the package with
  the same major.minor version, and the JS and CSS files a library preloads
  exist;
* SVG images carrying script are refused, not cleaned: a cleaned picture
  might no longer be what the trainer made, and a refusal names the file so
  they can fix it. Package files are also served with a sandboxing CSP and
  only ever loaded inside the sandboxed player frame.

Everything is unpacked into a directory the caller owns and removes.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree

# H5PCore::$defaultContentWhitelist and $defaultLibraryWhitelistExtras
# (h5p-php-library, h5p.classes.php).
CONTENT_EXTENSIONS = frozenset(
    [
        "json",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "eot",
        "ttf",
        "woff",
        "woff2",
        "otf",
        "webm",
        "mp4",
        "ogg",
        "mp3",
        "m4a",
        "wav",
        "txt",
        "pdf",
        "rtf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "xml",
        "csv",
        "diff",
        "patch",
        "swf",
        "md",
        "textile",
        "vtt",
        "webvtt",
        "gltf",
        "glb",
    ]
)
LIBRARY_EXTRA_EXTENSIONS = frozenset({"js", "css"})

# Whether a package "has questions" (``ValidPackage.has_questions``) decides
# how its block completes: with questions, by the score H5P reports (the
# block's ``xapi`` handler); without, as soon as it is shown (``viewed``).
# A package has questions when a library it needs to play reports a score of
# its own, known either way:
#
# * by name: H5P.Question (the base of H5P's single questions) and the
#   content types below, which score what the learner does;
# * by its code: a library whose preloaded JavaScript reports a scored xAPI
#   statement (``triggerXAPIScored``, ``triggerXAPICompleted`` or
#   ``setScoredResult``): H5P.Flashcards, for one, ends with
#   ``triggerXAPICompleted(score, maxScore)``. This catches scoring content
#   types missing from the list.
#
# Containers do not count by themselves: they report the total of the
# questions they hold, and those questions are among the package's libraries
# too. A Column or Course Presentation holding only text has no questions and
# completes when shown, where its own (empty) total could never be recorded.
_SCORING_LIBRARIES = frozenset(
    {
        "H5P.Question",
        "H5P.MultiChoice",
        "H5P.TrueFalse",
        "H5P.Blanks",
        "H5P.SingleChoiceSet",
        "H5P.DragQuestion",
        "H5P.DragText",
        "H5P.MarkTheWords",
        "H5P.Summary",
        "H5P.Essay",
        "H5P.Flashcards",
        "H5P.ImageMultipleHotspotQuestion",
        "H5P.ImageHotspotQuestion",
        "H5P.Crossword",
        "H5P.Dictation",
        "H5P.ArithmeticQuiz",
        "H5P.SpeakTheWords",
        "H5P.SortParagraphs",
        "H5P.ImageSequencing",
        "H5P.ImagePair",
        "H5P.MemoryGame",
        "H5P.MultiMediaChoice",
    }
)
_CONTAINER_LIBRARIES = frozenset(
    {
        "H5P.BranchingScenario",
        "H5P.Column",
        "H5P.CoursePresentation",
        "H5P.InteractiveBook",
        "H5P.InteractiveVideo",
        "H5P.QuestionSet",
        "H5P.SpeakTheWordsSet",
    }
)
_REPORTS_SCORE = re.compile(
    rb"\b(?:triggerXAPIScored|triggerXAPICompleted|setScoredResult)\s*\("
)

_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_MACHINE_NAME = re.compile(r"^[\w.-]{1,255}$")
_SHOWN = 5  # file names quoted in one message


class H5PInvalid(ValidationError):
    """The package is refused; the message says why in the trainer's words."""


@dataclass(frozen=True, slots=True)
class LibraryRef:
    machine_name: str
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass(slots=True)
class ValidPackage:
    """What a valid package holds, unpacked under ``root``."""

    root: Path
    title: str
    main_library: LibraryRef
    h5p_json: dict[str, Any]
    files: list[str] = field(default_factory=list)  # posix paths under root
    unpacked_size: int = 0
    has_questions: bool = False
    libraries: list[LibraryRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int
    max_files: int


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN])
    if len(names) > _SHOWN:
        shown += _(" and %(count)d more") % {"count": len(names) - _SHOWN}
    return shown


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


# --- the archive -----------------------------------------------------------------


def _open_zip(archive: IO[bytes], limits: Limits) -> zipfile.ZipFile:
    archive.seek(0, 2)
    size = archive.tell()
    archive.seek(0)
    if size > limits.max_bytes:
        raise H5PInvalid(
            _("The package is too large: the limit is %(size)s.")
            % {"size": filesizeformat(limits.max_bytes)},
            code="too_large",
        )
    try:
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise H5PInvalid(
            _(
                "This file is not an H5P package: an .h5p file is a zip archive,"
                " and this one cannot be opened."
            ),
            code="not_zip",
        ) from exc


def _check_entry_name(name: str) -> None:
    if "\\" in name or "\x00" in name:
        raise H5PInvalid(
            _("The package holds a file with a forbidden name: %(name)s.")
            % {"name": name},
            code="bad_name",
        )
    if name.startswith("/") or _DRIVE.match(name):
        raise H5PInvalid(
            _("The package holds a file with an absolute path: %(name)s.")
            % {"name": name},
            code="absolute_path",
        )
    parts = name.rstrip("/").split("/")
    if any(part == ".." for part in parts):
        raise H5PInvalid(
            _("The package holds a path that leaves its folder: %(name)s.")
            % {"name": name},
            code="path_traversal",
        )
    if any(part in ("", ".") for part in parts):
        raise H5PInvalid(
            _("The package holds a file with a forbidden name: %(name)s.")
            % {"name": name},
            code="bad_name",
        )


def _skipped(name: str) -> bool:
    """H5P core ignores files and folders whose name starts with . or _."""
    return any(part[:1] in (".", "_") for part in name.rstrip("/").split("/"))


def _allowed(name: str) -> bool:
    ext = _extension(name)
    if "/" in name and not name.startswith("content/"):
        return ext in CONTENT_EXTENSIONS or ext in LIBRARY_EXTRA_EXTENSIONS
    return ext in CONTENT_EXTENSIONS


def _entries(zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """The file entries to unpack, after every check that needs no unpacking."""
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        raise H5PInvalid(
            _("The package holds too many files: the limit is %(count)d.")
            % {"count": limits.max_files},
            code="too_many_files",
        )
    seen: set[str] = set()
    refused: list[str] = []
    files: list[zipfile.ZipInfo] = []
    declared = 0
    for info in infos:
        name = info.filename
        _check_entry_name(name)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise H5PInvalid(
                _("The package holds a symbolic link, which is not allowed: %(name)s.")
                % {"name": name},
                code="symlink",
            )
        if info.flag_bits & 0x1:
            raise H5PInvalid(
                _("The package holds an encrypted file: %(name)s.") % {"name": name},
                code="encrypted",
            )
        key = name.rstrip("/").lower()
        if key in seen:
            raise H5PInvalid(
                _("The package holds the same file twice: %(name)s.") % {"name": name},
                code="duplicate",
            )
        seen.add(key)
        declared += info.file_size
        if info.is_dir() or _skipped(name):
            continue
        if not _allowed(name):
            refused.append(name)
        files.append(info)
    if refused:
        raise H5PInvalid(
            _(
                "The package holds files of a type H5P does not allow: %(names)s."
                " Allowed types: %(allowed)s."
            )
            % {
                "names": _names(refused),
                "allowed": ", ".join(sorted(CONTENT_EXTENSIONS)),
            },
            code="file_type",
        )
    if declared > limits.max_unpacked_bytes:
        raise _too_big_unpacked(limits)
    return files


def _too_big_unpacked(limits: Limits) -> H5PInvalid:
    return H5PInvalid(
        _("The package unpacks to more than %(size)s, which is not allowed.")
        % {"size": filesizeformat(limits.max_unpacked_bytes)},
        code="too_large_unpacked",
    )


def _unpack(
    zf: zipfile.ZipFile, files: list[zipfile.ZipInfo], root: Path, limits: Limits
) -> int:
    """Unpack ``files`` under ``root``, counting the bytes really written."""
    total = 0
    root = root.resolve()
    for info in files:
        target = (root / info.filename).resolve()
        if not target.is_relative_to(root):  # _check_entry_name already refused it
            raise H5PInvalid(
                _("The package holds a path that leaves its folder: %(name)s.")
                % {"name": info.filename},
                code="path_traversal",
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with zf.open(info) as source, target.open("xb") as out:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if written > info.file_size or total > limits.max_unpacked_bytes:
                        raise _too_big_unpacked(limits)
                    out.write(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            raise H5PInvalid(
                _("The package is damaged: %(name)s cannot be unpacked.")
                % {"name": info.filename},
                code="damaged",
            ) from exc
        except (NotImplementedError, RuntimeError) as exc:
            raise H5PInvalid(
                _("The package uses a zip compression this site cannot read.")
                + f" ({info.filename})",
                code="compression",
            ) from exc
    return total


# --- h5p.json and libraries --------------------------------------------------------


def _read_json(root: Path, name: str, *, missing: str, broken: str) -> Any:
    path = root / name
    if not path.is_file():
        raise H5PInvalid(missing, code="missing_json")
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise H5PInvalid(broken, code="broken_json") from exc


def _version(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _ref(value: Any) -> LibraryRef | None:
    if not isinstance(value, dict):
        return None
    name = value.get("machineName")
    major, minor = (
        _version(value.get("majorVersion")),
        _version(value.get("minorVersion")),
    )
    if not isinstance(name, str) or not _MACHINE_NAME.match(name):
        return None
    if major is None or minor is None:
        return None
    return LibraryRef(name, major, minor)


def _dependencies(data: dict, key: str, where: str) -> list[LibraryRef]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise H5PInvalid(
            _("%(file)s has a malformed list of dependencies.") % {"file": where},
            code="bad_dependencies",
        )
    refs = [_ref(item) for item in raw]
    if any(ref is None for ref in refs):
        raise H5PInvalid(
            _("%(file)s has a malformed list of dependencies.") % {"file": where},
            code="bad_dependencies",
        )
    return [ref for ref in refs if ref is not None]


def _h5p_json(root: Path) -> tuple[dict, str, LibraryRef, list[LibraryRef]]:
    data = _read_json(
        root,
        "h5p.json",
        missing=_("The package has no h5p.json file: it is not an H5P package."),
        broken=_("The package's h5p.json file is not valid JSON."),
    )
    if not isinstance(data, dict):
        raise H5PInvalid(
            _("The package's h5p.json file is not valid JSON."), code="broken_json"
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise H5PInvalid(_("The package's h5p.json has no title."), code="no_title")
    main = data.get("mainLibrary")
    if not isinstance(main, str) or not main.strip():
        raise H5PInvalid(
            _("The package's h5p.json does not name its main library."),
            code="no_main_library",
        )
    if "preloadedDependencies" not in data:
        raise H5PInvalid(
            _("The package's h5p.json does not list its libraries."),
            code="no_dependencies",
        )
    preloaded = _dependencies(data, "preloadedDependencies", "h5p.json")
    main_ref = next((ref for ref in preloaded if ref.machine_name == main), None)
    if main_ref is None:
        raise H5PInvalid(
            _(
                "The package's h5p.json names %(library)s as its main library but"
                " not among its libraries."
            )
            % {"library": main},
            code="main_library_unlisted",
        )
    return data, title.strip(), main_ref, preloaded


@dataclass(frozen=True, slots=True)
class _Library:
    ref: LibraryRef
    folder: str
    data: dict


def _libraries(root: Path, files: list[str]) -> dict[LibraryRef, _Library]:
    folders = sorted(
        {name.split("/", 1)[0] for name in files if "/" in name} - {"content"}
    )
    found: dict[LibraryRef, _Library] = {}
    for folder in folders:
        where = f"{folder}/library.json"
        data = _read_json(
            root,
            where,
            missing=_("The library folder %(folder)s has no library.json file.")
            % {"folder": folder},
            broken=_("%(file)s is not valid JSON.") % {"file": where},
        )
        ref = _ref(data)
        if not isinstance(data, dict) or ref is None:
            raise H5PInvalid(
                _("%(file)s does not give the library's name and version.")
                % {"file": where},
                code="bad_library",
            )
        if folder not in (
            ref.machine_name,
            f"{ref.machine_name}-{ref.major}.{ref.minor}",
        ):
            raise H5PInvalid(
                _("The library folder %(folder)s holds %(library)s: the names differ.")
                % {"folder": folder, "library": str(ref)},
                code="library_folder",
            )
        _check_preloaded_files(root, folder, data)
        found[ref] = _Library(ref, folder, data)
    return found


def _check_preloaded_files(root: Path, folder: str, data: dict) -> None:
    missing: list[str] = []
    for key in ("preloadedJs", "preloadedCss"):
        items = data.get(key, [])
        if not isinstance(items, list):
            items = [None]
        for item in items:
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or not path:
                missing.append(f"{folder}/?")
                continue
            relative = PurePosixPath(path)
            if relative.is_absolute() or ".." in relative.parts or "\\" in path:
                missing.append(f"{folder}/{path}")
                continue
            if not (root / folder / relative).is_file():
                missing.append(f"{folder}/{path}")
    if missing:
        raise H5PInvalid(
            _("A library names files that are not in the package: %(names)s.")
            % {"names": _names(missing)},
            code="missing_preloaded",
        )


def _closure(
    start: list[LibraryRef], libraries: dict[LibraryRef, _Library]
) -> tuple[list[LibraryRef], list[LibraryRef]]:
    """Libraries needed to play (found, missing), following preloaded dependencies."""
    needed: list[LibraryRef] = []
    missing: list[LibraryRef] = []
    queue = list(start)
    seen: set[LibraryRef] = set()
    while queue:
        ref = queue.pop(0)
        if ref in seen:
            continue
        seen.add(ref)
        library = libraries.get(ref)
        if library is None:
            missing.append(ref)
            continue
        needed.append(ref)
        queue.extend(
            _dependencies(
                library.data,
                "preloadedDependencies",
                f"{library.folder}/library.json",
            )
        )
    return needed, missing


def _reports_score(root: Path, library: _Library) -> bool:
    """Whether this library scores what the learner does (see
    ``_SCORING_LIBRARIES``): by its name, or by its JavaScript."""
    name = library.ref.machine_name
    if name in _CONTAINER_LIBRARIES:
        return False
    if name in _SCORING_LIBRARIES:
        return True
    for item in library.data.get("preloadedJs", []):
        # The paths were checked by _check_preloaded_files: files in the package.
        script = (root / library.folder / item["path"]).read_bytes()
        if _REPORTS_SCORE.search(script):
            return True
    return False


# --- SVG -----------------------------------------------------------------------------

_SCRIPT_ELEMENTS = frozenset(
    {"script", "foreignobject", "handler", "iframe", "embed", "object", "listener"}
)
_BAD_URL = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def svg_has_script(data: bytes) -> bool:
    """Whether an SVG could run script when opened: script elements, event
    attributes, script URLs, entity declarations; unreadable XML counts too."""
    if b"<!ENTITY" in data.upper():
        return True
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError:
        return True
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if etree.QName(element).localname.lower() in _SCRIPT_ELEMENTS:
            return True
        for name, value in element.attrib.items():
            local = etree.QName(name).localname.lower()
            if local.startswith("on"):
                return True
            if _BAD_URL.match(_CONTROL.sub("", value)):
                return True
    return False


def _check_svgs(root: Path, files: list[str]) -> None:
    scripted = [
        name
        for name in files
        if _extension(name) == "svg" and svg_has_script((root / name).read_bytes())
    ]
    if scripted:
        raise H5PInvalid(
            _(
                "The package holds SVG images that carry script, which is not"
                " allowed: %(names)s. Save them again without script, or use PNG."
            )
            % {"names": _names(scripted)},
            code="svg_script",
        )


# --- the whole package ----------------------------------------------------------------


def package_validate(archive: IO[bytes], *, root: Path, limits: Limits) -> ValidPackage:
    """Check ``archive`` and unpack it under ``root`` (an empty directory the
    caller creates and removes). Raises ``H5PInvalid`` with the first problem."""
    with _open_zip(archive, limits) as zf:
        entries = _entries(zf, limits)
        unpacked = _unpack(zf, entries, root, limits)
    files = [info.filename for info in entries]
    data, title, main_ref, preloaded = _h5p_json(root)
    _read_json(
        root,
        "content/content.json",
        missing=_("The package has no content/content.json file."),
        broken=_("The package's content/content.json file is not valid JSON."),
    )
    libraries = _libraries(root, files)
    needed, missing = _closure(preloaded, libraries)
    if missing:
        raise H5PInvalid(
            _(
                "The package lacks libraries it needs: %(names)s. Export it again"
                " with its libraries included (in H5P's editor or Lumi: download"
                " the .h5p file)."
            )
            % {"names": ", ".join(str(ref) for ref in missing)},
            code="missing_libraries",
        )
    _check_svgs(root, files)
    return ValidPackage(
        root=root,
        title=title,
        main_library=main_ref,
        h5p_json=data,
        files=files,
        unpacked_size=unpacked,
        has_questions=any(_reports_score(root, libraries[ref]) for ref in needed),
        libraries=needed,
    )
