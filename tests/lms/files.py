"""Real CSV and XLSX uploads built in the test, for the import parser."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = [
    "Họ và tên",
    "Số điện thoại",
    "Nhóm",
    "Dân tộc",
    "Xã phường",
    "Cơ quan",
    "Chức vụ",
    "Giới tính",
    "Năm sinh",
]


def person(
    name: str = "H'Hen Niê",
    phone: object = "0912345678",
    group: str = "cán bộ",
    ethnicity: str = "Ê Đê",
    commune: str = "Xã Ea Kar",
    agency: str = "UBND xã Ea Kar",
    position: str = "Công chức văn hoá",
    gender: str = "Nữ",
    birth_year: object = 1990,
) -> list[object]:
    return [
        name,
        phone,
        group,
        ethnicity,
        commune,
        agency,
        position,
        gender,
        birth_year,
    ]


def csv_upload(
    rows: list[list[object]],
    *,
    header: list[str] = HEADER,
    delimiter: str = ",",
    bom: bool = False,
    name: str = "people.csv",
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_bytes(
    rows: list[list[object]], *, header: list[str] = HEADER, title=None
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(
    rows: list[list[object]], *, name: str = "people.xlsx", **kwargs
) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows, **kwargs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
