"""Reference data every database needs: the province's communes and the 54
ethnic groups, with the lookups that match what people type for them.

The data migration ``0002_reference_data`` and the ``load_reference_data``
command both call :func:`load_reference_data`, so a fresh database (tests
included) and an updated one hold the same rows. Division names are never typed
here: they come from the ``vietnam-provinces`` package, which follows the
two-tier government in force since 1 July 2025 (Đắk Lắk absorbed Phú Yên).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lms.text import canonical, fold

# The province is found by this part of its name, so a renumbering in the
# package does not silently load another province.
PROVINCE_NAME_PART = "Đắk Lắk"

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def squash(text: str) -> str:
    """Folded, with hyphens, spaces, apostrophes and other punctuation removed:
    the form free text (headers, ethnicities, yes/no words) is matched on."""
    return _NOT_ALNUM.sub("", fold(canonical(text)))


# --- communes ------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneRecord:
    code: int
    name: str
    division_type: str
    former_district_code: int | None
    former_district: str
    former_province: str


def _without_division_word(name: str, division_type: str) -> str:
    """ "Tỉnh Phú Yên" -> "Phú Yên", using the package's own division type."""
    prefix = fold(division_type) + " "
    if fold(name).startswith(prefix):
        return name[len(division_type) + 1 :].strip()
    return name


def province_communes() -> list[CommuneRecord]:
    """The province's communes and wards, each with its main former district.

    A new commune was merged from several pre-2025 wards; its former district
    is the one most of those wards belonged to (a tie goes to the lowest code).
    """
    from vietnam_provinces import Province, Ward
    from vietnam_provinces.legacy import District, DistrictCode
    from vietnam_provinces.legacy import Province as LegacyProvince

    matches = [p for p in Province.iter_all() if PROVINCE_NAME_PART in p.name]
    if len(matches) != 1:
        raise LookupError(
            f"expected one province named like {PROVINCE_NAME_PART!r}, "
            f"found {len(matches)}"
        )
    province = matches[0]
    records = []
    for ward in Ward.iter_by_province(province.code):
        counts = Counter(int(old.district_code) for old in ward.get_legacy_sources())
        district_code = (
            min(counts, key=lambda code: (-counts[code], code)) if counts else None
        )
        district_name = province_name = ""
        if district_code is not None:
            district = District.from_code(DistrictCode(district_code))
            old_province = LegacyProvince.from_code(district.province_code)
            district_name = canonical(district.name)
            province_name = canonical(
                _without_division_word(old_province.name, old_province.division_type)
            )
        records.append(
            CommuneRecord(
                code=int(ward.code),
                name=canonical(ward.name),
                division_type=str(ward.division_type),
                former_district_code=district_code,
                former_district=district_name,
                former_province=province_name,
            )
        )
    return sorted(records, key=lambda r: r.code)


# What people write before a commune's name; the match ignores it.
_COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")


def commune_key(text: str) -> str:
    """The form a commune name is matched on: "Xã Ea H'Leo" -> "eahleo"."""
    folded = fold(canonical(text))
    for prefix in _COMMUNE_PREFIXES:
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
            break
    return _NOT_ALNUM.sub("", folded)


# --- ethnic groups -------------------------------------------------------------

