"""Writes of people and places: cohorts and the bulk import of people.

Each service checks the actor's permission itself, so a page, an API view and
a task behave the same.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import secrets
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms import selectors
from lms.models import (
    Cohort,
    Commune,
    EthnicGroup,
    LearnerProfile,
    PeopleImport,
    Role,
    User,
)
from lms.reference import squash
from lms.text import canonical, fold


def _require_people_admin(actor: User) -> None:
    if not selectors.people_can_manage(user=actor):
        raise PermissionDenied(_("Only province administrators manage people."))


def _clean_text(value: str) -> str:
    """NFC (ethnic breve order put right) with runs of blanks made one space."""
    return " ".join(canonical(value).split())


# --- cohorts -------------------------------------------------------------------


def cohort_create(*, actor: User, name: str, description: str = "") -> Cohort:
    _require_people_admin(actor)
    name = _clean_text(name)
    if not name:
        raise ValidationError({"name": _("A cohort needs a name.")})
    if Cohort.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A cohort with this name already exists.")})
    try:
        with transaction.atomic():
            return Cohort.objects.create(
                name=name,
                description=canonical(description).strip(),
                created_by=actor,
            )
    except IntegrityError as exc:  # created by someone else a moment ago
        raise ValidationError(
            {"name": _("A cohort with this name already exists.")}
        ) from exc


@transaction.atomic
def cohort_members_add(*, actor: User, cohort: Cohort, users: Iterable[User]) -> int:
    """Add people to a cohort; returns how many were not members yet."""
    _require_people_admin(actor)
    wanted = {user.pk for user in users}
    present = set(cohort.members.filter(pk__in=wanted).values_list("pk", flat=True))
    cohort.members.add(*(wanted - present))
    return len(wanted - present)


@transaction.atomic
def cohort_members_remove(*, actor: User, cohort: Cohort, users: Iterable[User]) -> int:
    """Take people out of a cohort (their accounts stay); returns how many left."""
    _require_people_admin(actor)
    wanted = {user.pk for user in users}
    present = set(cohort.members.filter(pk__in=wanted).values_list("pk", flat=True))
    cohort.members.remove(*present)
    return len(present)


# --- import: refusals ----------------------------------------------------------


class PeopleImportRefused(Exception):
    """A commit that cannot happen; ``message`` says why, for people."""

    code = "refused"
    default_message = gettext_lazy("This import cannot be committed.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class PeopleImportAlreadyCommitted(PeopleImportRefused):
    code = "already_committed"
    default_message = gettext_lazy("This list has already been imported.")


class PeopleImportHasErrors(PeopleImportRefused):
    code = "has_errors"
    default_message = gettext_lazy(
        "Some rows have errors; correct the file and upload it again."
    )


# --- import: reading the file --------------------------------------------------

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (OLE2)
_MAX_COLUMNS = 64
# Spreadsheets often carry a title ("DANH SÁCH HỌC VIÊN...") above the header.
_HEADER_SEARCH_ROWS = 10
_MAX_EMPTY_RUN = 1000


def _read_upload(uploaded_file: Any) -> bytes:
    limit = settings.PEOPLE_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s KB); the limit is %(limit)s KB.")
            % {"size": (size + 1023) // 1024, "limit": limit // 1024},
            code="too_large",
        )
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large; the limit is %(limit)s KB.")
            % {"limit": limit // 1024},
            code="too_large",
        )
    if not data.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def _file_kind(data: bytes, filename: str) -> str:
    extension = PurePath(filename.lower()).suffix.lstrip(".")
    if data.startswith(_XLS_MAGIC) or extension == "xls":
        raise ValidationError(
            _(
                "Old Excel files (.xls) cannot be read; in Excel choose Save As and "
                "pick “Excel Workbook (.xlsx)” or “CSV UTF-8”."
            ),
            code="xls",
        )
    if extension not in ("csv", "txt", "xlsx", ""):
        raise ValidationError(
            _("Upload a CSV or an Excel (.xlsx) file."), code="wrong_type"
        )
    if extension == "xlsx" or data.startswith(_XLSX_MAGIC):
        return "xlsx"
    return "csv"


def _corrupt_xlsx() -> ValidationError:
    return ValidationError(
        _(
            "The Excel file could not be read: it is damaged or not really an "
            ".xlsx file. Open it in Excel, save it again and upload it once more."
        ),
        code="corrupt",
    )


def _too_many_rows(limit: int) -> ValidationError:
    return ValidationError(
        _("The file has more than %(limit)s rows; split it into smaller files.")
        % {"limit": limit},
        code="too_many_rows",
    )


def _read_xlsx(data: bytes, max_rows: int) -> list[tuple[int, list[Any]]]:
    import openpyxl

    rows: list[tuple[int, list[Any]]] = []
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _corrupt_xlsx() from exc
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        last = 0
        for number, values in enumerate(
            sheet.iter_rows(max_col=_MAX_COLUMNS, values_only=True), start=1
        ):
            cells = list(values)
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                # Formatting can run down a million empty rows: stop well before.
                if number - last > _MAX_EMPTY_RUN:
                    break
                continue
            last = number
            rows.append((number, cells))
            if len(rows) > max_rows + _HEADER_SEARCH_ROWS:
                raise _too_many_rows(max_rows)
    except ValidationError:
        raise
    except Exception as exc:  # damaged sheet XML shows up while reading rows
        raise _corrupt_xlsx() from exc
    finally:
        workbook.close()
    return rows


def _read_csv(data: bytes, max_rows: int) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "The CSV file is not in UTF-8; in Excel choose Save As and pick "
                "“CSV UTF-8 (Comma delimited)”."
            ),
            code="encoding",
        ) from exc
    if "\x00" in text:
        raise ValidationError(
            _("Upload a CSV or an Excel (.xlsx) file."), code="wrong_type"
        )
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel in a Vietnamese locale writes ";" between columns, elsewhere ",".
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            rows.append((number, cells[:_MAX_COLUMNS]))
            if len(rows) > max_rows + _HEADER_SEARCH_ROWS:
                raise _too_many_rows(max_rows)
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file could not be read: %(error)s") % {"error": exc},
            code="corrupt",
        ) from exc
    return rows


# --- import: columns -----------------------------------------------------------

# Header spellings, compared after folding and dropping everything but letters
# and digits ("Họ và tên" -> "hovaten", "full_name" -> "fullname").
_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("hovaten", "hoten", "hovatenhocvien", "fullname", "name"),
    "phone": (
        "sodienthoai",
        "dienthoai",
        "sdt",
        "sodt",
        "phone",
        "phonenumber",
        "mobile",
    ),
    "username": ("tendangnhap", "taikhoan", "username", "login"),
    "role": ("vaitro", "role"),
    "group": ("nhom", "doituong", "group"),
    "ethnicity": ("dantoc", "ethnicity", "ethnicgroup"),
    "commune": ("xaphuong", "xa", "phuong", "xaphuongdackhu", "commune", "ward"),
    "agency": (
        "coquan",
        "donvi",
        "coquandonvi",
        "noicongtac",
        "agency",
        "organisation",
    ),
    "position": ("chucvu", "position"),
    "gender": ("gioitinh", "gender", "sex"),
    "birth_year": ("namsinh", "birthyear", "yearofbirth"),
}
_COLUMN_BY_ALIAS = {
    alias: column for column, aliases in _COLUMN_ALIASES.items() for alias in aliases
}


def _columns(header: list[Any]) -> dict[str, int]:
    """Field name -> column index, for the header cells that name a field."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = _COLUMN_BY_ALIAS.get(squash(_cell_text(cell)))
        if column is None:
            continue
        if column in found:
            raise ValidationError(
                _("The column “%(name)s” appears twice in the header.")
                % {"name": _cell_text(cell)},
                code="duplicate_column",
            )
        found[column] = index
    return found


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


