"""The block runtime: the ``XBlock`` library's ``Runtime`` over Django models.

Field data follows XBlock's scopes:

* content and settings come from ``Block.fields`` (one JSON object per block);
* user_state from ``BlockUserState``, one row per learner and block;
* preferences from ``BlockTypePreference``, one row per learner and block type;
* user_state_summary from ``BlockSharedState``, one row per block, shared by
  all its learners (a poll's tally); handlers lock it (``services.block_handle``);
* user_info is not stored: reads give the field's
  default and writes are refused.

A usage id (and a definition id) is ``str(Block.pk)``. Block classes are found
through the ``xblock.v1`` entry points, so a third-party XBlock installed from
PyPI loads exactly as the built-in ones do. Asides are switched off.

A block class that ``needs`` a service this runtime does not offer (see
:data:`PROVIDED_SERVICES`) is not built: its place in the lesson, and in the
authoring page, shows a message naming the service (:func:`block_type_check`).
Blocks whose fragment asks for ``initialize_js`` are wrapped the way XBlock's
JavaScript runtime expects (``data-init``, ``data-runtime-class``, the JSON
init arguments) and bring ``xblock-runtime.js`` (and jQuery, for third-party
blocks) onto the page.

Results reach ``courses`` through :meth:`BlockRuntime.publish`: "grade" and
"completion" events call ``courses.services.block_result_record`` with the
submission id the request carried, so a retry counts once.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

import webob
import webob.multidict
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from web_fragments.fragment import Fragment, FragmentResource
from xblock.core import XBlock
from xblock.exceptions import InvalidScopeError, NoSuchDefinition, NoSuchUsage
from xblock.fields import Scope, ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import IdGenerator, IdReader, KeyValueStore, KvsFieldData, Runtime

from content_authoring.models import (
    Block,
    BlockSharedState,
    BlockTypePreference,
    BlockUserState,
)

if TYPE_CHECKING:
    from courses.services import ResultRecorded

log = logging.getLogger(__name__)

# How long the answer to a handler call is kept for a resend of the same call.
HANDLED_CALL_SECONDS = 24 * 60 * 60


class BlockTypeUnavailable(NoSuchUsage):
    """The block's type has no installed XBlock class, or its class failed to load."""

    def __init__(self, block_type: str) -> None:
        self.block_type = block_type
        super().__init__(block_type)

    @property
    def message(self) -> str:
        return block_type_check(self.block_type).message


class BlockServicesMissing(BlockTypeUnavailable):
    """The block's class needs services (``XBlock.needs``) this runtime lacks."""

    def __init__(self, block_type: str, missing_services: Iterable[str]) -> None:
        self.missing_services = tuple(missing_services)
        super().__init__(block_type)


class SubmissionIdMissing(ValidationError):
    """A block published a result outside a request that carried a submission id."""


def static_url(path: str) -> str:
    """The URL of a static file.

    A missing manifest entry (``collectstatic`` not yet run after a new file)
    falls back to the plain URL rather than failing the whole lesson page.
    """
    try:
        return static(path)
    except ValueError:
        return settings.STATIC_URL + path


# --- field data ----------------------------------------------------------------


