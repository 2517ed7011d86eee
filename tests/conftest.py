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


@pytest.fixture
def make_block(lesson):
    """Add a required block of ``block_type`` to the test's ``lesson``."""
    from content_authoring.models import Block

    def make(block_type: str, fields: dict, *, graded: bool = True) -> Block:
        return Block.objects.create(
            lesson=lesson,
            block_type=block_type,
            position=10 + Block.objects.filter(lesson=lesson).count(),
            fields=fields,
            required=True,
            graded=graded,
        )

    return make


@pytest.fixture
def render(rf):
    """The block's learner HTML for ``user``."""
    from content_authoring.selectors import block_render

    def do(block, user) -> str:
        request = rf.get("/lesson/")
        request.user = user
        rendered = block_render(request=request, user=user, block_id=block.pk)
        assert rendered is not None and rendered.available, rendered
        return str(rendered.html)

    return do


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop in the
    main thread while it runs, which other tests must never see."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
