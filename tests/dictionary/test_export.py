"""Exports read back by the importers: the real list survives a round trip."""

from __future__ import annotations

import pytest

from dictionary import exporters, importers, imports
from dictionary.models import Entry

pytestmark = pytest.mark.django_db

SOURCE = "ABVD 741"


@pytest.fixture
def imported(shared_fixtures):
    data = (shared_fixtures / "dictionary" / "rade-abvd-741.lift").read_bytes()
    parsed = importers.parse_lift(data, language="rad", source=SOURCE)
    result = imports.dictionary_import_commit(actor=None, parsed=parsed)
    assert result.created == 247
    return list(Entry.objects.filter(language="rad").prefetch_related("senses"))


def _pairs(entries) -> set[tuple[str, str]]:
    return {(e.data.headword, e.data.senses[0].gloss_en) for e in entries}


def test_lift_export_reads_back_the_same_and_reimports_unchanged(imported):
    data = exporters.export_lift(imported, credit="ABVD, CC BY 4.0")
    parsed = importers.parse_lift(data, language="rad", source=SOURCE)
    assert not parsed.errors and not any(e.problems for e in parsed.entries)
    stored = {(e.headword, e.senses.all()[0].gloss_en) for e in imported}
    assert _pairs(parsed.entries) == stored
    again = imports.dictionary_import_commit(actor=None, parsed=parsed)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 247)


def test_csv_and_tsv_exports_read_back_the_same(imported):
    stored = {(e.headword, e.senses.all()[0].gloss_en) for e in imported}
    for delimiter in (",", "\t"):
        data = exporters.export_table(imported, delimiter=delimiter)
        assert data.startswith("\ufeff".encode())
        parsed = importers.parse_table(data, language="rad", source=SOURCE)
        assert not parsed.errors
        assert _pairs(parsed.entries) == stored


def test_editors_download_exports_and_others_are_refused(client, imported):
    from django.contrib.auth.models import Permission

    from lms.models import Role
    from tests.factories import PASSWORD, make_user

    assert client.get("/dictionary/export/rad.lift").status_code == 403
    trainer = make_user(Role.TRAINER)
    client.login(username=trainer.username, password=PASSWORD)
    assert client.get("/dictionary/export/rad.csv").status_code == 403
    trainer.user_permissions.add(Permission.objects.get(codename="change_entry"))
    lift = client.get("/dictionary/export/rad.lift")
    assert lift.status_code == 200 and b"Austronesian Basic Vocabulary" in lift.content
    parsed = importers.parse_lift(lift.content, language="rad", source=SOURCE)
    assert len(parsed.entries) == 247
    tsv = client.get("/dictionary/export/rad.tsv")
    assert tsv["Content-Type"].startswith("text/tab-separated-values")
    assert client.get("/dictionary/export/xyz.csv").status_code == 404