class DjangoKeyValueStore(KeyValueStore):
    """XBlock's key-value store over the ``content_authoring`` models.

    Rows are cached for the life of the store (one request). :meth:`prime` fills
    the cache in bulk so that rendering a lesson reads no row twice and none per
    block; anything not primed is read on first use.
    """

    def __init__(self, *, user_id: int | None, can_edit_content: bool = False) -> None:
        self.user_id = user_id
        self.can_edit_content = can_edit_content
        self._blocks: dict[str, Block] = {}
        self._states: dict[str, dict] = {}
        self._preferences: dict[str, dict] = {}
        self._summaries: dict[str, dict] = {}

    def prime(
        self,
        *,
        blocks: Iterable[Block],
        states: Iterable[BlockUserState] | None = None,
        preferences: Iterable[BlockTypePreference] | None = None,
    ) -> None:
        """Cache block rows and, if given, every user state and preference for them.

        ``states`` and ``preferences`` must be all the user's rows for these
        blocks and their types: a block without a row is then known to have none.
        """
        blocks = list(blocks)
        for block in blocks:
            self._blocks[str(block.pk)] = block
        if states is not None:
            for block in blocks:
                self._states.setdefault(str(block.pk), {})
            for state in states:
                self._states[str(state.block_id)] = dict(state.state)
        if preferences is not None:
            for block in blocks:
                self._preferences.setdefault(block.block_type, {})
            for preference in preferences:
                self._preferences[preference.block_type] = dict(preference.state)

    # Rows --------------------------------------------------------------------

    def block_row(self, usage_id: Any) -> Block:
        usage_id = str(usage_id)
        row = self._blocks.get(usage_id)
        if row is None:
            if not usage_id.isdecimal():
                raise NoSuchUsage(usage_id)
            row = Block.objects.filter(pk=int(usage_id)).first()
            if row is None:
                raise NoSuchUsage(usage_id)
            self._blocks[usage_id] = row
        return row

    def _state(self, usage_id: str) -> dict:
        if self.user_id is None:
            return {}
        if usage_id not in self._states:
            row = (
                BlockUserState.objects.filter(
                    block_id=int(usage_id), user_id=self.user_id
                )
                .only("state")
                .first()
            )
            self._states[usage_id] = dict(row.state) if row else {}
        return self._states[usage_id]

    def _preference(self, block_type: str) -> dict:
        if self.user_id is None:
            return {}
        if block_type not in self._preferences:
            row = (
                BlockTypePreference.objects.filter(
                    user_id=self.user_id, block_type=block_type
                )
                .only("state")
                .first()
            )
            self._preferences[block_type] = dict(row.state) if row else {}
        return self._preferences[block_type]

    def _summary(self, usage_id: str) -> dict:
        if usage_id not in self._summaries:
            row = (
                BlockSharedState.objects.filter(block_id=int(usage_id))
                .only("state")
                .first()
            )
            self._summaries[usage_id] = dict(row.state) if row else {}
        return self._summaries[usage_id]

    def lock_summary(self, usage_id: str) -> None:
        """Read the block's shared state under a row lock, for a handler that
        may change it: concurrent votes then add up instead of overwriting."""
        BlockSharedState.objects.get_or_create(block_id=int(usage_id))
        row = BlockSharedState.objects.select_for_update().get(block_id=int(usage_id))
        self._summaries[usage_id] = dict(row.state)

    def _bucket(self, key: KeyValueStore.Key) -> tuple[str, str, dict]:
        """Where a key's value lives: (kind, id, the cached dict of values)."""
        scope = key.scope
        if scope in (Scope.content, Scope.settings):
            block_id = str(key.block_scope_id)
            return "block", block_id, self.block_row(block_id).fields
        if scope == Scope.user_state:
            self._check_user(key)
            block_id = str(key.block_scope_id)
            return "state", block_id, self._state(block_id)
        if scope == Scope.preferences:
            self._check_user(key)
            block_type = str(key.block_scope_id)
            return "preference", block_type, self._preference(block_type)
        if scope == Scope.user_state_summary:
            block_id = str(key.block_scope_id)
            return "summary", block_id, self._summary(block_id)
        # user_info, children, parent: nothing is stored.
        raise KeyError(key)

    def _check_user(self, key: KeyValueStore.Key) -> None:
        if self.user_id is None or key.user_id != self.user_id:
            raise KeyError(key)

    # KeyValueStore -------------------------------------------------------------

    def get(self, key: KeyValueStore.Key) -> Any:
        _kind, _id, values = self._bucket(key)
        # A copy: a block mutating a list in place must not change the cache
        # behind XBlock's back (its dirty check compares against this value).
        return copy.deepcopy(values[key.field_name])

    def has(self, key: KeyValueStore.Key) -> bool:
        try:
            _kind, _id, values = self._bucket(key)
        except (KeyError, NoSuchUsage):
            return False
        return key.field_name in values

    def set(self, key: KeyValueStore.Key, value: Any) -> None:
        self.set_many({key: value})

    def set_many(self, update_dict: dict) -> None:
        touched: defaultdict[str, AbstractSet[str]] = defaultdict(frozenset)
        for key, value in update_dict.items():
            kind, ident, values = self._writable_bucket(key)
            values[key.field_name] = value
            touched[kind] = touched[kind] | {ident}
        self._persist(touched)

    def delete(self, key: KeyValueStore.Key) -> None:
        kind, ident, values = self._writable_bucket(key)
        values.pop(key.field_name, None)
        self._persist({kind: {ident}})

    def _writable_bucket(self, key: KeyValueStore.Key) -> tuple[str, str, dict]:
        try:
            kind, ident, values = self._bucket(key)
        except KeyError as exc:
            raise InvalidScopeError(key.scope, key.field_name) from exc
        if kind == "block" and not self.can_edit_content:
            raise InvalidScopeError(key.scope, key.field_name)
        if kind == "summary" and self.user_id is None:
            # Shared values change through a learner's handler call only.
            raise InvalidScopeError(key.scope, key.field_name)
        return kind, ident, values

    def _persist(self, touched: Mapping[str, AbstractSet[str]]) -> None:
        for block_id in touched.get("block", ()):
            row = self._blocks[block_id]
            row.save(update_fields=["fields", "updated_at"])
        user_id = self.user_id
        if user_id is None:  # _check_user let no user-scoped key through
            return
        for block_id in touched.get("state", ()):
            BlockUserState.objects.update_or_create(
                block_id=int(block_id),
                user_id=user_id,
                defaults={"state": self._states[block_id]},
            )
        for block_id in touched.get("summary", ()):
            BlockSharedState.objects.update_or_create(
                block_id=int(block_id), defaults={"state": self._summaries[block_id]}
            )
        for block_type in touched.get("preference", ()):
            BlockTypePreference.objects.update_or_create(
                user_id=user_id,
                block_type=block_type,
                defaults={"state": self._preferences[block_type]},
            )


