"""The recordings and pictures of graded dictionary exercises, under names
that do not give the word away (``DictionaryBlock.media_url``)."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from xblock.exceptions import NoSuchUsage

from content_authoring.runtime import BlockRuntime
from dictionary.blocks.common import AUDIO, IMAGE, DictionaryBlock


@require_GET
@cache_control(private=True, max_age=24 * 60 * 60)
def block_media(
    request: HttpRequest, usage_id: int, kind: str, name: str
) -> FileResponse:
    """GET /dictionary/blocks/<usage_id>/<audio|image>/<name>: the file.

    The dictionary's files are public; only the mapping from ``name`` to the
    entry is the block's secret, so no sign-in is needed.
    """
    if kind not in (AUDIO, IMAGE):
        raise Http404
    runtime = BlockRuntime(user=request.user)
    try:
        xblock = runtime.get_block(str(usage_id))
    except NoSuchUsage as exc:  # no such block, or its type cannot load
        raise Http404 from exc
    if not isinstance(xblock, DictionaryBlock):
        raise Http404
    entry = xblock.media_entry(kind, name)
    file = (
        None
        if entry is None
        else (entry.pronunciation if kind == AUDIO else entry.image)
    )
    if not file:
        raise Http404
    content_type = (
        mimetypes.guess_type(file.name or "")[0] or "application/octet-stream"
    )
    # No file name in the answer either: it is usually the headword.
    response = FileResponse(file.open("rb"), content_type=content_type)
    del response["Content-Disposition"]
    return response