# Danh mục các dân tộc Việt Nam (list of the ethnic groups of Viet Nam), General
# Statistics Office: Quyết định 121-TCTK/PPCĐ, 2 March 1979. Codes 01..54 as there.
# The third column lists other names and spellings met in forms; a spelling
# shared by two groups (e.g. "Thổ", "Xá Khao") is left out of both so a lookup
# is never ambiguous.
ETHNIC_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("01", "Kinh", "Việt"),
    ("02", "Tày", "Ngạn, Phén, Thù Lao, Pa Dí"),
    ("03", "Thái", "Tày Thanh, Tày Mười, Thái Đen, Thái Trắng"),
    ("04", "Hoa", "Hán, Người Hoa"),
    ("05", "Khơ-me", "Khơ Me, Khmer, Khmer Krôm"),
    ("06", "Mường", "Mol, Mual"),
    ("07", "Nùng", "Xuồng, Giang, Nùng An, Phàn Sinh, Nùng Cháo, Nùng Lòi"),
    ("08", "Hmông", "H'Mông, Mông, Hmong"),
    ("09", "Dao", "Dao Đỏ, Dao Tiền, Thanh Y, Lan Tẻn"),
    ("10", "Gia-rai", "Gia Rai, Giarai, J'rai, Jarai, Jrai, Chơ Rai, Hơ Bau"),
    ("11", "Ngái", "Xín, Đản, Khách Gia"),
    ("12", "Ê-đê", "Ê Đê, Êđê, Rhade, Rađê, Ede, Kpă, Adham, Mdhur, Bih"),
    ("13", "Ba-na", "Ba Na, Bana, Bahnar, Giơ Lâng, Tơ Lô, Rơ Ngao, Krem"),
    ("14", "Xơ-đăng", "Xơ Đăng, Sedang, Xơ Teng, Hđang, Ca Dong, Mơ Nâm"),
    ("15", "Sán Chay", "Cao Lan, Sán Chỉ"),
    ("16", "Cơ-ho", "Cơ Ho, K'ho, Koho, Xrê, Nốp, Cơ Lon, Chil, Lạch, Tơ Ring"),
    ("17", "Chăm", "Chàm, Cham, Chiêm Thành, Hroi"),
    ("18", "Sán Dìu", "Sán Dẻo, Trại Đất, Mán Quần Cộc"),
    ("19", "Hrê", "H'rê, Chăm Rê, Chom"),
    ("20", "Mnông", "M'nông, M'Nông, Mơ Nông, Pnông, Mnong, Bu Đăng, Biat, Rơ Lâm"),
    ("21", "Ra-glai", "Ra Glai, Raglai, Ra Glây, Noang, La Oang"),
    ("22", "Xtiêng", "X'tiêng, Xa Điêng, Stieng"),
    ("23", "Bru-Vân Kiều", "Bru, Vân Kiều, Măng Coong, Khùa"),
    ("24", "Thổ", "Kẹo, Mọn, Cuối, Đan Lai, Ly Hà, Tày Pọng"),
    ("25", "Giáy", "Nhắng, Dẩng, Pầu Thìn Nu Nà, Cùi Chu"),
    ("26", "Cơ-tu", "Cơ Tu, Ca Tu, Katu"),
    ("27", "Gié-Triêng", "Gié Triêng, Triêng, Giẻ, Ve, Ta Liêng"),
    ("28", "Mạ", "Châu Mạ, Mạ Ngăn, Mạ Xóp, Mạ Tô, Mạ Krung"),
    ("29", "Khơ-mú", "Khơ Mú, Khmu, Kmhmu, Xá Cẩu, Mứn Xen, Pu Thênh"),
    ("30", "Co", "Cor, Col, Cùa, Trầu"),
    ("31", "Tà-ôi", "Tà Ôi, Ta Oi, Pa Cô, Pa Hy"),
    ("32", "Chơ-ro", "Chơ Ro, Châu Ro, Dơ Ro"),
    ("33", "Kháng", "Xá Súa, Xá Dón, Xá Dẩng, Xá Hốc, Quảng Lâm"),
    ("34", "Xinh-mun", "Xinh Mun, Puộc, Pụa"),
    ("35", "Hà Nhì", "U Ni, Xá U Ni, Hà Nhì Già"),
    ("36", "Chu-ru", "Chu Ru, Churu, Chơ Ru"),
    ("37", "Lào", "Lào Bốc, Lào Nọi"),
    ("38", "La Chí", "Cù Tê, La Quả"),
    ("39", "La Ha", "Khlá Phlạo"),
    ("40", "Phù Lá", "Bồ Khô Pạ, Mu Di, Pạ Xá, Phó, Va Xơ"),
    ("41", "La Hủ", "Khù Xung, Cò Xung, Khả Quy"),
    ("42", "Lự", "Lừ, Nhuồn, Duôn"),
    ("43", "Lô Lô", "Lolo, Mun Di"),
    ("44", "Chứt", "Sách, Mày, Rục, Mã Liêng, A Rem"),
    ("45", "Mảng", "Mảng Ư"),
    ("46", "Pà Thẻn", "Pà Hưng, Tống"),
    ("47", "Cơ Lao", "Cờ Lao"),
    ("48", "Cống", "Xắm Khống, Mấng Nhé, Xá Xeng"),
    ("49", "Bố Y", "Chủng Chá, Trọng Gia, Tu Di, Tu Dìn"),
    ("50", "Si La", "Cù Dề Xừ, Khả Pẻ"),
    ("51", "Pu Péo", "Ka Pèo, Pen Ti Lô Lô"),
    ("52", "Brâu", "Brao"),
    ("53", "Ơ Đu", "Tày Hạt"),
    ("54", "Rơ-măm", "Rơ Măm, Romam"),
)


