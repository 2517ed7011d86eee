"""Forms of the workshop pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Module
from ecommerce_training.models import Workshop, WorkshopSession
from live_classes.models import LiveSession
from lms.models import Commune


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = [
            "title",
            "description",
            "seats",
            "language",
            "interpreter_needed",
            "course",
            "modules",
            "min_sessions",
            "hours",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "modules": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course = self.fields["course"]
        assert isinstance(course, forms.ModelChoiceField)
        course.queryset = Course.objects.order_by("title")
        course.required = False
        course.empty_label = _("No course")
        modules = self.fields["modules"]
        assert isinstance(modules, forms.ModelMultipleChoiceField)
        # The modules of the chosen course only (every course's would be a
        # long list on a phone): the course is chosen first, then its modules.
        course_id = self.data.get("course") or (
            self.instance.course_id if self.instance else None
        )
        modules.queryset = (
            Module.objects.filter(course_id=course_id).order_by("position")
            if str(course_id or "").isdigit()
            else Module.objects.none()
        )
        modules.required = False
        modules.help_text = _(
            "Modules of the workshop's course used as its material (choose the "
            "course and save first)."
        )
        self.fields["min_sessions"].help_text = _(
            "The attendance rule: a participant who attends this many sessions "
            "completes the workshop and gets the certificate of attendance."
        )


class SessionForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    live_session = forms.ModelChoiceField(
        label=_("Live class to link"),
        queryset=LiveSession.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    create_live = forms.BooleanField(
        label=_("Schedule a new live class of the course for this session"),
        required=False,
    )

    class Meta:
        model = WorkshopSession
        fields = ["title", "mode", "starts_at", "ends_at", "venue", "commune"]

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ModelChoiceField)
        commune.queryset = Commune.objects.order_by("name")
        commune.required = False
        live = self.fields["live_session"]
        assert isinstance(live, forms.ModelChoiceField)
        live.queryset = (
            LiveSession.objects.filter(
                course_id=workshop.course_id, workshop_session__isnull=True
            ).order_by("starts_at")
            if workshop.course_id
            else LiveSession.objects.none()
        )

    def _post_clean(self) -> None:
        # The service checks the session as a whole (and says it in its words);
        # the model's own validation would only repeat part of it.
        pass

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    # Checked by the service, with the other details, in one message.
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=Commune.objects.order_by("name"), required=False
    )


PACE_CHOICES = [
    ("slow", _("Too slow")),
    ("right", _("Right")),
    ("fast", _("Too fast")),
]
RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class SurveyForm(forms.Form):
    overall = forms.TypedChoiceField(
        label=_("Overall, how was the workshop?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful is it for your work?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    trainer = forms.TypedChoiceField(
        label=_("How was the trainer?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    pace = forms.ChoiceField(
        label=_("The pace was"), choices=PACE_CHOICES, widget=forms.RadioSelect
    )
    will_sell_online = forms.TypedChoiceField(
        label=_("Will you sell online?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("unsure", _("Not sure yet"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
