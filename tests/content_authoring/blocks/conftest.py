from __future__ import annotations

import uuid

import pytest
from django.http import QueryDict
from django.test import Client

from content_authoring.models import Block
from content_authoring.services import block_fields_clean, block_submit


@pytest.fixture
def submit():
    def do(user, block: Block, data: dict, submission_id=None) -> dict:
        return block_submit(
            user=user,
            block_id=block.pk,
            submission_id=submission_id or uuid.uuid4(),
            data=data,
        )

    return do


@pytest.fixture
def client_for(db):
    def make(user, **kwargs):
        client = Client(**kwargs)
        client.force_login(user)
        return client

    return make


def form(pairs: list[tuple[str, str]]) -> QueryDict:
    """A posted authoring form."""
    data = QueryDict(mutable=True)
    for key, value in pairs:
        data.appendlist(key, value)
    return data


def author_roundtrip(block_type: str, xblock_data: list[tuple[str, str]], xblock):
    """Parse a posted author form and clean it as the authoring service does."""
    fields = xblock.author_parse(form(xblock_data))
    return block_fields_clean(block_type=block_type, fields=fields)


@pytest.fixture
def xblock_of():
    """The XBlock of a block row, as the authoring page loads it."""
    from content_authoring.runtime import BlockRuntime

    def do(block: Block, user):
        runtime = BlockRuntime(user=user)
        runtime.kvs.prime(blocks=[block])
        return runtime.get_block(str(block.pk))

    return do


def normalised(html: str) -> str:
    """HTML with ids, CSRF tokens, opaque tokens and numbers blanked out."""
    import re

    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "UUID", html)
    html = re.sub(r"\b[0-9a-f]{16}\b", "TOKEN", html)
    return re.sub(r"\d+", "N", html)
