"""Forms of the people pages. They parse input; services decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of people (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
