"""The built-in block types and what they share.

Each block type is a plain ``XBlock`` subclass registered through the
``xblock.v1`` entry points in ``pyproject.toml``, exactly as a third-party
XBlock is, so the runtime has one way to find a block class. Views render
Django templates from ``content_authoring/templates/content_authoring/blocks/``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import nh3
from django.template.loader import render_to_string
from web_fragments.fragment import Fragment
from xblock.fields import String

BLOCKS_CSS = "content_authoring/blocks.css"
BLOCKS_JS = "content_authoring/blocks.js"
MEDIA_JS = "content_authoring/media.js"

# --- trainer HTML --------------------------------------------------------------

_HTML_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "align"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html: str) -> str:
    """Trainer HTML with scripts, event handlers and unsafe URLs removed.

    Keeps common formatting, links, images, tables and ``lang`` (content mixes
    Vietnamese with Ê Đê, M'nông, J'rai). Images load lazily: learners pay for
    mobile data.
    """
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(nh3.ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=_HTML_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
    )


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str | None) -> str:
    """``url`` if it is http(s) or a path on this site, else an empty string."""
    if not url:
        return ""
    url = url.strip()
    # Browsers ignore tabs and newlines inside a scheme ("java\tscript:").
    compact = _INVISIBLE.sub("", url)
    match = _SCHEME.match(compact)
    if match:
        return url if match.group(1).lower() in ("http", "https") else ""
    return "" if compact.startswith("\\") else url


class SanitizedHtml(String):
    """A string field of trainer HTML, sanitised whenever it is set or read.

    Reading covers rendering (content saved before a rule tightened is cleaned
    again); setting covers saving.
    """

    def _sanitize(self, value: Any) -> Any:
        value = super()._sanitize(value)
        return clean_html(value) if isinstance(value, str) else value


class SafeUrl(String):
    """A URL field that only ever yields http(s) URLs or site paths."""

    def _sanitize(self, value: Any) -> Any:
        value = super()._sanitize(value)
        return safe_url(value) if isinstance(value, str) else value


_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def language_tag(value: str | None) -> str:
    """A BCP 47-looking language tag (``vi``, ``rad``, ``en-GB``) or ``""``."""
    return value if value and _LANG.match(value) else ""


# --- views ----------------------------------------------------------------------


def fresh_submission_id() -> str:
    """A new client-side submission id, rendered into a form.

    Resending the same form (a retry on a flaky connection, the back button)
    sends the same id, so the submission counts once.
    """
    return str(uuid.uuid4())


def render_view(
    block, template_name: str, context: dict, *, js: tuple[str, ...] = ()
) -> Fragment:
    """Render a block's template into a fragment carrying the block's CSS and JS."""
    runtime = block.runtime
    request = getattr(runtime, "request", None)
    html = render_to_string(template_name, context, request=request)
    fragment = Fragment(html)
    fragment.add_css_url(runtime.resource_url(BLOCKS_CSS))
    for path in js:
        fragment.add_javascript_url(runtime.resource_url(path))
    return fragment


# --- answers graded on the server ---------------------------------------------------


class AnswerableBlock:
    """A block graded on the server from a learner's answer.

    ``content_authoring.services.block_submit`` calls :meth:`submit_answer`
    inside a transaction, with the runtime carrying the submission id; the
    handler view's ``submit`` and the REST API both go through that service.
    """

    def submit_answer(self, data: dict) -> dict:
        """Validate ``data`` (raise ``ValidationError``), grade it, update the
        user state, publish the grade, and return ``{"correct", "score",
        "max_score", "feedback_html"}``."""
        raise NotImplementedError

    def attempt_result(
        self, *, answer: dict, score: float | None, max_score: float | None
    ) -> dict:
        """The same dict for an answer recorded earlier (a resent submission)."""
        raise NotImplementedError


# --- authoring ---------------------------------------------------------------------


class AuthorableBlock:
    """A block with a server-rendered editing form (its "author view").

    ``studio_view(context)`` returns a fragment of form controls for the
    block's content and settings, filled with the current (draft) values: no
    ``<form>`` element and no buttons. The authoring page wraps it in its own
    form (CSRF, save button) and posts it to the authoring service, which
    calls :meth:`author_parse` and then ``services.block_fields_clean``, so
    the block's ``validate()`` still has the last word.

    Blocks without this mixin (third-party XBlocks) are edited with a generic
    form built from their content- and settings-scoped fields.
    """

    def author_parse(self, data) -> dict[str, Any]:
        """Field values from the posted form (a ``QueryDict``).

        Raise ``ValidationError`` (a dict keyed by field name where possible)
        for input that cannot be read at all; leave rules about the values to
        ``validate()``.
        """
        raise NotImplementedError
