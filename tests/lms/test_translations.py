"""The Vietnamese catalogs say what the English says (spot checks of entries
that gettext's fuzzy matching once filled with a neighbour's text)."""

import pytest
from django.utils import translation

from lms.models import Role


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Province administrator", "Quản trị viên cấp tỉnh"),
        ("Sign in again", "Đăng nhập lại"),
        ("Sign in", "Đăng nhập"),
        ("Username or phone", "Tên đăng nhập hoặc số điện thoại"),
        ("Course catalog", "Danh mục khoá học"),
        ("Check my answer", "Kiểm tra câu trả lời"),
    ],
)
def test_vietnamese_catalog_entries(english, vietnamese):
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese


def test_every_role_has_a_vietnamese_name():
    with translation.override("vi"):
        labels = [str(label) for label in Role.labels]
    with translation.override("en"):
        english = [str(label) for label in Role.labels]
    assert all(v != e for v, e in zip(labels, english, strict=True))
    assert len(set(labels)) == len(labels)
