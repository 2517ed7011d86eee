import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Services called directly answer in English here; pages choose their
    language per request (the tests pin it with a cookie or a profile)."""
    with translation.override("en"):
        yield
