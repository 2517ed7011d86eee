"""Reads of the media sub-app: a course's assets for its trainers, and what a
player needs to play one asset."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from content_authoring.media.models import MediaAsset, Rendition
from courses import selectors as course_selectors
from courses.models import Course
from lms.models import User


def media_assets_for_course(*, user: User, course: Course) -> QuerySet[MediaAsset]:
    """The course's assets with their renditions, if ``user`` manages the course."""
    if not course_selectors.course_can_manage(user=user, course=course):
        return MediaAsset.objects.none()
    return MediaAsset.objects.filter(course=course).prefetch_related("renditions")


def media_asset_for_author(*, user: User, asset_id: int) -> MediaAsset | None:
    """The asset if ``user`` manages its course, else ``None``."""
    asset = MediaAsset.objects.select_related("course").filter(pk=asset_id).first()
    if asset is None or not course_selectors.course_can_manage(
        user=user, course=asset.course
    ):
        return None
    return asset


def media_assets_ready(*, course_id: int, kinds: tuple[str, ...]) -> list[MediaAsset]:
    """The course's assets of ``kinds`` that learners can play, newest first."""
    return list(
        MediaAsset.objects.filter(
            course_id=course_id, kind__in=kinds, status=MediaAsset.Status.READY
        ).only("id", "title", "kind", "duration", "created_at")
    )


@dataclass(frozen=True)
class PlayableFile:
    url: str
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None

    @property
    def size_mb(self) -> float:
        return self.size_bytes / 1_000_000


@dataclass(frozen=True)
class Playback:
    """The files of a ready asset, as a player uses them."""

    asset_id: int
    course_id: int
    kind: str
    duration: float | None
    normal: PlayableFile | None  # 360p, or the audio file
    small: PlayableFile | None  # 240p, or the audio file
    poster: PlayableFile | None
    subtitles_url: str
    subtitles_lang: str


def media_playback(*, asset_id: int) -> Playback | None:
    """What the player of a ready asset needs (two queries), or ``None``."""
    return media_playbacks(asset_ids=[asset_id]).get(asset_id)


def media_playbacks(*, asset_ids: list[int]) -> dict[int, Playback]:
    """The playback of every ready asset among ``asset_ids``, in two queries
    whatever their number (a lesson page asks once for all its players)."""
    assets = MediaAsset.objects.filter(
        pk__in=asset_ids, status=MediaAsset.Status.READY
    ).prefetch_related(Prefetch("renditions", queryset=Rendition.objects.all()))
    return {asset.pk: _playback(asset) for asset in assets}


def _playback(asset: MediaAsset) -> Playback:
    files = {
        r.name: PlayableFile(
            url=r.file.url,
            mime_type=r.mime_type,
            size_bytes=r.size_bytes,
            width=r.width,
            height=r.height,
        )
        for r in asset.renditions.all()
    }
    audio = files.get(Rendition.Name.AUDIO)
    normal = files.get(Rendition.Name.VIDEO_360) or audio
    small = files.get(Rendition.Name.VIDEO_240) or normal
    return Playback(
        asset_id=asset.pk,
        course_id=asset.course_id,
        kind=asset.kind,
        duration=asset.duration,
        normal=normal,
        small=small,
        poster=files.get(Rendition.Name.POSTER),
        subtitles_url=asset.subtitles.url if asset.subtitles else "",
        subtitles_lang=asset.subtitles_lang,
    )
