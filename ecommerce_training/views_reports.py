"""Reports for the Department: a printable page, and the same tables as CSV
(one table a file, UTF-8 with a BOM) or as one XLSX workbook (a sheet a table).
Downloads have Vietnamese headers unless ``lang=en`` is asked for."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecommerce_training import reports
from lms.models import User

DOWNLOAD_LANGUAGES = ("vi", "en")


class ReportForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    workshop = forms.ModelChoiceField(
        label=gettext_lazy("Workshop"),
        queryset=reports.Workshop.objects.none(),
        required=False,
        empty_label=gettext_lazy("All workshops"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["workshop"])
        field.queryset = reports.report_workshops(user=user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data


def _defaults() -> dict[str, str]:
    """This year, the sessions to come included."""
    year = timezone.localdate().year
    return {
        "date_from": date(year, 1, 1).isoformat(),
        "date_to": date(year, 12, 31).isoformat(),
    }


def _viewer(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not reports.report_can_view(user=user):
        raise PermissionDenied(
            _("Only workshop organisers and administrators see the reports.")
        )
    return user


def _form(request: HttpRequest, user: User) -> ReportForm:
    # Dates left out of the address (a link from a workshop's page) are this
    # year's; dates sent empty are an error the form reports.
    params = {**_defaults(), **request.GET.dict()}
    return ReportForm(params, user=user)


def _report(form: ReportForm, user: User) -> reports.Report:
    data = form.cleaned_data
    return reports.report_build(
        user=user,
        date_from=data["date_from"],
        date_to=data["date_to"],
        workshop=data.get("workshop"),
    )


def _page(request: HttpRequest, form: ReportForm, **context: Any) -> HttpResponse:
    return render(
        request,
        "ecommerce_training/reports/report.html",
        {"form": form, **context},
        status=200 if form.is_valid() else 400,
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    form = _form(request, user)
    if not form.is_valid():
        return _page(request, form)
    built = _report(form, user)
    # The downloads repeat the page's choices.
    query = urlencode(
        {
            "date_from": built.date_from.isoformat(),
            "date_to": built.date_to.isoformat(),
            "workshop": built.workshop.pk if built.workshop else "",
        }
    )
    return _page(
        request,
        form,
        report=built,
        tables=[_displayed(t) for t in reports.report_tables(built)],
        query=query,
    )


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        # number_format cuts decimals off; round first (2/3 is 66.7 %).
        return f"{number_format(round(value * 100, 1), 1)} %"
    if kind == "mean":
        return number_format(round(value, 2), 2)
    if kind == "date":
        return date_format(value, "d/m/Y")
    return str(value)


def _displayed(table: reports.Table) -> dict[str, Any]:
    """The table as the page shows it: text cells, numbers aligned right."""

    def cells(row: list[Any]) -> list[tuple[str, bool]]:
        return [
            (_shown(v, k), k != "text") for v, k in zip(row, table.kinds, strict=True)
        ]

    return {
        "key": table.key,
        "title": table.title,
        "headers": table.headers,
        "rows": [cells(r) for r in table.rows],
        "total": cells(table.total) if table.total else None,
    }


def _download_language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "vi")
    return lang if lang in DOWNLOAD_LANGUAGES else "vi"


def _filename(built: reports.Report, suffix: str) -> str:
    return f"report-{built.date_from.isoformat()}-{built.date_to.isoformat()}{suffix}"


@login_required
def report_csv(request: HttpRequest, table: str) -> HttpResponse:
    if table not in reports.TABLE_KEYS:
        raise Http404(_("There is no such table."))
    user = _viewer(request)
    form = _form(request, user)
    if not form.is_valid():
        return _page(request, form)
    with translation.override(_download_language(request)):
        # Built in the download's language: group names are words too.
        built = _report(form, user)
        chosen = next(t for t in reports.report_tables(built) if t.key == table)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{_filename(built, f"-{table}.csv")}"'
        )
        # The BOM makes spreadsheet programs read the file as UTF-8 (Vietnamese).
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(chosen.headers)
        for row in chosen.rows:
            writer.writerow([_csv_cell(v) for v in row])
        if chosen.total is not None:
            writer.writerow([_csv_cell(v) for v in chosen.total])
    return response


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    user = _viewer(request)
    form = _form(request, user)
    if not form.is_valid():
        return _page(request, form)
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    formats = {"rate": "0.0%", "mean": "0.00", "date": "DD/MM/YYYY"}
    with translation.override(_download_language(request)):
        built = _report(form, user)
        for table in reports.report_tables(built):
            # Sheet titles: at most 31 characters, none of []:*?/\
            sheet = workbook.create_sheet(title=_sheet_title(table.title))
            sheet.append(table.headers)
            for cell in sheet[1]:
                cell.font = bold
            rows = [*table.rows, *([table.total] if table.total else [])]
            for row in rows:
                sheet.append(row)
                for cell, kind in zip(sheet[sheet.max_row], table.kinds, strict=True):
                    if kind in formats and cell.value is not None:
                        cell.number_format = formats[kind]
            if table.total:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
            sheet.column_dimensions["A"].width = 40
            sheet.freeze_panes = "B2"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(built, ".xlsx")}"'
    )
    return response


def _sheet_title(title: str) -> str:
    for bad in "[]:*?/\\":
        title = title.replace(bad, " ")
    return title[:31]