class BlockIdManager(IdReader, IdGenerator):
    """Usage id = definition id = ``str(Block.pk)``; blocks are rows, not XML."""

    def __init__(self, kvs: DjangoKeyValueStore) -> None:
        self._kvs = kvs

    def get_definition_id(self, usage_id: Any) -> str:
        self._kvs.block_row(usage_id)
        return str(usage_id)

    def get_block_type(self, def_id: Any) -> str:
        try:
            return self._kvs.block_row(def_id).block_type
        except NoSuchUsage as exc:
            raise NoSuchDefinition(repr(def_id)) from exc

    def create_usage(self, def_id: Any) -> str:
        raise NotImplementedError("Blocks are created by content_authoring.services.")

    def create_definition(self, block_type: str, slug: str | None = None) -> str:
        raise NotImplementedError("Blocks are created by content_authoring.services.")

    # Asides are switched off in this runtime.
    def create_aside(self, definition_id, usage_id, aside_type):
        raise NotImplementedError("Asides are not supported.")

    def get_usage_id_from_aside(self, aside_id):
        raise NotImplementedError("Asides are not supported.")

    def get_definition_id_from_aside(self, aside_id):
        raise NotImplementedError("Asides are not supported.")

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError("Asides are not supported.")

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError("Asides are not supported.")


# --- services offered to blocks ------------------------------------------------


class DjangoI18nService:
    """XBlock's "i18n" service backed by Django's active translation."""

    _FORMATS = {
        "SHORT_DATE": "SHORT_DATE_FORMAT",
        "LONG_DATE": "DATE_FORMAT",
        "TIME": "TIME_FORMAT",
        "DATE_TIME": "DATETIME_FORMAT",
    }

    def gettext(self, message: str) -> str:
        return translation.gettext(message)

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return translation.ngettext(singular, plural, number)

    ugettext = gettext
    ungettext = ngettext

    def strftime(self, dtime, format):  # noqa: A002 - XBlock's signature
        name = self._FORMATS.get(format)
        if name:
            return formats.date_format(dtime, name)
        return dtime.strftime(format)

    def get_javascript_i18n_catalog_url(self, block) -> None:
        return None


