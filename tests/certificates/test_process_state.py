"""Importing the PDF renderer must not loosen image checks elsewhere."""

from PIL import ImageFile


def test_truncated_images_stay_refused_after_the_pdf_renderer_is_imported():
    import certificates.pdf  # noqa: F401 - imports WeasyPrint

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
