"""The web import: upload, a stored preview, commit once (all or nothing),
discard, the list of recent imports, and who may use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dictionary import imports
from dictionary.models import DictionaryImport, Entry, EntryRevision, Topic
from lms.models import Role, User
from tests import factories

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dictionary"

pytestmark = pytest.mark.django_db


def _editor(role: str = Role.TRAINER) -> User:
    user = factories.make_user(role, preferred_language="en")
    user.user_permissions.add(
        Permission.objects.get(
            codename="change_entry", content_type__app_label="dictionary"
        )
    )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor_client(client):
    user = _editor()
    client.login(username=user.username, password=factories.PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.user = user
    return client


def _upload(client, data: bytes, name: str, **fields):
    return client.post(
        reverse("dictionary:import_new"),
        {
            "language": fields.pop("language", "jra"),
            "source": fields.pop("source", "ABVD 744"),
            "file": SimpleUploadedFile(name, data),
            **fields,
        },
    )


@pytest.fixture
def jarai_bytes() -> bytes:
    return (FIXTURES / "jarai-abvd-744.xml").read_bytes()


def test_upload_stores_a_preview_and_commit_imports_it_once(editor_client, jarai_bytes):
    response = _upload(editor_client, jarai_bytes, "jarai-abvd-744.xml")
    record = DictionaryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "dictionary:import_preview", args=[record.pk]
    )
    assert record.status == DictionaryImport.Status.PREVIEWED
    assert record.summary["new"] == 242 and record.summary["with_problems"] == 0
    assert record.summary["with_warnings"] == 22
    assert record.created_by == editor_client.user
    assert Entry.objects.count() == 0  # nothing written before the commit

    page = editor_client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="count-new">242<' in text
    assert "ʔb and ʔd were replaced by ƀ and đ." in text
    assert "Record 241166 repeats record 241165" in text
    assert "Import the list" in text

    commit = reverse("dictionary:import_commit", args=[record.pk])
    first = editor_client.post(commit, follow=True)
    assert "Imported: 242 new, 0 updated, 0 unchanged." in first.content.decode()
    # A double click or a resent form: the same import, once.
    again = editor_client.post(commit, follow=True)
    assert "This list was already imported." in again.content.decode()
    assert Entry.objects.filter(language="jra").count() == 242
    assert EntryRevision.objects.count() == 242
    record.refresh_from_db()
    assert record.status == DictionaryImport.Status.COMMITTED
    assert record.result == {"created": 242, "updated": 0, "unchanged": 242 - 242}
    assert record.committed_at is not None

    # The same file again: its preview says nothing would change.
    _upload(editor_client, jarai_bytes, "jarai-abvd-744.xml")
    second = DictionaryImport.objects.order_by("-pk").first()
    assert (second.summary["new"], second.summary["update"]) == (0, 0)
    assert second.summary["unchanged"] == 242


def test_recent_imports_list_their_results(editor_client, jarai_bytes):
    _upload(editor_client, jarai_bytes, "jarai-abvd-744.xml")
    record = DictionaryImport.objects.get()
    imports.dictionary_import_commit_stored(
        actor=editor_client.user, import_id=record.pk
    )
    page = editor_client.get(reverse("dictionary:import_new")).content.decode()
    assert "jarai-abvd-744.xml" in page
    assert "242 new, 0 updated, 0 unchanged" in page


def test_a_list_with_problems_is_previewed_but_never_committed(editor_client):
    data = b"headword,gloss_en\nkngan,hand\nhnua,\n"
    response = _upload(editor_client, data, "list.csv", language="rad", source="T")
    record = DictionaryImport.objects.get()
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "No gloss (Vietnamese or English)." in page
    assert "Import the list" not in page
    response = editor_client.post(
        reverse("dictionary:import_commit", args=[record.pk]), follow=True
    )
    assert (
        "The list cannot be imported: fix the problems shown and try again."
        in response.content.decode()
    )
    record.refresh_from_db()
    assert record.status == DictionaryImport.Status.PREVIEWED
    assert Entry.objects.count() == 0


def test_problems_come_first_and_rows_are_capped(editor_client, monkeypatch):
    monkeypatch.setattr(imports, "PREVIEW_ROWS", 3)
    rows = "".join(f"ʔba{n},word {n}\n" for n in range(5)) + "ʔbu,\n"
    _upload(
        editor_client,
        ("headword,gloss_en\n" + rows).encode(),
        "list.csv",
        language="jra",
        source="T",
    )
    summary = DictionaryImport.objects.get().summary
    assert summary["rows_total"] == 6 and len(summary["rows"]) == 3
    assert summary["rows"][0]["headword"] == "ƀu" and summary["rows"][0]["problems"]


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"\xff\xfe\x00broken", "list.csv", "The file is not valid UTF-16."),
        (
            b'<!DOCTYPE lift [<!ENTITY a "b">]><lift/>',
            "evil.lift",
            "The file declares a DOCTYPE or entities, which are refused for safety.",
        ),
        (b"<lift><entry></lift>", "broken.lift", "The file is not well-formed XML"),
        (
            "headword,gloss_en\nêa,water\n".encode("latin-1"),
            "latin1.csv",
            "The file is not UTF-8 (line 2).",
        ),
    ],
)
def test_an_unreadable_file_is_refused_and_nothing_stored(
    editor_client, data, name, error
):
    response = _upload(editor_client, data, name, language="rad", source="T")
    assert response.status_code == 400
    assert error in response.content.decode()
    assert DictionaryImport.objects.count() == 0


def test_an_oversize_file_is_refused_before_it_is_read(editor_client, jarai_bytes):
    settings_limit = 2000
    from django.test import override_settings

    with override_settings(DICTIONARY_IMPORT_MAX_BYTES=settings_limit):
        response = _upload(editor_client, jarai_bytes, "jarai.xml")
    assert response.status_code == 400
    assert "The file is larger than 2000 bytes." in response.content.decode()
    assert DictionaryImport.objects.count() == 0


def test_discard_drops_the_preview_and_its_file(
    editor_client, jarai_bytes, django_capture_on_commit_callbacks
):
    _upload(editor_client, jarai_bytes, "jarai.xml")
    record = DictionaryImport.objects.get()
    path = Path(record.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("dictionary:import_discard", args=[record.pk])
        )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == DictionaryImport.Status.DISCARDED
    assert not path.exists()
    response = editor_client.post(
        reverse("dictionary:import_commit", args=[record.pk]), follow=True
    )
    assert "This import was discarded." in response.content.decode()
    assert Entry.objects.count() == 0


def test_a_committed_import_cannot_be_discarded(editor_client, jarai_bytes):
    _upload(editor_client, jarai_bytes, "jarai.xml")
    record = DictionaryImport.objects.get()
    editor_client.post(reverse("dictionary:import_commit", args=[record.pk]))
    response = editor_client.post(
        reverse("dictionary:import_discard", args=[record.pk]), follow=True
    )
    assert "This import was already committed." in response.content.decode()
    record.refresh_from_db()
    assert record.status == DictionaryImport.Status.COMMITTED


def test_a_file_changed_on_disk_is_not_committed(editor_client, jarai_bytes):
    _upload(editor_client, jarai_bytes, "jarai.xml")
    record = DictionaryImport.objects.get()
    Path(record.file.path).write_bytes(jarai_bytes.replace(b"hand", b"arm"))
    response = editor_client.post(
        reverse("dictionary:import_commit", args=[record.pk]), follow=True
    )
    assert "The stored file has changed since the preview." in (
        response.content.decode()
    )
    assert Entry.objects.count() == 0


def test_topics_of_a_list_are_set_and_a_list_without_topics_keeps_them(
    editor_client,
):
    Topic.objects.create(slug="family", name_vi="Gia đình", name_en="Family")
    Topic.objects.create(slug="health", name_vi="Sức khoẻ", name_en="Health")
    with_topics = b"id,headword,gloss_en,topics\n1,ama,father,family\n"
    _upload(editor_client, with_topics, "a.csv", language="rad", source="T")
    imports.dictionary_import_commit_stored(
        actor=editor_client.user, import_id=DictionaryImport.objects.get().pk
    )
    entry = Entry.objects.get()
    assert [t.slug for t in entry.topics.all()] == ["family"]
    assert entry.revisions.get().data["topics"] == ["family"]

    changed = b"id,headword,gloss_en,topics\n1,ama,father,family;health\n"
    _upload(editor_client, changed, "b.csv", language="rad", source="T")
    record = DictionaryImport.objects.order_by("-pk").first()
    assert record.summary["update"] == 1
    imports.dictionary_import_commit_stored(
        actor=editor_client.user, import_id=record.pk
    )
    assert sorted(t.slug for t in entry.topics.all()) == ["family", "health"]

    without = b"id,headword,gloss_en\n1,ama,father\n"
    _upload(editor_client, without, "c.csv", language="rad", source="T")
    record = DictionaryImport.objects.order_by("-pk").first()
    assert record.summary["unchanged"] == 1
    outcome = imports.dictionary_import_commit_stored(
        actor=editor_client.user, import_id=record.pk
    )
    assert outcome.record.result["unchanged"] == 1
    assert sorted(t.slug for t in entry.topics.all()) == ["family", "health"]
    assert entry.revisions.count() == 2


# --- who may use the pages ----------------------------------------------------------


def _who(kind: str):
    if kind == "anonymous":
        return None
    if kind == "learner":
        return factories.make_user(Role.LEARNER, preferred_language="en")
    if kind == "trainer":
        return factories.make_user(Role.TRAINER, preferred_language="en")
    if kind == "editor":
        return _editor()
    return factories.make_user(Role.ADMIN, preferred_language="en")


EXPECTED = {
    "anonymous": 302,
    "learner": 403,
    "trainer": 403,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_import_pages_are_for_editors_only(client, kind, jarai_bytes):
    owner = _editor()
    record = imports.dictionary_import_upload(
        actor=owner,
        data=jarai_bytes,
        filename="jarai.xml",
        language="jra",
        source="ABVD 744",
    )
    user = _who(kind)
    if user is not None:
        client.force_login(user)
    expected = EXPECTED[kind]
    for url in (
        reverse("dictionary:import_new"),
        reverse("dictionary:import_preview", args=[record.pk]),
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if kind == "anonymous":
            assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    upload = _upload(client, b"headword,gloss_en\na,b\n", "x.csv", language="rad")
    assert upload.status_code == (302 if expected == 200 else expected)
    commit = client.post(reverse("dictionary:import_commit", args=[record.pk]))
    assert commit.status_code == (302 if expected == 200 else expected)
    record.refresh_from_db()
    if expected == 200:
        assert record.status == DictionaryImport.Status.COMMITTED
    else:
        assert record.status == DictionaryImport.Status.PREVIEWED
        assert Entry.objects.count() == 0
        assert DictionaryImport.objects.count() == 1
    discard = client.post(reverse("dictionary:import_discard", args=[record.pk]))
    assert discard.status_code == (302 if expected == 200 else expected)


@pytest.mark.django_db(transaction=True)
def test_two_commits_at_once_import_once(jarai_bytes):
    """A double click reaching two workers: the import row is locked (SQLite:
    an immediate transaction), so the second commit waits and finds it done."""
    import threading

    from django.db import connection

    user = _editor()
    record = imports.dictionary_import_upload(
        actor=user,
        data=jarai_bytes,
        filename="jarai.xml",
        language="jra",
        source="ABVD 744",
    )
    barrier = threading.Barrier(2)
    outcomes: list = []
    failures: list = []

    def commit() -> None:
        try:
            barrier.wait()
            outcomes.append(
                imports.dictionary_import_commit_stored(actor=user, import_id=record.pk)
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(o.repeated for o in outcomes) == [False, True]
    assert Entry.objects.filter(language="jra").count() == 242
    assert EntryRevision.objects.count() == 242


def test_a_preview_of_a_stored_list_takes_few_queries(
    editor_client, jarai_bytes, django_assert_max_num_queries
):
    from dictionary.importers import parse_abvd

    parsed = parse_abvd(jarai_bytes, language="jra", source="ABVD 744")
    imports.dictionary_import_commit(actor=None, parsed=parsed)
    with django_assert_max_num_queries(5):
        summary = imports.preview_summary(parsed)
    assert (summary["new"], summary["update"], summary["unchanged"]) == (0, 0, 242)
    record = imports.dictionary_import_upload(
        actor=editor_client.user,
        data=jarai_bytes,
        filename="jarai.xml",
        language="jra",
        source="ABVD 744",
    )
    with django_assert_max_num_queries(12):
        page = editor_client.get(reverse("dictionary:import_preview", args=[record.pk]))
    assert page.status_code == 200
