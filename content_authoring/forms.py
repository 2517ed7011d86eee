"""Forms of the authoring pages (course, module, lesson details)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import ContentLanguage, Course, Program, TargetGroup


class CourseCreateForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.order_by("track", "name")
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(
        label=_("Language of instruction"),
        choices=ContentLanguage.choices,
    )
    target_group = forms.ChoiceField(label=_("For whom"), choices=TargetGroup.choices)


class CourseDetailsForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "summary",
            "description",
            "language",
            "target_group",
            "enrollment_mode",
            "hours",
            "pass_mark",
        ]
        labels = {
            "enrollment_mode": _("Who may enroll"),
            "pass_mark": _("Pass mark (0 to 1)"),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class LessonDetailsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    estimated_minutes = forms.IntegerField(
        label=_("Minutes it takes"), min_value=1, max_value=600
    )
    module = forms.TypedChoiceField(label=_("Module"), coerce=int)

    def __init__(self, *args, modules=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["module"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.pk, m.title) for m in modules]


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Added a question on grafting")}
        ),
    )
