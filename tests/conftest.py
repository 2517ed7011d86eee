from __future__ import annotations

from pathlib import Path

import pytest

from lms.models import Role
from tests import factories

# Real Daphne processes on the test database, for WebSocket tests.
pytest_plugins = ["tests.asgi_server"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.fixture
def shared_fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(
            f"The shared fixtures folder is missing: expected {FIXTURES} "
            "(it sits beside the checkout in CI and on developer machines)."
        )
    return FIXTURES


@pytest.fixture
def learner(db):
    return factories.make_user(Role.LEARNER)


@pytest.fixture
def trainer(db):
    return factories.make_user(Role.TRAINER)


@pytest.fixture
def admin_user(db):
    return factories.make_user(Role.ADMIN)


@pytest.fixture
def organiser(db):
    return factories.make_user(Role.ORGANISER)


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop in the
    main thread while it runs, which other tests must never see."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