def ethnic_key(text: str) -> str:
    """The form an ethnicity is matched on: "Ê Đê", "Ê-đê", "Êđê" -> "ede"."""
    return squash(text)


def ethnic_names(name: str, other_names: str) -> list[str]:
    """Every spelling of a group: its name and each of its other names."""
    return [name, *(n.strip() for n in other_names.split(",") if n.strip())]


def ethnic_code_key(text: str) -> str | None:
    """ "12", "012" or 12.0 typed as a code -> "12"; anything else -> None."""
    digits = text.strip()
    if digits.endswith(".0"):
        digits = digits[:-2]
    if digits.isdigit() and 1 <= int(digits) <= 99:
        return f"{int(digits):02d}"
    return None


def _ethnic_table_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name, other_names in ETHNIC_GROUPS:
        for spelling in ethnic_names(name, other_names):
            index.setdefault(ethnic_key(spelling), code)
    return index


def ethnic_group_code(text: str) -> str | None:
    """The GSO code of the group ``text`` names, in any spelling, or by its code."""
    if not text or not text.strip():
        return None
    codes = {code for code, _name, _other in ETHNIC_GROUPS}
    by_code = ethnic_code_key(text)
    if by_code is not None:
        return by_code if by_code in codes else None
    return _ethnic_table_index().get(ethnic_key(text))


# --- loading -------------------------------------------------------------------


def load_communes(*, commune_model: Any) -> int:
    """Create or update the province's communes (by code); returns how many."""
    records = province_communes()
    for record in records:
        commune_model.objects.update_or_create(
            code=record.code,
            defaults={
                "name": record.name,
                "division_type": record.division_type,
                "former_district_code": record.former_district_code,
                "former_district": record.former_district,
                "former_province": record.former_province,
                "search_name": fold(record.name),
            },
        )
    return len(records)


def load_ethnic_groups(*, ethnic_group_model: Any) -> int:
    """Create or update the 54 ethnic groups (by code); returns how many."""
    for code, name, other_names in ETHNIC_GROUPS:
        ethnic_group_model.objects.update_or_create(
            code=code,
            defaults={"name": canonical(name), "other_names": canonical(other_names)},
        )
    return len(ETHNIC_GROUPS)


def load_reference_data(apps: Any = None) -> tuple[int, int]:
    """Load communes and ethnic groups; ``apps`` is a migration's app registry
    (historical models) or, by default, the running project's."""
    if apps is None:
        from django.apps import apps as project_apps

        apps = project_apps
    communes = load_communes(commune_model=apps.get_model("lms", "Commune"))
    groups = load_ethnic_groups(ethnic_group_model=apps.get_model("lms", "EthnicGroup"))
    return communes, groups
