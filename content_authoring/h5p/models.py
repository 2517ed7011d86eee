"""Tables of this sub-app: the H5P packages trainers uploaded to their courses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class H5PPackage(models.Model):
    """A validated ``.h5p`` package uploaded to a course.

    Its files live in the default storage, addressed by the package's SHA-256
    (see ``content_authoring.h5p.storage``): the original archive (kept for
    course export) and the unpacked tree the player reads. Two courses that
    upload the same file share those files; one course uploading it twice gets
    its first row back.
    """

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="h5p_packages"
    )
    title = models.CharField(_("title"), max_length=255)
    main_library = models.CharField(_("main library"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    unpacked_size = models.PositiveBigIntegerField(default=0)
    file_count = models.PositiveIntegerField(default=0)
    # Whether the content reports a score (a question or a set of them): decides
    # whether the block completes on a score or on being viewed.
    has_questions = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "sha256"], name="h5p_one_package_per_course_and_hash"
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="h5p_sha256_is_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.main_library})"
