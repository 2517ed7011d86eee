from __future__ import annotations

from pathlib import Path

import pytest

from lms.models import Role
from tests import factories

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