# --- import: one row -----------------------------------------------------------

_LIMITS = {"full_name": 150, "username": 150, "agency": 200, "position": 200}
_GROUPS = {
    "canbo": "official",
    "canbocongchuc": "official",
    "congchuc": "official",
    "cbcc": "official",
    "official": "official",
    "thanhnien": "youth",
    "thanhniendtts": "youth",
    "youth": "youth",
}
_GENDERS = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
    "khac": "other",
    "other": "other",
}
_LEARNER_ROLES = {"", "hocvien", "nguoihoc", "learner"}
_PHONE = re.compile(r"0[35789]\d{8}")
_username_validator = UnicodeUsernameValidator()


def normalise_phone(value: str) -> str | None:
    """A Vietnamese mobile number as 0xxxxxxxxx, or None if it is not one.

    Accepts spaces, dots and dashes, +84/0084/84 in front, and a number whose
    leading 0 a spreadsheet dropped (912345678).
    """
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[:1] in "35789":
        digits = "0" + digits
    return digits if _PHONE.fullmatch(digits) else None


def _error(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


def _parse_row(
    *,
    number: int,
    cells: list[Any],
    columns: dict[str, int],
    ethnicities: dict[str, EthnicGroup],
    communes: dict[str, Commune],
    this_year: int,
) -> dict[str, Any]:
    def cell(column: str) -> Any:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    row: dict[str, Any] = {"row": number}
    errors: list[dict[str, Any]] = []

    for column in ("full_name", "agency", "position"):
        value = _clean_text(_cell_text(cell(column)))
        if len(value) > _LIMITS[column]:
            errors.append(_error("too_long", field=column, limit=_LIMITS[column]))
        if value:
            row[column] = value
    if not row.get("full_name"):
        errors.append(_error("name_missing"))
        row["full_name"] = ""

    phone_text = _cell_text(cell("phone"))
    if phone_text:
        phone = normalise_phone(phone_text)
        if phone is None:
            errors.append(_error("phone_invalid", value=phone_text))
            row["phone"] = phone_text
        else:
            row["phone"] = phone

    username = User.normalize_username(_cell_text(cell("username")))
    if username:
        row["username"] = username
        try:
            _username_validator(username)
        except ValidationError:
            errors.append(_error("username_invalid", value=username))
        if len(username) > _LIMITS["username"]:
            errors.append(
                _error("too_long", field="username", limit=_LIMITS["username"])
            )

    role_text = _cell_text(cell("role"))
    if squash(role_text) not in _LEARNER_ROLES:
        errors.append(_error("role_not_allowed", value=role_text))

    group_text = _cell_text(cell("group"))
    if group_text:
        group = _GROUPS.get(squash(group_text))
        if group is None:
            errors.append(_error("group_unknown", value=group_text))
        else:
            row["group"] = group

    ethnicity_text = _clean_text(_cell_text(cell("ethnicity")))
    if ethnicity_text:
        ethnic_group = selectors.ethnic_group_find(
            text=ethnicity_text, index=ethnicities
        )
        if ethnic_group is None:
            errors.append(_error("ethnicity_unknown", value=ethnicity_text))
        else:
            row["ethnicity_code"] = ethnic_group.code
            row["ethnicity_name"] = ethnic_group.name

    commune_text = _clean_text(_cell_text(cell("commune")))
    if commune_text:
        commune = selectors.commune_find(text=commune_text, index=communes)
        if commune is None:
            errors.append(_error("commune_unknown", value=commune_text))
        else:
            row["commune_code"] = commune.code
            row["commune_name"] = commune.name

    gender_text = _cell_text(cell("gender"))
    if gender_text:
        gender = _GENDERS.get(squash(gender_text))
        if gender is None:
            errors.append(_error("gender_unknown", value=gender_text))
        else:
            row["gender"] = gender

    year_value = cell("birth_year")
    if isinstance(year_value, datetime.date):  # a date typed in the year column
        year_value = year_value.year
    year_text = _cell_text(year_value)
    if year_text:
        low, high = 1930, this_year - 10
        if year_text.isdigit() and low <= int(year_text) <= high:
            row["birth_year"] = int(year_text)
        else:
            errors.append(
                _error("birth_year_invalid", value=year_text, low=low, high=high)
            )

    row["errors"] = errors
    return row


def _flag_duplicates(rows: list[dict[str, Any]]) -> None:
    """Mark every row whose phone, user name or (lacking both) name repeats."""

    def phone(row: dict[str, Any]) -> str:
        return "" if _has_error(row, "phone_invalid") else row.get("phone", "")

    def username(row: dict[str, Any]) -> str:
        return row.get("username", "")

    def bare_name(row: dict[str, Any]) -> str:
        if row.get("phone") or row.get("username"):
            return ""
        return fold(row["full_name"])

    checks = (
        (phone, "phone", "phone_duplicate"),
        (username, "username", "username_duplicate"),
        (bare_name, "full_name", "name_duplicate"),
    )
    for key_of, shown, code in checks:
        seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            if key := key_of(row):
                seen[key].append(row)
        for same in seen.values():
            for row in same if len(same) > 1 else ():
                other = next(r for r in same if r is not row)
                row["errors"].append(_error(code, value=row[shown], other=other["row"]))


def _has_error(row: dict[str, Any], code: str) -> bool:
    return any(e["code"] == code for e in row["errors"])


def _match_existing(*, rows: list[dict[str, Any]], cohort: Cohort) -> None:
    """Find each row's existing account: by phone, else by user name, else (no
    phone, no user name) a cohort member with the same name and no phone.
    Sets ``action`` and ``user_id``; adds an error when a match is unusable."""
    phones = {r["phone"] for r in rows if r.get("phone")}
    usernames = {r["username"] for r in rows if r.get("username")}
    by_phone: dict[str, User] = {}
    by_username: dict[str, User] = {}
    for chunk in _chunks(sorted(phones)):
        by_phone.update((u.phone, u) for u in User.objects.filter(phone__in=chunk))
    for chunk in _chunks(sorted(usernames)):
        by_username.update(
            (u.username, u) for u in User.objects.filter(username__in=chunk)
        )
    by_name: dict[str, list[User]] = defaultdict(list)
    if any(not r.get("phone") and not r.get("username") for r in rows):
        for member in cohort.members.filter(phone=""):
            by_name[fold(member.full_name)].append(member)

    claimed_by: dict[int, int] = {}  # account -> the row that matched it first
    for row in rows:
        row.pop("user_id", None)
        row.pop("action", None)
        phone_user = by_phone.get(row.get("phone", ""))
        username_user = by_username.get(row.get("username", ""))
        if phone_user and username_user and phone_user.pk != username_user.pk:
            row["errors"].append(
                _error("account_conflict", value=f"{row['phone']}, {row['username']}")
            )
            continue
        user = phone_user or username_user
        if user is None and not row.get("phone") and not row.get("username"):
            namesakes = by_name.get(fold(row["full_name"]), [])
            if len(namesakes) > 1:
                row["errors"].append(_error("name_ambiguous", value=row["full_name"]))
                continue
            user = namesakes[0] if namesakes else None
        if user is not None and (
            user.role != Role.LEARNER or user.is_staff or user.is_superuser
        ):
            row["errors"].append(
                _error("account_not_learner", value=row.get("phone") or user.username)
            )
            continue
        if user is not None and user.pk in claimed_by:
            row["errors"].append(
                _error("same_account", value=user.username, other=claimed_by[user.pk])
            )
            continue
        row["action"] = "update" if user else "create"
        if user is not None:
            row["user_id"] = user.pk
            claimed_by[user.pk] = row["row"]


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _rows_from_table(
    table: list[tuple[int, list[Any]]], *, cohort: Cohort, max_rows: int
) -> list[dict[str, Any]]:
    header_at = None
    for position, (_number, cells) in enumerate(table[:_HEADER_SEARCH_ROWS]):
        if "full_name" in _columns(cells):
            header_at = position
            break
    if header_at is None:
        raise ValidationError(
            _(
                "No column is named “Họ và tên” (full name). The first row of the "
                "list must name the columns."
            ),
            code="no_header",
        )
    columns = _columns(table[header_at][1])
    body = table[header_at + 1 :]
    if not body:
        raise ValidationError(_("The file has no people in it."), code="empty")
    if len(body) > max_rows:
        raise _too_many_rows(max_rows)
    ethnicities = selectors.ethnic_group_index()
    communes = selectors.commune_index()
    this_year = timezone.localdate().year
    rows = [
        _parse_row(
            number=number,
            cells=cells,
            columns=columns,
            ethnicities=ethnicities,
            communes=communes,
            this_year=this_year,
        )
        for number, cells in body
    ]
    _flag_duplicates(rows)
    _match_existing(rows=rows, cohort=cohort)
    return rows


def people_import_preview(
    *, actor: User, cohort: Cohort, uploaded_file: Any
) -> PeopleImport:
    """Read and check an uploaded list; store it, with each row's errors, for a
    preview. Nothing but the ``PeopleImport`` is written. A file that cannot be
    read raises ``ValidationError`` and stores nothing."""
    _require_people_admin(actor)
    data = _read_upload(uploaded_file)
    filename = PurePath(getattr(uploaded_file, "name", "") or "").name
    max_rows = settings.PEOPLE_IMPORT_MAX_ROWS
    if _file_kind(data, filename) == "xlsx":
        table = _read_xlsx(data, max_rows)
    else:
        table = _read_csv(data, max_rows)
    if not table:
        raise ValidationError(_("The file has no people in it."), code="empty")
    rows = _rows_from_table(table, cohort=cohort, max_rows=max_rows)
    return PeopleImport.objects.create(
        cohort=cohort,
        created_by=actor,
        filename=unicodedata.normalize("NFC", filename)[:255] or "upload",
        file_sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
    )


# --- import: commit ------------------------------------------------------------

# Letters and digits that cannot be mistaken for one another on a small screen.
_UNAMBIGUOUS_CHARACTERS = "abcdefghijkmnpqrstuvwxyz23456789"
_PASSWORD_LENGTH = 10
# A random 10-character initial password (50 bits) does not need the default
# 1.5 million PBKDF2 rounds (almost a second each: a 500-person list would take
# minutes). At 10,000 rounds one GPU still needs decades to guess one, and
# Django re-hashes with the full count at first sign-in (``must_update`` sees
# the lower count). About 10 ms a person: 5,000 people in under a minute.
_INITIAL_PASSWORD_ITERATIONS = 10_000


def _initial_credential() -> tuple[str, str]:
    """A random initial password and its hash."""
    password = "".join(
        secrets.choice(_UNAMBIGUOUS_CHARACTERS) for _i in range(_PASSWORD_LENGTH)
    )
    return password, _initial_password_hash(password)


def _initial_password_hash(password: str) -> str:
    default = get_hasher()
    if (
        isinstance(default, PBKDF2PasswordHasher)
        and default.iterations > _INITIAL_PASSWORD_ITERATIONS
    ):
        quick = type(default)()  # a new instance: get_hasher's one is shared
        quick.iterations = _INITIAL_PASSWORD_ITERATIONS
        return make_password(password, hasher=quick)
    return make_password(password)


def _username_base(row: dict[str, Any]) -> str:
    if row.get("username"):
        return row["username"]
    if row.get("phone"):
        return row["phone"]
    slug = re.sub(r"[^a-z0-9]", "", fold(row["full_name"]))[:30]
    return slug or "hocvien"


def _free_usernames(bases: list[str]) -> list[str]:
    """One unused user name per base, in order: the base itself when free,
    else the base with the first free number (hhoneban2, 0912345678_2)."""
    taken: set[str] = set()
    for chunk in _chunks(sorted(set(bases))):
        taken.update(
            User.objects.filter(username__in=chunk).values_list("username", flat=True)
        )
    searched: set[str] = set()
    names: list[str] = []
    for base in bases:
        name = base
        if name in taken:
            if base not in searched:  # only for a clash: load its numbered kin
                searched.add(base)
                taken.update(
                    User.objects.filter(username__startswith=base).values_list(
                        "username", flat=True
                    )
                )
            separator = "_" if base[-1:].isdigit() else ""
            number = 2
            while f"{base}{separator}{number}" in taken:
                number += 1
            name = f"{base}{separator}{number}"
        taken.add(name)
        names.append(name)
    return names


_PROFILE_FIELDS = ("group", "agency", "position", "gender", "birth_year")


def _apply_profile(
    profile: LearnerProfile,
    row: dict[str, Any],
    ethnicities: dict[str, EthnicGroup],
    communes: dict[int, Commune],
) -> list[str]:
    """Copy the row's profile values (only those the file gives); returns the
    names of the fields that changed."""
    values: dict[str, Any] = {n: row[n] for n in _PROFILE_FIELDS if n in row}
    if "ethnicity_code" in row:
        values["ethnicity_id"] = ethnicities[row["ethnicity_code"]].pk
    if "commune_code" in row:
        values["commune_id"] = communes[row["commune_code"]].pk
    changed = [
        name for name, value in values.items() if getattr(profile, name) != value
    ]
    for name in changed:
        setattr(profile, name, values[name])
    return changed


def people_import_commit(*, actor: User, people_import: PeopleImport) -> PeopleImport:
    """Create or update every person of a checked list and add them to the
    cohort, all or nothing, once.

    Refuses a list with errors, and one already committed (a second click or a
    second POST raises ``PeopleImportAlreadyCommitted``). The returned import
    carries ``credentials``: the user name and initial password of each person
    created, to show once; they are never stored in clear.
    """
    _require_people_admin(actor)
    current = PeopleImport.objects.get(pk=people_import.pk)
    if current.status == PeopleImport.Status.COMMITTED:  # a double click: say so now
        raise PeopleImportAlreadyCommitted()
    # Hash the new people's passwords before taking any lock: it is the slow part.
    initial = [
        _initial_credential()
        for row in current.rows
        if row.get("action") == "create" and not row.get("errors")
    ]
    with transaction.atomic():
        locked = (
            PeopleImport.objects.select_for_update()
            .select_related("cohort")
            .get(pk=people_import.pk)
        )
        if locked.status == PeopleImport.Status.COMMITTED:
            raise PeopleImportAlreadyCommitted()
        rows = [dict(row) for row in locked.rows]
        if not rows or any(row.get("errors") for row in rows):
            raise PeopleImportHasErrors()
        # The database may have changed since the preview: match again.
        for row in rows:
            row["errors"] = []
        _match_existing(rows=rows, cohort=locked.cohort)
        if any(row["errors"] for row in rows):
            raise PeopleImportHasErrors(
                _(
                    "Accounts changed since this list was checked; upload the "
                    "file again to see what is different."
                )
            )
        now = timezone.now()
        # Claim the import first: on a database without row locks (SQLite) the
        # second of two simultaneous commits finds nothing to claim.
        claimed = PeopleImport.objects.filter(
            pk=locked.pk, status=PeopleImport.Status.PREVIEW
        ).update(status=PeopleImport.Status.COMMITTED, committed_at=now)
        if claimed != 1:
            raise PeopleImportAlreadyCommitted()

        ethnicities = {g.code: g for g in EthnicGroup.objects.all()}
        communes = {c.code: c for c in Commune.objects.all()}
        existing = User.objects.select_related("profile").in_bulk(
            [row["user_id"] for row in rows if row.get("user_id")]
        )
        new_rows = [row for row in rows if row.get("user_id") not in existing]
        usernames = _free_usernames([_username_base(row) for row in new_rows])
        credentials: list[dict[str, Any]] = []
        new_users: list[User] = []
        for row, username in zip(new_rows, usernames, strict=True):
            password, encoded = initial.pop() if initial else _initial_credential()
            new_users.append(
                User(
                    username=username,
                    password=encoded,
                    role=Role.LEARNER,
                    full_name=row["full_name"],
                    phone=row.get("phone", ""),
                )
            )
            credentials.append(
                {
                    "row": row["row"],
                    "full_name": row["full_name"],
                    "username": username,
                    "password": password,
                }
            )
        # Bulk writes keep the transaction (and SQLite's write lock) short.
        User.objects.bulk_create(new_users, batch_size=500)
        for row, user in zip(new_rows, new_users, strict=True):
            row["action"], row["user_id"] = "create", user.pk

        new_profiles: list[LearnerProfile] = []
        users_by_id = {**existing, **{user.pk: user for user in new_users}}
        for row in rows:
            user = users_by_id[row["user_id"]]
            if user.pk not in existing:
                new_profiles.append(LearnerProfile(user=user))
                _apply_profile(new_profiles[-1], row, ethnicities, communes)
                continue
            row["action"] = "update"
            # A list imported again is mostly unchanged: write only what differs.
            values = {
                "full_name": row["full_name"],
                "phone": row.get("phone") or user.phone,
            }
            changed = [
                name for name, value in values.items() if getattr(user, name) != value
            ]
            for name in changed:
                setattr(user, name, values[name])
            if changed:
                user.save(update_fields=changed)
            try:
                profile = user.profile  # fetched with the user: no query
            except LearnerProfile.DoesNotExist:
                new_profiles.append(LearnerProfile(user=user))
                _apply_profile(new_profiles[-1], row, ethnicities, communes)
                continue
            if changed_fields := _apply_profile(profile, row, ethnicities, communes):
                profile.save(update_fields=changed_fields)
        LearnerProfile.objects.bulk_create(new_profiles, batch_size=500)
        locked.cohort.members.add(*users_by_id.values())
        created, updated = len(new_users), len(existing)

        locked.rows = rows
        locked.status = PeopleImport.Status.COMMITTED
        locked.committed_at = now
        locked.created_count = created
        locked.updated_count = updated
        locked.save(
            update_fields=[
                "rows",
                "status",
                "committed_at",
                "created_count",
                "updated_count",
            ]
        )
    locked.credentials = credentials
    return locked


def user_language_set(*, user: User, language: str) -> User:
    """Remember the interface language a person chose (shared phones)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language."))
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user
