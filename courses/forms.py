from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import ContentLanguage, TargetGroup, Track
from lms.models import Cohort


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    track = forms.ChoiceField(
        label=_("Track"),
        required=False,
        choices=[("", _("All tracks")), *Track.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *ContentLanguage.choices],
    )
    target_group = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Everyone")), *TargetGroup.choices[:2]],
    )


class CohortEnrollForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.all(),
        empty_label=_("Choose a cohort"),
    )
