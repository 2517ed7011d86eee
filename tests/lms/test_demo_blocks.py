"""Every block of the demo passes its own block type's checks."""

import pytest

from content_authoring.models import Block
from content_authoring.services import block_fields_clean
from lms.demo.loader import load_demo


@pytest.mark.django_db
def test_every_demo_block_is_valid():
    load_demo()
    types = set()
    for block in Block.objects.all():
        block_fields_clean(block_type=block.block_type, fields=block.fields)
        types.add(block.block_type)
    # The demo shows the project's own question types, not only text.
    assert {"mcq", "truefalse", "ordering", "blanks", "matching"} <= types
    assert {"shortanswer", "assignment", "discussion", "image"} <= types
