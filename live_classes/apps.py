"""Live classes: scheduled sessions of a course, the WebSocket room (chat, hands,
reactions, polls and quiz questions, slide sync, WebRTC signaling, moderation),
attendance written into course progress, and the replay.

It reads courses and enrollments through ``courses.selectors`` and writes
progress only through ``courses.services.block_result_record``; it never
changes another app's rows. Real-time frames leave only through
``live_classes.events``, called only by ``live_classes.services``.
"""

from django.apps import AppConfig


class LiveClassesConfig(AppConfig):
    name = "live_classes"
    default_auto_field = "django.db.models.BigAutoField"
