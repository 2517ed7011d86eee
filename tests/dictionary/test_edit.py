"""Editor pages: add and correct entries (senses, topics, picture), a save in
between refused with the input kept, history with field-by-field changes and
restore, and who may use them."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dictionary import services
from dictionary.models import Entry, EntryRevision, Topic
from dictionary.services import EntryData, SaveOutcome, SenseData
from lms.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def _editor(role: str = Role.TRAINER) -> User:
    user = factories.make_user(role, preferred_language="en")
    if role != Role.ADMIN:
        user.user_permissions.add(
            Permission.objects.get(
                codename="change_entry", content_type__app_label="dictionary"
            )
        )
    return User.objects.get(pk=user.pk)


@pytest.fixture
def editor(db) -> User:
    return _editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def topics(db):
    return [
        Topic.objects.create(slug="family", name_vi="Gia đình", name_en="Family"),
        Topic.objects.create(slug="health", name_vi="Sức khoẻ", name_en="Health"),
    ]


@pytest.fixture
def entry(editor) -> Entry:
    return services.entry_save(
        actor=editor,
        data=EntryData(
            language="rad",
            headword="ama",
            senses=[
                SenseData(gloss_en="father"),
                SenseData(gloss_en="male elder"),
            ],
        ),
    ).entry


def _form(entry: Entry | None = None, **changes) -> dict[str, str]:
    """A POST of the edit form: the entry as it is, with ``changes``."""
    if entry is not None:
        data = services.entry_data(entry)
        senses = [vars(s) for s in data.senses]
        fields = {
            "revision": str(services.latest_revision_id(entry)),
            "language": data.language,
            "headword": data.headword,
            "variants": "; ".join(data.variants),
            "dialect": data.dialect,
            "part_of_speech": data.part_of_speech,
            "level": str(data.level),
        }
    else:
        senses = []
        fields = {"revision": "0", "language": "rad", "level": "1"}
    senses = changes.pop("senses", senses)
    fields.update(changes)
    fields["senses-TOTAL_FORMS"] = str(len(senses))
    fields["senses-INITIAL_FORMS"] = str(len(senses))
    fields["senses-MIN_NUM_FORMS"] = "0"
    fields["senses-MAX_NUM_FORMS"] = "1000"
    for n, sense in enumerate(senses):
        for key, value in sense.items():
            if isinstance(value, bool):
                if value:
                    fields[f"senses-{n}-{key}"] = "on"
            else:
                fields[f"senses-{n}-{key}"] = str(value)
        fields.setdefault(f"senses-{n}-ORDER", str(n + 1))
    return fields


def test_an_editor_adds_an_entry_with_senses_and_topics(editor_client, editor, topics):
    data = _form(
        headword="hriăm",
        variants="hriam; hrăm",
        dialect="Buôn Ma Thuột",
        part_of_speech="verb",
        level="2",
        topics=["family", "health"],
        note="from the course",
        senses=[
            {"gloss_vi": "học", "gloss_vi_translated": True, "gloss_en": "learn"},
            {"gloss_en": "study", "example": "Kâo hriăm", "ORDER": "2"},
        ],
    )
    response = editor_client.post(reverse("dictionary:entry_add"), data)
    entry = Entry.objects.get(headword="hriăm")
    assert response.status_code == 302
    assert response["Location"] == reverse("dictionary:entry", args=[entry.pk])
    assert entry.variants == ["hriam", "hrăm"] and entry.level == 2
    assert entry.dialect == "Buôn Ma Thuột" and entry.part_of_speech == "verb"
    assert [
        (s.gloss_vi, s.gloss_vi_translated, s.gloss_en) for s in entry.senses.all()
    ] == [
        ("học", True, "learn"),
        ("", False, "study"),
    ]
    assert sorted(t.slug for t in entry.topics.all()) == ["family", "health"]
    revision = entry.revisions.get()
    assert revision.author == editor and revision.note == "from the course"
    assert revision.data["topics"] == ["family", "health"]


def test_the_edit_form_shows_the_entry(editor_client, entry):
    page = editor_client.get(reverse("dictionary:entry_edit", args=[entry.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert 'value="ama"' in text and 'value="male elder"' in text
    assert f'name="revision" value="{entry.revisions.get().pk}"' in text


def test_senses_are_reordered_removed_and_added(editor_client, entry):
    father, elder = (vars(s) for s in services.entry_data(entry).senses)
    data = _form(
        entry,
        senses=[
            {**father, "ORDER": "2", "DELETE": True},
            {**elder, "ORDER": "3"},
            {"gloss_vi": "cha", "gloss_vi_translated": True, "ORDER": "1"},
        ],
    )
    data["senses-INITIAL_FORMS"] = "2"
    response = editor_client.post(
        reverse("dictionary:entry_edit", args=[entry.pk]), data
    )
    assert response.status_code == 302
    assert [(s.gloss_vi, s.gloss_en) for s in entry.senses.all()] == [
        ("cha", ""),
        ("", "male elder"),
    ]
    assert entry.revisions.count() == 2


def test_a_sense_without_gloss_is_refused_with_the_input_kept(editor_client, entry):
    data = _form(entry, headword="ama2", senses=[{"definition": "only this"}])
    response = editor_client.post(
        reverse("dictionary:entry_edit", args=[entry.pk]), data
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Give at least one gloss." in text and 'value="ama2"' in text
    entry.refresh_from_db()
    assert entry.headword == "ama" and entry.revisions.count() == 1


def test_saving_nothing_new_writes_no_revision(editor_client, entry):
    response = editor_client.post(
        reverse("dictionary:entry_edit", args=[entry.pk]), _form(entry), follow=True
    )
    assert "Nothing changed." in response.content.decode()
    assert entry.revisions.count() == 1


def test_a_save_in_between_is_refused_and_the_input_kept(editor_client, editor, entry):
    stale = _form(entry, headword="amĭ", note="mine")
    # Someone else saves first.
    other = _editor()
    saved = services.entry_save(
        actor=other,
        entry=entry,
        data=EntryData(
            language="rad", headword="ama", senses=[SenseData(gloss_en="dad")]
        ),
        expected_revision=int(stale["revision"]),
    )
    assert saved.outcome is SaveOutcome.UPDATED
    url = reverse("dictionary:entry_edit", args=[entry.pk])
    response = editor_client.post(url, stale)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this entry after you opened it." in text
    assert 'value="amĭ"' in text and 'value="mine"' in text
    entry.refresh_from_db()
    assert entry.headword == "ama" and entry.senses.get().gloss_en == "dad"
    # The form now carries the newest revision: saving again is deliberate.
    newest = services.latest_revision_id(entry)
    assert f'name="revision" value="{newest}"' in text
    again = editor_client.post(url, {**stale, "revision": str(newest)})
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.headword == "amĭ"


def test_entry_save_reports_created_updated_unchanged(editor):
    data = EntryData(language="rad", headword="ih", senses=[SenseData(gloss_en="you")])
    first = services.entry_save(actor=editor, data=data)
    assert first.outcome is SaveOutcome.CREATED and first.created
    entry, created = first  # still unpacks as (entry, created)
    assert not services.entry_save(actor=editor, data=data, entry=entry).created
    assert (
        services.entry_save(actor=editor, data=data, entry=entry).outcome
        is SaveOutcome.UNCHANGED
    )
    data.topics = []
    assert (
        services.entry_save(actor=editor, data=data, entry=entry).outcome
        is SaveOutcome.UNCHANGED
    )
    Topic.objects.create(slug="people", name_vi="Con người", name_en="People")
    data.topics = ["people"]
    assert (
        services.entry_save(actor=editor, data=data, entry=entry).outcome
        is SaveOutcome.UPDATED
    )
    data.topics = ["no-such-topic"]
    with pytest.raises(services.ValidationError):
        services.entry_save(actor=editor, data=data, entry=entry)


# --- history ------------------------------------------------------------------


def test_history_lists_revisions_with_changes_and_restores_one(
    editor_client, editor, entry
):
    url = reverse("dictionary:entry_edit", args=[entry.pk])
    editor_client.post(
        url,
        _form(
            entry,
            headword="amĭ",
            note="spelling",
            senses=[{"gloss_en": "father", "gloss_vi": "cha", "ORDER": "1"}],
        ),
    )
    first = entry.revisions.order_by("pk").first()
    page = editor_client.get(reverse("dictionary:entry_history", args=[entry.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "spelling" in text and editor.full_name in text
    assert "<del>ama</del>" in text and "<ins>amĭ</ins>" in text
    assert "Sense 1: Vietnamese gloss" in text and "<ins>cha</ins>" in text
    assert "Sense 2: English gloss" in text and "<del>male elder</del>" in text

    latest = services.latest_revision_id(entry)
    restore = reverse("dictionary:entry_restore", args=[entry.pk, first.pk])
    response = editor_client.post(restore, {"latest": str(latest)}, follow=True)
    assert "The version was restored." in response.content.decode()
    entry.refresh_from_db()
    assert entry.headword == "ama"
    assert [s.gloss_en for s in entry.senses.all()] == ["father", "male elder"]
    assert entry.revisions.count() == 3
    assert (
        entry.revisions.order_by("-pk")
        .first()
        .note.startswith("Restored the version of")
    )


def test_restoring_from_a_stale_page_is_refused(editor_client, editor, entry):
    first = entry.revisions.get()
    services.entry_save(
        actor=editor,
        entry=entry,
        data=EntryData(language="rad", headword="amĭ", senses=[SenseData("cha")]),
    )
    response = editor_client.post(
        reverse("dictionary:entry_restore", args=[entry.pk, first.pk]),
        {"latest": str(first.pk)},
        follow=True,
    )
    assert "Someone else saved this entry" in response.content.decode()
    entry.refresh_from_db()
    assert entry.headword == "amĭ"


# --- pictures -----------------------------------------------------------------


def _image(fmt: str, size=(1600, 1200), color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def _post_image(client, entry, name: str, data: bytes):
    form = _form(entry)
    form["image"] = SimpleUploadedFile(name, data)
    return client.post(reverse("dictionary:entry_edit", args=[entry.pk]), form)


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "a.png"), ("JPEG", "a.jpg")])
def test_a_picture_is_reencoded_as_small_webp(editor_client, entry, fmt, name):
    response = _post_image(editor_client, entry, name, _image(fmt))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.image.name.endswith(".webp")
    with Image.open(entry.image.path) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (800, 600)
    assert entry.revisions.order_by("-pk").first().data["image"] == entry.image.name
    # A tall picture is limited by its height.
    _post_image(editor_client, entry, "tall.webp", _image("WEBP", (600, 2400)))
    entry.refresh_from_db()
    with Image.open(entry.image.path) as stored:
        assert stored.size == (200, 800)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evil.svg", SVG),
        ("evil.png", SVG),
        ("anim.gif", _image("GIF", (10, 10))),
        ("garbage.jpg", b"\xff\xd8\xff not really a jpeg"),
    ],
)
def test_svg_gif_and_garbage_pictures_are_refused(editor_client, entry, name, data):
    response = _post_image(editor_client, entry, name, data)
    assert response.status_code == 400
    assert "Only PNG, JPEG or WebP pictures are accepted." in response.content.decode()
    entry.refresh_from_db()
    assert not entry.image and entry.revisions.count() == 1


def test_an_oversize_picture_is_refused(editor_client, entry):
    from django.test import override_settings

    with override_settings(DICTIONARY_IMAGE_MAX_BYTES=1024):
        response = _post_image(editor_client, entry, "big.png", _image("PNG"))
    assert response.status_code == 400
    assert "The picture is larger than" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.image


# --- the entry page and who may edit ------------------------------------------


def _who(kind: str):
    if kind == "anonymous":
        return None
    if kind == "learner":
        return factories.make_user(Role.LEARNER, preferred_language="en")
    if kind == "trainer":
        return factories.make_user(Role.TRAINER, preferred_language="en")
    if kind == "editor":
        return _editor()
    return _editor(Role.ADMIN)


EXPECTED = {
    "anonymous": 302,
    "learner": 403,
    "trainer": 403,
    "editor": 200,
    "admin": 200,
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_editor_pages_are_for_editors_only(client, kind, entry):
    user = _who(kind)
    if user is not None:
        client.force_login(user)
    expected = EXPECTED[kind]
    for url in (
        reverse("dictionary:entry_add"),
        reverse("dictionary:entry_edit", args=[entry.pk]),
        reverse("dictionary:entry_history", args=[entry.pk]),
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        if kind == "anonymous":
            assert response["Location"].startswith(reverse(settings.LOGIN_URL))
    response = client.post(
        reverse("dictionary:entry_edit", args=[entry.pk]),
        _form(entry, headword="hacked"),
    )
    assert response.status_code == (302 if expected == 200 else expected)
    response = client.post(
        reverse(
            "dictionary:entry_restore", args=[entry.pk, entry.revisions.first().pk]
        ),
        {"latest": str(services.latest_revision_id(entry))},
    )
    assert response.status_code == (302 if expected == 200 else expected)
    entry.refresh_from_db()
    if expected != 200:
        assert entry.headword == "ama"
        assert EntryRevision.objects.filter(entry=entry).count() == 1
    page = client.get(reverse("dictionary:entry", args=[entry.pk])).content.decode()
    edit_link = reverse("dictionary:entry_edit", args=[entry.pk])
    assert (edit_link in page) == (expected == 200)
