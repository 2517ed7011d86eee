"""What a trainer reads when a media file cannot be used.

Processing stores a code (tasks run in the worker's language, not the
trainer's); the page turns it into a message in the trainer's language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "unreadable": _(
        "This file is not a video or audio that can be read: it may be damaged, "
        "cut short during the upload, or another kind of file. Upload it again."
    ),
    "no_video": _("This file has no picture: upload it as audio instead."),
    "no_audio": _("This file has no sound track."),
    "transcode_failed": _(
        "The file could not be converted: it may be damaged or cut short. "
        "Upload it again."
    ),
    "poster_failed": _("No picture could be taken from the video for its poster."),
    "compose_failed": _("The slides and narration could not be put together."),
    "pdf_unreadable": _("The PDF could not be read."),
    "slide_unreadable": _("One of the slides is not a picture that can be read."),
    "timings_count": _("Give exactly one start time for each slide."),
    "timings_invalid": _(
        "Slide start times must be numbers of seconds (like 0, 12.5 or 1:05)."
    ),
    "timings_first": _("The first slide must start at 0 seconds."),
    "timings_order": _("Each slide must start after the one before it."),
    "timings_beyond_audio": _(
        "A slide starts after the narration has ended: check the last times."
    ),
    "vtt_encoding": _("The subtitles file must be UTF-8 text."),
    "vtt_signature": _(
        "This is not a WebVTT subtitles file: it must begin with WEBVTT."
    ),
    "vtt_timing": _(
        "A subtitle time is not valid (it must look like 00:01.000 --> 00:04.500)."
    ),
    "vtt_empty": _("The subtitles file has no subtitles in it."),
    "image_unreadable": _("This file is not a picture that can be read."),
    "too_many_slides": _("There are too many slides."),
    "too_slow": _(
        "Converting this file took far too long and was stopped. Try a shorter "
        "or smaller file."
    ),
    "internal": _("Something went wrong while processing this file. Try again later."),
}


def error_message(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["internal"]))
