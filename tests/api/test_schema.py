from __future__ import annotations

import json
import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

OUR_PATHS = {
    "/api/auth/token/": {"post"},
    "/api/me/": {"get"},
    "/api/catalog/courses/": {"get"},
    "/api/catalog/courses/{slug}/": {"get"},
    "/api/enrollments/": {"get", "post"},
    "/api/enrollments/{id}/approve/": {"post"},
    "/api/enrollments/{id}/reject/": {"post"},
    "/api/lessons/{id}/": {"get"},
    "/api/lessons/{id}/viewed/": {"post"},
    "/api/blocks/{id}/submissions/": {"post"},
    "/api/progress/courses/{slug}/": {"get"},
}
POSTS_WITHOUT_BODY = {"/api/enrollments/{id}/approve/", "/api/enrollments/{id}/reject/"}


def test_schema_generates_without_errors_or_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"].startswith("3.")


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_endpoint_serves_valid_openapi_3_json(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_schema_endpoint_serves_yaml_by_default(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    validate_schema(document)


def test_schema_describes_every_endpoint_with_its_bodies(schema):
    paths = schema["paths"]
    for path, methods in OUR_PATHS.items():
        assert path in paths, path
        for method in methods:
            operation = paths[path][method]
            answers = operation["responses"]
            ok = next(code for code in answers if code.startswith("2"))
            assert "application/json" in answers[ok]["content"], (path, method)
            if method == "post" and path not in POSTS_WITHOUT_BODY:
                assert "application/json" in operation["requestBody"]["content"], path


def test_schema_documents_the_refusals(schema):
    enroll = schema["paths"]["/api/enrollments/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(enroll)
    submit = schema["paths"]["/api/blocks/{id}/submissions/"]["post"]["responses"]
    assert {"200", "201", "400", "403", "404"} <= set(submit)


def test_block_schema_has_no_answer_field(schema):
    block = schema["components"]["schemas"]["Block"]["properties"]
    assert not set(block) & {"correct", "answers", "solution"}


@pytest.fixture
def plain_static_storage(settings):
    # Tests run without collectstatic, so there is no manifest to look names up in.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def test_docs_page_loads_only_local_static_files(client, plain_static_storage):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for cdn in ("cdn", "jsdelivr", "unpkg", "cloudflare", "googleapis"):
        assert cdn not in html.lower()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    for reference in references:
        assert reference.startswith("/static/"), reference
        assert finders.find(reference.removeprefix("/static/")), reference
    assert "/api/schema/" in html
