"""Upload validation: every real fixture, and hostile packages built here.

Each refusal says why in a message that names what is wrong, and leaves
nothing in the storage or in the temporary folder.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from content_authoring.h5p.models import H5PPackage
from content_authoring.h5p.services import h5p_package_upload
from content_authoring.h5p.validation import H5PInvalid, svg_has_script
from tests import factories
from tests.content_authoring.h5p.conftest import (
    fixture_upload,
    library_json,
    make_package,
    media_files,
    temp_files,
    upload_of,
)

VALID = {
    "H5P.Accordion.h5p": ("H5P.Accordion 1.0", False),
    "H5P.Blanks.h5p": ("H5P.Blanks 1.12", True),
    "H5P.Flashcards.h5p": ("H5P.Flashcards 1.5", True),
    "H5P.InteractiveVideo.h5p": ("H5P.InteractiveVideo 1.22", True),
    "H5P.MultiChoice.h5p": ("H5P.MultiChoice 1.14", True),
    "H5P.QuestionSet.h5p": ("H5P.QuestionSet 1.17", True),
    "H5P.TrueFalse.h5p": ("H5P.TrueFalse 1.6", True),
    "standalone-h5p-test.h5p": ("H5P.TrueFalse 1.6", True),
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def course(trainer):
    return factories.make_course(trainers=(trainer,))


def _refused(trainer, course, upload) -> H5PInvalid:
    with pytest.raises(H5PInvalid) as info:
        h5p_package_upload(actor=trainer, course=course, upload=upload)
    assert media_files() == [], "a refused package must leave nothing stored"
    assert temp_files() == [], "a refused package must leave no temporary files"
    assert not H5PPackage.objects.exists()
    return info.value


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_valid_fixture_is_accepted_and_stored(trainer, course, name):
    main_library, has_questions = VALID[name]
    result = h5p_package_upload(
        actor=trainer, course=course, upload=fixture_upload(name)
    )
    package = result.package
    assert result.created
    assert package.main_library == main_library
    assert package.has_questions is has_questions
    assert package.uploaded_by == trainer
    stored = media_files()
    assert f"h5p/originals/{package.sha256}.h5p" in stored
    assert f"h5p/{package.sha256}/h5p.json" in stored
    assert f"h5p/{package.sha256}/content/content.json" in stored
    assert sum(1 for f in stored if f.startswith(f"h5p/{package.sha256}/")) == (
        package.file_count
    )
    assert temp_files() == []


def test_identical_reupload_to_the_same_course_gives_the_first_package(trainer, course):
    first = h5p_package_upload(
        actor=trainer, course=course, upload=fixture_upload("H5P.TrueFalse.h5p")
    )
    again = h5p_package_upload(
        actor=trainer, course=course, upload=fixture_upload("H5P.TrueFalse.h5p")
    )
    assert again.package == first.package and not again.created
    assert H5PPackage.objects.count() == 1


def test_identical_upload_to_another_course_shares_the_stored_files(trainer, course):
    other = factories.make_course(trainers=(trainer,))
    h5p_package_upload(
        actor=trainer, course=course, upload=fixture_upload("H5P.Accordion.h5p")
    )
    stored = media_files()
    second = h5p_package_upload(
        actor=trainer, course=other, upload=fixture_upload("H5P.Accordion.h5p")
    )
    assert second.created and second.package.course == other
    assert media_files() == stored  # no second copy


def test_a_learner_may_not_upload(learner, course):
    with pytest.raises(PermissionDenied):
        h5p_package_upload(
            actor=learner, course=course, upload=fixture_upload("H5P.TrueFalse.h5p")
        )
    assert media_files() == []


def test_a_trainer_of_another_course_may_not_upload(course):
    stranger = factories.make_user("trainer")
    with pytest.raises(PermissionDenied):
        h5p_package_upload(actor=stranger, course=course, upload=make_package_upload())


def make_package_upload():
    return upload_of(make_package())


def test_own_minimal_package_is_accepted(trainer, course):
    package = h5p_package_upload(
        actor=trainer, course=course, upload=make_package_upload()
    ).package
    assert package.title == "Cà phê"
    assert package.main_library == "H5P.Demo 1.0"
    assert package.has_questions is False


def _has_questions(trainer, course, extra: dict[str, bytes], **kwargs) -> bool:
    return h5p_package_upload(
        actor=trainer, course=course, upload=upload_of(make_package(extra, **kwargs))
    ).package.has_questions


def test_a_library_whose_script_reports_a_score_has_questions(trainer, course):
    # As H5P.Flashcards ends: a scored "completed" statement.
    script = b"this.triggerXAPICompleted(this.getScore(), this.getMaxScore());"
    assert _has_questions(trainer, course, {"H5P.Base-2.3/lib.js": script}) is True


def test_a_library_whose_script_reports_no_score_has_no_questions(trainer, course):
    script = b"this.triggerXAPI('interacted'); // triggerXAPIScored is not called"
    assert _has_questions(trainer, course, {"H5P.Base-2.3/lib.js": script}) is False


def test_content_built_on_h5p_question_has_questions(trainer, course):
    extra = {
        "H5P.Demo-1.0/library.json": library_json(
            "H5P.Demo", 1, 0, deps=[("H5P.Question", 1, 4)]
        ),
        "H5P.Question-1.4/library.json": library_json("H5P.Question", 1, 4),
        "H5P.Question-1.4/lib.js": b"",
    }
    assert _has_questions(trainer, course, extra, drop=_BASE) is True


_BASE = ("H5P.Base-2.3/library.json", "H5P.Base-2.3/lib.js")
_COLUMN_JS = (
    b"self.triggerXAPIScored(self.getScore(), self.getMaxScore(), 'completed');"
)


def _column(*children: str) -> dict[str, bytes]:
    """A Column (a container reporting its children's total) holding
    ``children``, each an H5P library of the package."""
    refs = [(name, 1, 0) for name in children]
    files = {
        "h5p.json": json.dumps(
            {
                "title": "Cột",
                "mainLibrary": "H5P.Column",
                "preloadedDependencies": [
                    {"machineName": n, "majorVersion": a, "minorVersion": b}
                    for n, a, b in [("H5P.Column", 1, 16), *refs]
                ],
            }
        ).encode(),
        "H5P.Column-1.16/library.json": library_json("H5P.Column", 1, 16),
        "H5P.Column-1.16/lib.js": _COLUMN_JS,
    }
    for name in children:
        files[f"{name}-1.0/library.json"] = library_json(name, 1, 0)
        files[f"{name}-1.0/lib.js"] = (
            b"this.triggerXAPIScored(1, 1, 'answered');" if "Quiz" in name else b""
        )
    return files


def test_a_container_holding_only_text_has_no_questions(trainer, course):
    extra = _column("H5P.AdvancedText")
    assert _has_questions(trainer, course, extra, drop=_DEMO) is False


def test_a_container_holding_a_question_has_questions(trainer, course):
    extra = _column("H5P.AdvancedText", "H5P.OwnQuiz")
    assert _has_questions(trainer, course, extra, drop=_DEMO) is True


_DEMO = ("H5P.Demo-1.0/library.json", "H5P.Demo-1.0/lib.js", *_BASE)


# --- the invalid fixtures ------------------------------------------------------------


def test_corrupt_archive_is_refused_as_not_a_zip(trainer, course):
    error = _refused(trainer, course, fixture_upload("invalid/corrupt_archive.h5p"))
    assert error.code == "not_zip"
    assert "zip" in error.messages[0]


def test_broken_h5p_json_is_refused(trainer, course):
    error = _refused(trainer, course, fixture_upload("invalid/broken-h5p-json.h5p"))
    assert error.code == "broken_json"
    assert "h5p.json" in error.messages[0]


def test_missing_preloaded_js_is_refused_naming_the_file(trainer, course):
    error = _refused(
        trainer, course, fixture_upload("invalid/missing-preloaded-js.h5p")
    )
    assert error.code == "missing_preloaded"
    assert "H5P.GreetingCard-1.0/greetingcard.js" in error.messages[0]


def test_svg_carrying_script_is_refused_naming_the_file(trainer, course):
    error = _refused(trainer, course, fixture_upload("invalid/xss-svg.h5p"))
    assert error.code == "svg_script"
    assert "content/images/xss.svg" in error.messages[0]


# --- hostile packages built here ---------------------------------------


def test_zip_bomb_is_refused_from_its_declared_size(trainer, course, settings):
    settings.H5P_UNPACKED_MAX_BYTES = 1024 * 1024
    bomb = make_package({"content/zeros.txt": b"\0" * (5 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024  # it compresses to almost nothing
    error = _refused(trainer, course, upload_of(bomb))
    assert error.code == "too_large_unpacked"


def _lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """The zip with ``name``'s declared uncompressed size rewritten to
    ``declared`` in both its local header and the central directory."""
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    real = info.file_size.to_bytes(4, "little")
    fake = declared.to_bytes(4, "little")
    # Local header: uncompressed size at offset 22.
    local = info.header_offset
    assert buffer[local + 22 : local + 26] == real
    buffer[local + 22 : local + 26] = fake
    # Central directory record: uncompressed size at offset 24.
    central = bytes(buffer).rfind(b"PK\x01\x02" + b"", 0)
    start = 0
    while True:
        central = bytes(buffer).find(b"PK\x01\x02", start)
        assert central != -1
        name_len = int.from_bytes(buffer[central + 28 : central + 30], "little")
        if bytes(buffer[central + 46 : central + 46 + name_len]) == name.encode():
            break
        start = central + 4
    buffer[central + 24 : central + 28] = fake
    return bytes(buffer)


def test_zip_bomb_lying_about_its_size_is_caught_while_unpacking(
    trainer, course, settings
):
    settings.H5P_UNPACKED_MAX_BYTES = 1024 * 1024
    honest = make_package({"content/zeros.txt": b"\0" * (5 * 1024 * 1024)})
    liar = _lying_sizes(honest, "content/zeros.txt", 100)
    with zipfile.ZipFile(io.BytesIO(liar)) as zf:
        assert sum(i.file_size for i in zf.infolist()) < 1024 * 1024
    error = _refused(trainer, course, upload_of(liar))
    assert error.code in ("too_large_unpacked", "damaged")


def test_too_many_files_are_refused(trainer, course, settings):
    settings.H5P_MAX_FILES = 10
    many = make_package({f"content/f{i}.txt": b"x" for i in range(20)})
    assert _refused(trainer, course, upload_of(many)).code == "too_many_files"


def test_oversize_archive_is_refused(trainer, course, settings):
    settings.H5P_UPLOAD_MAX_BYTES = 100
    assert _refused(trainer, course, make_package_upload()).code == "too_large"


def test_dot_dot_path_is_refused(trainer, course):
    error = _refused(
        trainer, course, upload_of(make_package({"content/../../evil.json": b"{}"}))
    )
    assert error.code == "path_traversal"
    assert "../../evil.json" in error.messages[0]


def test_absolute_path_is_refused(trainer, course):
    error = _refused(
        trainer, course, upload_of(make_package({"/etc/evil.json": b"{}"}))
    )
    assert error.code == "absolute_path"


def test_php_file_is_refused_naming_it(trainer, course):
    error = _refused(
        trainer,
        course,
        upload_of(make_package({"H5P.Demo-1.0/shell.php": b"<?php system($_GET[1]);"})),
    )
    assert error.code == "file_type"
    assert "H5P.Demo-1.0/shell.php" in error.messages[0]


def test_javascript_in_content_folder_is_refused(trainer, course):
    error = _refused(
        trainer, course, upload_of(make_package({"content/run.js": b"alert(1)"}))
    )
    assert error.code == "file_type"


def test_missing_library_is_refused_naming_it(trainer, course):
    error = _refused(
        trainer,
        course,
        upload_of(
            make_package(drop=("H5P.Base-2.3/library.json", "H5P.Base-2.3/lib.js"))
        ),
    )
    assert error.code == "missing_libraries"
    assert "H5P.Base 2.3" in error.messages[0]


def test_library_with_another_minor_version_counts_as_missing(trainer, course):
    error = _refused(
        trainer,
        course,
        upload_of(
            make_package({"H5P.Base-2.3/library.json": library_json("H5P.Base", 2, 4)})
        ),
    )
    # The folder says 2.3 but holds 2.4: refused before versions are matched.
    assert error.code in ("library_folder", "missing_libraries")


def test_missing_main_library_is_refused_naming_it(trainer, course):
    data = make_package(
        drop=("H5P.Demo-1.0/library.json", "H5P.Demo-1.0/lib.js"),
    )
    error = _refused(trainer, course, upload_of(data))
    assert error.code == "missing_libraries"
    assert "H5P.Demo 1.0" in error.messages[0]


def test_symlink_is_refused(trainer, course):
    buffer = io.BytesIO(make_package())
    with zipfile.ZipFile(buffer, "a") as zf:
        link = zipfile.ZipInfo("content/passwd.json")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    error = _refused(trainer, course, upload_of(buffer.getvalue()))
    assert error.code == "symlink"


def test_h5p_json_without_title_is_refused(trainer, course):
    data = make_package(
        h5p_json={
            "mainLibrary": "H5P.Demo",
            "preloadedDependencies": [
                {"machineName": "H5P.Demo", "majorVersion": 1, "minorVersion": 0}
            ],
        }
    )
    assert _refused(trainer, course, upload_of(data)).code == "no_title"


def test_h5p_json_without_dependencies_is_refused(trainer, course):
    data = make_package(h5p_json={"title": "x", "mainLibrary": "H5P.Demo"})
    assert _refused(trainer, course, upload_of(data)).code == "no_dependencies"


def test_missing_h5p_json_is_refused(trainer, course):
    data = make_package(drop=("h5p.json",))
    assert _refused(trainer, course, upload_of(data)).code == "missing_json"


def test_macos_metadata_folders_are_skipped_not_refused(trainer, course):
    data = make_package({"__MACOSX/._lib.js": b"\0\0", ".DS_Store": b"\0"})
    package = h5p_package_upload(
        actor=trainer, course=course, upload=upload_of(data)
    ).package
    assert not any("MACOSX" in f or "DS_Store" in f for f in media_files())
    assert package.file_count == 6


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        b'<a x:href=" javascript:alert(1)"><text>x</text></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p>'
        b"</foreignObject></svg>",
        b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<svg not xml",
    ],
)
def test_svg_with_script_is_detected(svg):
    assert svg_has_script(svg)


def test_plain_svg_is_accepted():
    assert not svg_has_script(
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
        b'<circle cx="1" cy="1" r="1" style="fill:#666"/></svg>'
    )
