"""Events ``courses`` emits for other apps (certificates listen; they never poll).

``course_completed`` is sent once per enrollment, after the transaction that
completed the course commits, with ``enrollment_id``, ``user_id`` and
``course_id``.
"""

from django.dispatch import Signal

course_completed = Signal()
