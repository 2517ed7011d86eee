"""Reads of people and places, narrowed to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from lms.models import Cohort, Commune, EthnicGroup, PeopleImport, User
from lms.reference import commune_key, ethnic_code_key, ethnic_key, ethnic_names

# --- permissions ---------------------------------------------------------------


def people_can_manage(*, user: User | AnonymousUser) -> bool:
    """Province administrators (and superusers) manage people and cohorts."""
    return bool(user.is_authenticated and user.is_province_admin)


# --- places and ethnic groups --------------------------------------------------


def ethnic_group_index() -> dict[str, EthnicGroup]:
    """Every spelling's key (see ``reference.ethnic_key``) and every code -> group."""
    index: dict[str, EthnicGroup] = {}
    for group in EthnicGroup.objects.all():
        index[group.code] = group
        for spelling in ethnic_names(group.name, group.other_names):
            index.setdefault(ethnic_key(spelling), group)
    return index


def ethnic_group_find(
    *, text: str, index: dict[str, EthnicGroup] | None = None
) -> EthnicGroup | None:
    """The group ``text`` names ("Ê Đê", "Rhade", "12"...), or None."""
    if not text or not text.strip():
        return None
    index = ethnic_group_index() if index is None else index
    code = ethnic_code_key(text)
    if code is not None:
        return index.get(code)
    return index.get(ethnic_key(text))


def commune_index() -> dict[str, Commune]:
    """Each commune's key (folded name without "Xã"/"Phường") and code -> commune."""
    index: dict[str, Commune] = {}
    for commune in Commune.objects.all():
        index[str(commune.code)] = commune
        index.setdefault(commune_key(commune.name), commune)
    return index


def commune_find(
    *, text: str, index: dict[str, Commune] | None = None
) -> Commune | None:
    """The commune ``text`` names ("Xã Ea Kar", "ea kar", its code), or None."""
    if not text or not text.strip():
        return None
    index = commune_index() if index is None else index
    stripped = text.strip()
    if stripped.isdigit():
        return index.get(str(int(stripped)))
    return index.get(commune_key(stripped))


# --- cohorts -------------------------------------------------------------------


def cohort_list_for_user(*, user: User) -> QuerySet[Cohort]:
    """Cohorts the user may manage, with their member counts."""
    if not people_can_manage(user=user):
        return Cohort.objects.none()
    return Cohort.objects.annotate(member_count=Count("members")).order_by("name")


def cohort_get_for_user(*, user: User, cohort_id: int) -> Cohort | None:
    return cohort_list_for_user(user=user).filter(pk=cohort_id).first()


def cohort_members(*, cohort: Cohort) -> QuerySet[User]:
    """Members with their profile, commune and ethnicity, for the cohort page."""
    return cohort.members.select_related(
        "profile", "profile__commune", "profile__ethnicity"
    ).order_by("full_name", "username")


# --- imports -------------------------------------------------------------------


def people_import_list_for_cohort(
    *, user: User, cohort: Cohort
) -> QuerySet[PeopleImport]:
    if not people_can_manage(user=user):
        return PeopleImport.objects.none()
    return cohort.imports.select_related("created_by").order_by("-created_at")


def people_import_get_for_user(*, user: User, import_id: int) -> PeopleImport | None:
    if not people_can_manage(user=user):
        return None
    return (
        PeopleImport.objects.select_related("cohort", "created_by")
        .filter(pk=import_id)
        .first()
    )


