from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from live_classes.models import LiveSession
from lms.models import Cohort


class LiveSessionForm(forms.ModelForm):
    """Schedule or edit a live class; times are Vietnam's (the site's zone)."""

    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = LiveSession
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "cohort",
            "attendance_percent",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, course=None, **kwargs):
        super().__init__(*args, **kwargs)
        cohort = self.fields["cohort"]
        assert isinstance(cohort, forms.ModelChoiceField)
        cohort.queryset = Cohort.objects.filter(
            members__enrollments__course=course
        ).distinct()
        cohort.empty_label = _("Everyone enrolled in the course")
        cohort.required = False
        self.fields["attendance_percent"].help_text = _(
            "A learner who attends this share of the scheduled time gets the "
            "class counted in the course."
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        # Said here, before the model's constraint would say it in its own words.
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The class must end after it starts."))
        return data


class AudioForm(forms.Form):
    audio = forms.FileField(
        label=_("Recording of the class (audio)"),
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )
