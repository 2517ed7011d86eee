from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.support import client_for


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def as_learner(learner) -> APIClient:
    return client_for(learner)


@pytest.fixture
def as_trainer(trainer) -> APIClient:
    return client_for(trainer)


@pytest.fixture
def as_admin(admin_user) -> APIClient:
    return client_for(admin_user)