class DjangoUserService(UserService):
    """XBlock's "user" service: the signed-in user, with as little PII as works."""

    def __init__(self, user) -> None:
        super().__init__()
        self._user = user

    def get_current_user(self) -> XBlockUser:
        user = self._user
        if not user.is_authenticated:
            xuser = XBlockUser(is_current_user=True)
            xuser.opt_attrs["daklak.is_authenticated"] = False
            return xuser
        xuser = XBlockUser(is_current_user=True, full_name=user.display_name)
        xuser.opt_attrs.update(
            {
                "daklak.is_authenticated": True,
                "daklak.user_id": user.pk,
                "daklak.username": user.username,
            }
        )
        return xuser


class DjangoSettingsService:
    """XBlock's "settings" service: a block type's bucket of ``XBLOCK_SETTINGS``.

    As in Open edX, the bucket is named by the block's ``block_settings_key``
    (else its class name); a deployment sets ``XBLOCK_SETTINGS`` to configure a
    third-party block without changing its code.
    """

    def get_settings_bucket(self, block, default: dict | None = None) -> dict:
        key = getattr(block, "block_settings_key", None) or type(block).__name__
        buckets = getattr(settings, "XBLOCK_SETTINGS", None) or {}
        return buckets.get(key, {} if default is None else default)


# What every BlockRuntime offers (see BlockRuntime.__init__): a block class that
# needs anything else cannot run here.
PROVIDED_SERVICES = frozenset({"field-data", "i18n", "settings", "user"})


def missing_services(cls: type[XBlock]) -> tuple[str, ...]:
    """The services ``cls`` declares with ``XBlock.needs`` that are not provided."""
    # _combined_services gathers the declarations of the class and its bases.
    declared: dict[str, str] = getattr(cls, "_combined_services", {})
    return tuple(
        sorted(
            name
            for name, how in declared.items()
            if how == "need" and name not in PROVIDED_SERVICES
        )
    )


@dataclass(frozen=True, slots=True)
class BlockTypeCheck:
    """Whether a block type can run on this platform, and if not, why."""

    block_type: str
    available: bool
    message: str  # empty when available; else what the authoring page shows
    missing_services: tuple[str, ...] = ()


def block_type_check(block_type: str) -> BlockTypeCheck:
    """Load ``block_type``'s XBlock class and check the services it needs.

    Never raises: a type with no installed class, one whose import fails and
    one needing services the platform lacks each give ``available=False`` and
    a message naming the block type (and the missing services).
    """
    try:
        cls = XBlock.load_class(block_type)
    except Exception:
        log.warning("Block type %r cannot be loaded", block_type, exc_info=True)
        return BlockTypeCheck(
            block_type=block_type,
            available=False,
            message=_(
                "The block type “%(type)s” is not installed on this platform,"
                " or it failed to load."
            )
            % {"type": block_type},
        )
    missing = missing_services(cls)
    if missing:
        return BlockTypeCheck(
            block_type=block_type,
            available=False,
            message=ngettext(
                "The block type “%(type)s” needs a service this platform does"
                " not provide: %(services)s.",
                "The block type “%(type)s” needs services this platform does"
                " not provide: %(services)s.",
                len(missing),
            )
            % {"type": block_type, "services": ", ".join(missing)},
            missing_services=missing,
        )
    return BlockTypeCheck(block_type=block_type, available=True, message="")


# --- the runtime ---------------------------------------------------------------


