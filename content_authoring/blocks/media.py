"""Video, audio and images.

Nothing downloads until the learner asks for it: players use
``preload="none"`` and images ``loading="lazy"``; learners pay for mobile data.

A video or audio plays either an uploaded media asset of the course (its small
renditions, made by ``content_authoring.media``) or an outside address. With an
asset, the player starts on the 360p copy, or on the 240p copy when the browser
asks to save data (the ``Save-Data: on`` header here, ``navigator.connection.
saveData`` or the learner's own "data saver" choice in ``media-player.js``), and
offers the small copy as a download for watching offline.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import CompletableXBlockMixin, XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Integer, Scope, String
from xblock.validation import ValidationMessage

from content_authoring.blocks import (
    MEDIA_JS,
    AuthorableBlock,
    SafeUrl,
    fresh_submission_id,
    language_tag,
    render_view,
    safe_url,
)
from lms.text import canonical

PLAYER_JS = "content_authoring/media-player.js"
AUTHOR_JS = "content_authoring/media-author.js"


def _error(validation, text: str) -> None:
    validation.add(ValidationMessage(ValidationMessage.ERROR, text))


def _text(data, name: str) -> str:
    return canonical((data.get(name) or "").strip())


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


class _CourseOfBlock:
    """The course a block sits in, for its author view (``None`` for a draft
    that is not placed yet)."""

    def _course_id(self) -> int | None:
        from courses.models import Lesson

        try:
            lesson_id = self.runtime.kvs.block_row(  # type: ignore[attr-defined]
                self.scope_ids.usage_id  # type: ignore[attr-defined]
            ).lesson_id
        except Exception:
            return None
        return (
            Lesson.objects.filter(pk=lesson_id)
            .values_list("course_id", flat=True)
            .first()
        )


class _PlayableBlock(_CourseOfBlock, AuthorableBlock, CompletableXBlockMixin, XBlock):
    """A video or audio: completes when played to the end, or when the learner
    marks the lesson as done."""

    template_name = ""
    author_template = "media/author_playable.html"
    asset_kinds: tuple[str, ...] = ()

    display_name = String(
        display_name=gettext_lazy("Display name"), scope=Scope.settings, default=""
    )
    asset_id = Integer(
        display_name=gettext_lazy("Uploaded file"),
        help=gettext_lazy("One of the course's processed media files."),
        scope=Scope.content,
        default=None,
    )
    src = SafeUrl(
        display_name=gettext_lazy("File address"),
        help=gettext_lazy("An https:// address or an uploaded file's address."),
        scope=Scope.content,
        default="",
    )
    caption = String(
        display_name=gettext_lazy("Caption"), scope=Scope.content, default=""
    )
    transcript = String(
        display_name=gettext_lazy("Transcript"), scope=Scope.content, default=""
    )
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )
    watched = Boolean(scope=Scope.user_state, default=False)

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def _asset_id(self) -> int | None:
        value = self.asset_id
        return value if isinstance(value, int) and value > 0 else None

    @classmethod
    def prefetch_for_lesson(cls, runtime, rows) -> None:
        """Read the playback of every uploaded asset these blocks play in one
        go (see ``selectors.lesson_render``)."""
        from content_authoring.media.selectors import media_playbacks

        ids = [
            r.fields["asset_id"]
            for r in rows
            if isinstance(r.fields.get("asset_id"), int) and r.fields["asset_id"] > 0
        ]
        cache = runtime.cache.setdefault("media_playbacks", {})
        missing = [i for i in ids if i not in cache]
        if missing:
            found = media_playbacks(asset_ids=missing)
            cache.update({i: found.get(i) for i in missing})

    def _playback(self):
        from content_authoring.media.selectors import media_playback

        asset_id = self._asset_id()
        if not asset_id:
            return None
        cache = getattr(self.runtime, "cache", {}).get("media_playbacks", {})
        if asset_id in cache:
            return cache[asset_id]
        return media_playback(asset_id=asset_id)

    def _save_data_requested(self) -> bool:
        request = getattr(self.runtime, "request", None)
        return bool(
            request is not None
            and request.headers.get("Save-Data", "").strip().lower() == "on"
        )

    def _context(self) -> dict:
        playback = self._playback()
        save_data = self._save_data_requested()
        chosen = None
        if playback is not None:
            chosen = playback.small if save_data else playback.normal
        return {
            "src": self.src,
            "playback": playback,
            "chosen": chosen,
            "save_data": save_data,
            "preparing": self._asset_id() is not None and playback is None,
            "caption": self.caption,
            "transcript": self.transcript,
            "lang": language_tag(self.lang),
            "watched": self.watched,
            "progress_url": self.runtime.handler_url(self, "progress"),
            "submission_id": fresh_submission_id(),
        }

    def student_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self, self.template_name, self._context(), js=(MEDIA_JS, PLAYER_JS)
        )

    @XBlock.handler
    def progress(self, request, suffix: str = "") -> Response:
        """The player reports ``event=ended``: the learner played it to the end."""
        if request.content_type == "application/json":
            try:
                event = (request.json_body or {}).get("event")
            except (ValueError, AttributeError) as exc:
                raise ValidationError(_("The request is not valid JSON.")) from exc
        else:
            event = request.POST.get("event")
        if event != "ended":
            raise ValidationError(_("Unknown media event: only “ended” is recorded."))
        self.watched = True
        self.emit_completion(1.0)
        return Response(json_body={"completed": True})

    def validate(self):
        validation = super().validate()
        if not self.src and self._asset_id() is None:
            _error(
                validation,
                _(
                    "Choose an uploaded file or give the file's address (http or https)."  # noqa: E501
                ),
            )
        return validation

    # Authoring -----------------------------------------------------------------

    def _author_context(self) -> dict[str, Any]:
        from content_authoring.media.selectors import media_assets_ready

        course_id = self._course_id()
        assets = (
            media_assets_ready(course_id=course_id, kinds=self.asset_kinds)
            if course_id is not None
            else []
        )
        library_url = (
            reverse("content_authoring:media:library", args=[course_id])
            if course_id is not None
            else ""
        )
        return {
            "block": self,
            "assets": assets,
            "asset_id": self._asset_id(),
            "library_url": library_url,
            "is_video": False,
        }

    def studio_view(self, context: dict | None = None) -> Fragment:
        return render_view(self, self.author_template, self._author_context())

    def author_parse(self, data) -> dict[str, Any]:
        from content_authoring.media.models import MediaAsset

        raw = (data.get("asset_id") or "").strip()
        asset_id: int | None = None
        if raw:
            if not raw.isdecimal():
                raise ValidationError({"asset_id": _("Choose one of the files.")})
            asset_id = int(raw)
            assets = MediaAsset.objects.filter(
                pk=asset_id, kind__in=self.asset_kinds, status=MediaAsset.Status.READY
            )
            course_id = self._course_id()
            if course_id is not None:
                assets = assets.filter(course_id=course_id)
            if not assets.exists():
                raise ValidationError(
                    {"asset_id": _("Choose one of this course's ready files.")}
                )
        src = (data.get("src") or "").strip()
        if src and not safe_url(src):
            raise ValidationError({"src": _("Give an http or https address.")})
        return {
            "display_name": _text(data, "display_name"),
            "asset_id": asset_id,
            "src": src,
            "caption": _text(data, "caption"),
            "transcript": _text(data, "transcript"),
            "lang": (data.get("lang") or "").strip(),
        }


class VideoBlock(_PlayableBlock):
    template_name = "content_authoring/blocks/video.html"
    asset_kinds = ("video", "slides")

    poster = SafeUrl(
        display_name=gettext_lazy("Poster image"),
        help=gettext_lazy("A small image shown before the video plays (optional)."),
        scope=Scope.settings,
        default="",
    )
    subtitles = SafeUrl(
        display_name=gettext_lazy("Subtitles address"),
        help=gettext_lazy(
            "A WebVTT file for a video given by address; uploaded videos carry "
            "their own subtitles."
        ),
        scope=Scope.content,
        default="",
    )
    subtitles_lang = String(
        display_name=gettext_lazy("Subtitles language"),
        scope=Scope.settings,
        default="",
    )

    def _context(self) -> dict:
        context = super()._context()
        playback = context["playback"]
        subtitles_url = self.subtitles
        subtitles_lang = language_tag(self.subtitles_lang)
        poster = self.poster
        if playback is not None:
            if playback.subtitles_url:
                subtitles_url = playback.subtitles_url
                subtitles_lang = language_tag(playback.subtitles_lang)
            if playback.poster and not poster:
                poster = playback.poster.url
        subtitles_lang = subtitles_lang or context["lang"] or "vi"
        return {
            **context,
            "poster": poster,
            "subtitles_url": subtitles_url,
            "subtitles_lang": subtitles_lang,
            "subtitles_label": _language_name(subtitles_lang),
        }

    def _author_context(self) -> dict[str, Any]:
        return {**super()._author_context(), "is_video": True}

    def author_parse(self, data) -> dict[str, Any]:
        values = super().author_parse(data)
        for name in ("poster", "subtitles"):
            url = (data.get(name) or "").strip()
            if url and not safe_url(url):
                raise ValidationError({name: _("Give an http or https address.")})
            values[name] = url
        values["subtitles_lang"] = (data.get("subtitles_lang") or "").strip()
        return values


class AudioBlock(_PlayableBlock):
    template_name = "content_authoring/blocks/audio.html"
    asset_kinds = ("audio",)


class ImageBlock(_CourseOfBlock, AuthorableBlock, XBlock):
    """A picture with its alternative text; completes when the lesson is marked done."""

    display_name = String(
        display_name=gettext_lazy("Display name"), scope=Scope.settings, default=""
    )
    src = SafeUrl(
        display_name=gettext_lazy("Image address"), scope=Scope.content, default=""
    )
    alt = String(
        display_name=gettext_lazy("Alternative text"),
        help=gettext_lazy("What the picture shows, for learners who cannot see it."),
        scope=Scope.content,
        default="",
    )
    caption = String(
        display_name=gettext_lazy("Caption"), scope=Scope.content, default=""
    )
    width = Integer(scope=Scope.settings, default=None)
    height = Integer(scope=Scope.settings, default=None)
    lang = String(
        display_name=gettext_lazy("Language"), scope=Scope.settings, default=""
    )

    has_score = False
    completion_mode = XBlockCompletionMode.COMPLETABLE

    def student_view(self, context: dict | None = None) -> Fragment:
        return render_view(
            self,
            "content_authoring/blocks/image.html",
            {
                "src": self.src,
                "alt": self.alt,
                "caption": self.caption,
                "width": self.width if isinstance(self.width, int) else None,
                "height": self.height if isinstance(self.height, int) else None,
                "lang": language_tag(self.lang),
            },
        )

    def validate(self):
        validation = super().validate()
        if not self.src:
            _error(validation, _("Give the address of the image (http or https)."))
        if not (self.alt or "").strip():
            _error(validation, _("Describe the image in the alternative text."))
        return validation

    def studio_view(self, context: dict | None = None) -> Fragment:
        course_id = self._course_id()
        upload_url = (
            reverse("content_authoring:media:image_upload", args=[course_id])
            if course_id is not None
            else ""
        )
        return render_view(
            self,
            "media/author_image.html",
            {"block": self, "upload_url": upload_url},
            js=(AUTHOR_JS,),
        )

    def author_parse(self, data) -> dict[str, Any]:
        src = (data.get("src") or "").strip()
        if src and not safe_url(src):
            raise ValidationError({"src": _("Give an http or https address.")})
        values: dict[str, Any] = {
            "display_name": _text(data, "display_name"),
            "src": src,
            "alt": _text(data, "alt"),
            "caption": _text(data, "caption"),
            "lang": (data.get("lang") or "").strip(),
        }
        for name in ("width", "height"):
            raw = (data.get(name) or "").strip()
            if raw and not raw.isdecimal():
                raise ValidationError({name: _("Give a whole number of pixels.")})
            values[name] = int(raw) if raw else None
        return values
