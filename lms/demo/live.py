"""Demo live classes: one running now, one tomorrow morning, with slides.

Times are set relative to when the demo loads, so ``make demo`` always shows a
class to join; a demo class that has ended is kept as it is (it has a replay).
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from content_authoring.models import Block
from courses.models import Course, Lesson, Module
from live_classes import services
from live_classes.models import LiveSession
from lms.models import User

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"

SLIDES = [
    ("Nộp hồ sơ trực tuyến", "Cổng Dịch vụ công quốc gia · dichvucong.gov.vn"),
    ("1. Đăng nhập", "Dùng tài khoản định danh điện tử VNeID mức 2"),
    ("2. Chọn thủ tục", "Tìm theo tên thủ tục, chọn cơ quan: UBND xã"),
    ("3. Nộp và theo dõi", "Lưu mã hồ sơ; tra cứu tiến độ trong mục Quản lý hồ sơ"),
]


def _slide_png(title: str, line: str, number: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1280, 720), "#f4f1ea")
    draw = ImageDraw.Draw(image)
    big: ImageFont.FreeTypeFont | ImageFont.ImageFont
    small: ImageFont.FreeTypeFont | ImageFont.ImageFont
    try:
        big, small = ImageFont.truetype(FONT_BOLD, 64), ImageFont.truetype(FONT, 40)
    except OSError:  # fonts come with `make setup`; plain text without them
        big = small = ImageFont.load_default()
    draw.rectangle((0, 0, 1280, 24), fill="#7a3b1d")
    draw.text((80, 240), title, font=big, fill="#2b2118")
    draw.text((80, 360), line, font=small, fill="#4a3b2c")
    draw.text((1160, 640), str(number), font=small, fill="#7a3b1d")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"slide-{number}.png", buffer.getvalue(), "image/png")


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load_live_demo(*, trainer: User, courses: dict[str, Course]) -> None:
    now = timezone.now().replace(second=0, microsecond=0)
    public = courses["dich-vu-cong-truc-tuyen"]
    running = _session(
        trainer=trainer,
        course=public,
        title="Giải đáp trực tiếp: nộp hồ sơ trên Cổng dịch vụ công",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=80),
    )
    if running.is_open and not running.slides.exists():
        services.slides_add(
            actor=trainer,
            session=running,
            uploads=[_slide_png(t, s, n) for n, (t, s) in enumerate(SLIDES, start=1)],
        )
    _lesson_with_block(course=public, session=running)
    _session(
        trainer=trainer,
        course=courses["tieng-ede-co-ban"],
        title="Lớp trực tiếp: luyện chào hỏi bằng tiếng Ê Đê",
        starts_at=_at(1, 8),
        ends_at=_at(1, 9),
    )


def _session(
    *, trainer: User, course: Course, title: str, starts_at, ends_at
) -> LiveSession:
    session = LiveSession.objects.filter(course=course, title=title).first()
    if session is None:
        return services.live_session_create(
            actor=trainer,
            course=course,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    if session.is_open:
        session.starts_at, session.ends_at = starts_at, ends_at
        session.save(update_fields=["starts_at", "ends_at"])
    return session


def _lesson_with_block(*, course: Course, session: LiveSession) -> None:
    if Block.objects.filter(lesson__course=course, block_type="live_session").exists():
        return
    module = Module.objects.filter(course=course).order_by("-position").first()
    if module is None:
        return
    lesson = Lesson.objects.create(
        module=module,
        course=course,
        title="Buổi giải đáp trực tiếp",
        position=module.lessons.count() + 1,
    )
    Block.objects.create(
        lesson=lesson,
        block_type="live_session",
        position=1,
        fields={"display_name": "Lớp học trực tiếp", "session_id": session.pk},
        required=True,
    )
