"""The default: a working local demo on one machine."""

from .base import *  # noqa: F403