# Messages for the error codes a preview stores (codes, not text, are stored so
# the page speaks the language of whoever reads it, not of whoever uploaded).
IMPORT_ERROR_MESSAGES = {
    "name_missing": _("The full name is missing."),
    "too_long": _("%(field)s is too long (at most %(limit)s characters)."),
    "phone_invalid": _(
        "“%(value)s” is not a Vietnamese mobile number (10 digits starting with 0, "
        "or +84)."
    ),
    "phone_duplicate": _("Phone %(value)s is also on row %(other)s of this file."),
    "username_invalid": _(
        "“%(value)s” cannot be a user name (letters, digits and @ . + - _ only)."
    ),
    "username_duplicate": _(
        "User name %(value)s is also on row %(other)s of this file."
    ),
    "name_duplicate": _(
        "%(value)s is also on row %(other)s with no phone or user name; add one "
        "to tell them apart."
    ),
    "name_ambiguous": _(
        "Several members of this cohort are called %(value)s and have no phone; "
        "add a phone or user name."
    ),
    "role_not_allowed": _("Only learners can be imported (found “%(value)s”)."),
    "group_unknown": _("Unknown group “%(value)s” (cán bộ or thanh niên)."),
    "ethnicity_unknown": _("Unknown ethnicity “%(value)s”."),
    "commune_unknown": _("Unknown commune or ward “%(value)s”."),
    "gender_unknown": _("Unknown gender “%(value)s” (Nam, Nữ or Khác)."),
    "birth_year_invalid": _(
        "Birth year “%(value)s” must be between %(low)s and %(high)s."
    ),
    "account_not_learner": _(
        "Phone or user name %(value)s belongs to an account that is not a learner."
    ),
    "same_account": _(
        "This row and row %(other)s are the same existing account (%(value)s)."
    ),
    "account_conflict": _(
        "Phone and user name match two different existing accounts (%(value)s)."
    ),
}

FIELD_LABELS = {
    "full_name": _("Full name"),
    "username": _("User name"),
    "agency": _("Agency"),
    "position": _("Position"),
}


def import_error_message(error: dict) -> str:
    """A stored ``{"code": ..., "params": {...}}`` error, in the current language."""
    template = IMPORT_ERROR_MESSAGES.get(error.get("code", ""))
    if template is None:
        return str(error.get("code", ""))
    params = dict(error.get("params") or {})
    if "field" in params:
        params["field"] = str(FIELD_LABELS.get(params["field"], params["field"]))
    return str(template) % params


@dataclass
class ImportRowView:
    number: int
    full_name: str
    phone: str
    commune: str
    ethnicity: str
    action: str  # "create", "update" or "" when the row has errors
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    people_import: PeopleImport
    rows: list[ImportRowView]
    total: int
    new_count: int
    update_count: int
    error_count: int
    hidden_ok_rows: int

    @property
    def can_commit(self) -> bool:
        return (
            self.people_import.status == PeopleImport.Status.PREVIEW
            and self.error_count == 0
            and self.total > 0
        )


def people_import_preview_rows(
    *, people_import: PeopleImport, show_all: bool = False, ok_rows_shown: int = 100
) -> ImportPreview:
    """The rows of an import for its page: all rows with errors, and the first
    ``ok_rows_shown`` good ones unless ``show_all`` (pages stay small on 3G)."""
    rows: list[ImportRowView] = []
    new = update = bad = hidden = 0
    ok_seen = 0
    for row in people_import.rows:
        errors = [import_error_message(e) for e in row.get("errors", [])]
        action = "" if errors else row.get("action", "create")
        if errors:
            bad += 1
        elif action == "update":
            update += 1
        else:
            new += 1
        if not errors:
            ok_seen += 1
            if not show_all and ok_seen > ok_rows_shown:
                hidden += 1
                continue
        rows.append(
            ImportRowView(
                number=row.get("row", 0),
                full_name=row.get("full_name", ""),
                phone=row.get("phone", ""),
                commune=row.get("commune_name", ""),
                ethnicity=row.get("ethnicity_name", ""),
                action=action,
                errors=errors,
            )
        )
    return ImportPreview(
        people_import=people_import,
        rows=rows,
        total=len(people_import.rows),
        new_count=new,
        update_count=update,
        error_count=bad,
        hidden_ok_rows=hidden,
    )