class BlockRuntime(Runtime):
    """Runs blocks for one user during one request.

    ``submission_id`` is the id the client made for the current submission; a
    block's first published result uses it as is and any further results in
    the same request use ids derived from it, so a resent request maps to the
    same records. ``results`` holds what ``courses`` recorded, in order.
    """

    def __init__(
        self,
        *,
        user,
        request: HttpRequest | None = None,
        submission_id: uuid.UUID | None = None,
        return_url: str = "",
        can_edit_content: bool = False,
    ) -> None:
        self.user = user
        self.request = request
        self.return_url = return_url
        self.kvs = DjangoKeyValueStore(
            user_id=user.pk if user.is_authenticated else None,
            can_edit_content=can_edit_content,
        )
        ids = BlockIdManager(self.kvs)
        super().__init__(
            id_reader=ids,
            id_generator=ids,
            services={
                "field-data": KvsFieldData(self.kvs),
                "i18n": DjangoI18nService(),
                "settings": DjangoSettingsService(),
                "user": DjangoUserService(user),
            },
        )
        self.submission_id = submission_id
        self.results: list[ResultRecorded] = []
        # Values read once for a whole page (``prefetch_for_lesson``), by name.
        self.cache: dict[str, Any] = {}

    # Blocks ----------------------------------------------------------------------

    def load_block_type(self, block_type: str) -> type[XBlock]:
        try:
            cls = XBlock.load_class(block_type, select=self.select)
        except Exception as exc:
            # A missing entry point, an ambiguous one, or an XBlock whose import
            # fails (a missing dependency): the page shows a message instead.
            log.warning("Block type %r cannot be loaded", block_type, exc_info=True)
            raise BlockTypeUnavailable(block_type) from exc
        missing = missing_services(cls)
        if missing:
            raise BlockServicesMissing(block_type, missing)
        return cls

    def get_block(self, usage_id, for_parent=None) -> XBlock:
        usage_id = str(usage_id)
        row = self.kvs.block_row(usage_id)
        keys = ScopeIds(self.kvs.user_id, row.block_type, usage_id, usage_id)
        cls = self.load_block_type(row.block_type)
        try:
            return self.construct_xblock_from_class(cls, keys, for_parent=for_parent)
        except Exception as exc:
            log.warning(
                "Block %s of type %r cannot be built",
                usage_id,
                row.block_type,
                exc_info=True,
            )
            raise BlockTypeUnavailable(row.block_type) from exc

    def render_usage(
        self, usage_id, view_name: str = "student_view", context: dict | None = None
    ) -> tuple[Fragment, bool]:
        """Render a block by id; a block that cannot load or render shows a message.

        Returns the fragment and whether the block rendered normally.
        """
        row = self.kvs.block_row(usage_id)
        try:
            block = self.get_block(usage_id)
        except BlockServicesMissing as exc:
            return self.render_unavailable(row, view_name, exc.missing_services), False
        except BlockTypeUnavailable:
            return self.render_unavailable(row, view_name), False
        try:
            return self.render(block, view_name, context), True
        except Exception:
            log.exception(
                "Block %s (%s) failed to render %s", row.pk, row.block_type, view_name
            )
            return self.render_unavailable(row, view_name), False

    def render_unavailable(
        self,
        row: Block,
        view_name: str = "student_view",
        missing_services: tuple[str, ...] = (),
    ) -> Fragment:
        body = render_to_string(
            "content_authoring/blocks/unavailable.html",
            {
                "block_type": row.block_type,
                "missing_services": ", ".join(missing_services),
                "authoring": view_name != "student_view",
            },
        )
        return self._wrap(str(row.pk), row.block_type, view_name, Fragment(body))

    # Asides are switched off: installed asides would otherwise wrap every block.
    def applicable_aside_types(self, block) -> list:
        return []

    def get_asides(self, block) -> list:
        return []

    def render_asides(self, block, view_name, frag, context):
        return frag

    def wrap_xblock(self, block, view, frag, context):
        return self._wrap(
            str(block.scope_ids.usage_id),
            block.scope_ids.block_type,
            view,
            frag,
            third_party=not type(block).__module__.startswith("content_authoring."),
        )

    def _wrap(
        self,
        usage_id: str,
        block_type: str,
        view: str,
        frag: Fragment,
        *,
        third_party: bool = False,
    ) -> Fragment:
        # The id is what htmx targets when a block's form swaps the block.
        js_attrs, js_args = "", ""
        wrapped = Fragment()
        if frag.js_init_fn:
            # What XBlock's JavaScript runtime reads (xblock-runtime.js): the
            # init function, the runtime, the handler URLs' prefix, the args.
            js_attrs = format_html(
                ' data-init="{}" data-runtime-class="{}" data-runtime-version="{}"'
                ' data-handler-prefix="{}"',
                frag.js_init_fn,
                JS_RUNTIME_CLASS,
                frag.js_init_version or 1,
                _handler_prefix(usage_id),
            )
            if frag.json_init_args is not None:
                js_args = format_html(
                    '<script type="json/xblock-args" class="xblock-json-init-args">'
                    "{}</script>",
                    mark_safe(_json_for_script(frag.json_init_args)),  # noqa: S308
                )
            # Third-party XBlock code has always been able to count on jQuery.
            if third_party:
                wrapped.add_javascript_url(self.resource_url(JQUERY_JS))
            wrapped.add_javascript_url(self.resource_url(XBLOCK_RUNTIME_JS))
        html = format_html(
            '<section class="block block-{}" id="block-{}" data-usage-id="{}"'
            ' data-block-type="{}" data-view="{}"{}>{}{}</section>',
            block_type,
            usage_id,
            usage_id,
            block_type,
            view,
            js_attrs,
            js_args,
            mark_safe(frag.body_html()),  # noqa: S308 - the block's own rendered HTML
        )
        wrapped.add_content(str(html))
        wrapped.add_fragment_resources(frag)
        return wrapped

    # Handlers --------------------------------------------------------------------

    def handle(self, block, handler_name, request, suffix=""):
        """Run a handler; a resent call (same user, block, handler and submission
        id) gets the first call's answer without running the handler again.

        Results published by a handler already count once (``courses``), but a
        block's own state might not: drag-and-drop's ``do_attempt`` counts a
        try and publishes nothing when the score did not improve. Answers are
        kept in the cache for a day, once the call's transaction has committed.
        """
        key = self._handled_key(block, handler_name, suffix)
        if key is not None:
            kept = cache.get(key)
            if kept is not None:
                status, headers, body = kept
                return webob.Response(body=body, status=status, headerlist=headers)
        response = super().handle(block, handler_name, request, suffix)
        if key is not None and 200 <= response.status_code < 300:
            kept = (response.status, list(response.headerlist), response.body)
            transaction.on_commit(lambda: cache.set(key, kept, HANDLED_CALL_SECONDS))
        return response

    def _handled_key(self, block, handler_name: str, suffix: str) -> str | None:
        if self.submission_id is None or self.kvs.user_id is None:
            return None
        call = f"{block.scope_ids.usage_id}:{handler_name}:{suffix}"
        return f"xblock-handled:{self.kvs.user_id}:{call}:{self.submission_id}"

    # URLs ------------------------------------------------------------------------

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        kwargs: dict[str, Any] = {
            "usage_id": int(block.scope_ids.usage_id),
            "handler_name": handler_name,
        }
        if suffix:
            kwargs["suffix"] = suffix.lstrip("/")
            url = reverse("content_authoring:block_handler_suffix", kwargs=kwargs)
        else:
            url = reverse("content_authoring:block_handler", kwargs=kwargs)
        if query:
            url = f"{url}?{query}"
        if thirdparty and self.request is not None:
            # Still behind session auth: no anonymous third-party callbacks here.
            url = self.request.build_absolute_uri(url)
        return url

    def resource_url(self, resource: str) -> str:
        return static_url(resource)

    def local_resource_url(self, block, uri: str) -> str:
        return reverse(
            "content_authoring:block_resource",
            kwargs={"block_type": block.scope_ids.block_type, "uri": uri},
        )

    # Results ---------------------------------------------------------------------

    def begin_submission(self, submission_id: uuid.UUID) -> None:
        """Start a new submission on this runtime (one per block in a batch)."""
        self.submission_id = submission_id
        self.results = []

    @property
    def first_result(self) -> ResultRecorded | None:
        return self.results[0] if self.results else None

    @property
    def duplicate(self) -> bool:
        """Whether this request's submission had already been recorded."""
        first = self.first_result
        return first is not None and not first.created

    def _next_submission_id(self) -> uuid.UUID:
        if self.submission_id is None:
            raise SubmissionIdMissing(_("This request carries no submission id."))
        n = len(self.results)
        return (
            self.submission_id
            if n == 0
            else uuid.uuid5(self.submission_id, f"event-{n}")
        )

    def publish(self, block, event_type: str, event_data: dict) -> None:
        if event_type == "grade":
            value, max_value = event_data.get("value"), event_data.get("max_value")
            if not _is_number(value) or not _is_number(max_value) or max_value <= 0:
                raise ValidationError(
                    _("A grade needs a value and a positive maximum.")
                )
            answer = event_data.get("answer")
            kwargs: dict[str, Any] = {
                "kind": "grade",
                "progress": 1.0,
                "score": float(value),
                "max_score": float(max_value),
                "answer": answer if isinstance(answer, dict) else None,
            }
        elif event_type == "completion":
            completion = event_data.get("completion")
            if not _is_number(completion):
                raise ValidationError(_("A completion needs a number between 0 and 1."))
            kwargs = {"kind": "completion", "progress": float(completion)}
        else:
            # Analytics-style events (video played, problem viewed...) are not
            # progress; nothing records them yet.
            log.debug(
                "Event %r from block %s ignored", event_type, block.scope_ids.usage_id
            )
            return
        # courses.services reads content_authoring.selectors: import on use.
        from courses.services import block_result_record

        recorded = block_result_record(
            user=self.user,
            block_id=int(block.scope_ids.usage_id),
            submission_id=self._next_submission_id(),
            **kwargs,
        )
        self.results.append(recorded)


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- page resources --------------------------------------------------------------

