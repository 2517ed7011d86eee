"""Helpers shared by the API tests."""

from __future__ import annotations

from rest_framework.test import APIClient

# Token authentication comes first, so an anonymous client gets 401 with a
# WWW-Authenticate challenge.
NOT_SIGNED_IN = (401,)


def client_for(user=None) -> APIClient:
    """An API client signed in as ``user``; CSRF is not enforced, as in DRF's tests."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def refused(response, status: int, code: str) -> dict:
    """Assert a refusal's status and ``code``; return its body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


def keys_anywhere(value) -> set[str]:
    """Every mapping key in a JSON document, at any depth."""
    if isinstance(value, dict):
        found = set(value)
        for item in value.values():
            found |= keys_anywhere(item)
        return found
    if isinstance(value, list):
        found = set()
        for item in value:
            found |= keys_anywhere(item)
        return found
    return set()