JS_RUNTIME_CLASS = "DaklakRuntime"
XBLOCK_RUNTIME_JS = "content_authoring/xblock-runtime.js"
JQUERY_JS = "vendor/jquery/jquery.min.js"


def _handler_prefix(usage_id: str) -> str:
    """``/blocks/<id>/handler/``: the client appends ``<name>/<suffix>``."""
    marker = "__name__"
    url = reverse(
        "content_authoring:block_handler",
        kwargs={"usage_id": int(usage_id), "handler_name": marker},
    )
    return url[: url.rindex(marker)]


def _json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element (as Django's ``json_script`` makes it)."""
    return json.dumps(value, cls=DjangoJSONEncoder).translate(
        {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
    )


def resources_html(fragment: Fragment, placement: str) -> SafeString:
    """The tags for a fragment's resources at ``placement`` ("head" or "foot").

    Fragments de-duplicate resources, so a CSS or JS file that several blocks
    ask for is included once. Scripts run in the order blocks added them, files
    and inline code alike (no ``defer``): XBlock fragments count on that order
    (a library file, then the inline code that uses it).
    """
    return mark_safe(  # noqa: S308 - built from escaped URLs and blocks' own code
        "\n".join(
            _resource_tag(resource)
            for resource in fragment.resources
            if resource.placement == placement
        )
    )


def _resource_tag(resource: FragmentResource) -> str:
    if resource.kind == "url":
        if resource.mimetype == "text/css":
            return str(format_html('<link rel="stylesheet" href="{}">', resource.data))
        if resource.mimetype == "application/javascript":
            return str(format_html('<script src="{}"></script>', resource.data))
    return Fragment.resource_to_html(resource)


# --- handler requests ------------------------------------------------------------


class DjangoWebobRequest(webob.BaseRequest):
    """A WebOb request (what XBlock handlers take) backed by a Django request."""

    def __init__(self, request: HttpRequest) -> None:
        environ = {k: v for k, v in request.META.items() if isinstance(k, str)}
        environ.update(
            {
                "PATH_INFO": request.path_info,
                "REQUEST_METHOD": request.method or "GET",
                "wsgi.url_scheme": request.scheme or "http",
                "wsgi.input": io.BytesIO(b""),
            }
        )
        environ.setdefault("SERVER_NAME", "localhost")
        environ.setdefault("SERVER_PORT", "80")
        super().__init__(environ)
        self.django_request = request

    @property
    def GET(self):  # noqa: N802 - WebOb's name
        return webob.multidict.MultiDict(
            (k, v) for k, values in self.django_request.GET.lists() for v in values
        )

    @property
    def POST(self):  # noqa: N802 - WebOb's name
        if self.method not in ("POST", "PUT", "PATCH"):
            return webob.multidict.NoVars("Not a form request")
        return webob.multidict.MultiDict(
            (k, v) for k, values in self.django_request.POST.lists() for v in values
        )

    @property
    def body(self) -> bytes:
        return self.django_request.body

    @property
    def body_file(self):
        return io.BytesIO(self.django_request.body)

    @property
    def json_body(self):
        return json.loads(self.body.decode("utf-8"))

    json = json_body


def django_response(response: webob.Response) -> HttpResponse:
    """A Django response carrying a WebOb response's status, headers and body."""
    result = HttpResponse(response.body, status=response.status_code)
    for name, value in response.headerlist:
        if name.lower() not in ("content-length",):
            result[name] = value
    return result
