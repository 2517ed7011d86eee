"""Forms of the editor pages: they parse and check input; the services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dictionary.importers import DEFAULT_MAX_BYTES
from dictionary.models import Language, Topic
from dictionary.services import EntryData, SenseData


class ImportForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        help_text=_("Where the list comes from, e.g. “ABVD 744”."),
    )
    legacy = forms.BooleanField(
        label=_("Old typing convention ([ for ƀ, ] for č...)"), required=False
    )
    file = forms.FileField(
        label=_("Word list (LIFT, ABVD XML, CSV or TSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".lift,.xml,.csv,.tsv,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = int(getattr(settings, "DICTIONARY_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))
        if upload.size > limit:
            # Refused before it is read.
            raise forms.ValidationError(
                _("The file is larger than %(limit)s bytes.") % {"limit": limit}
            )
        return upload


class EntryForm(forms.Form):
    """The entry's own fields; its senses are ``SenseFormSet``."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    headword = forms.CharField(label=_("Headword"), max_length=200)
    variants = forms.CharField(
        label=_("Other spellings"),
        required=False,
        help_text=_("Separate them with “;”."),
        max_length=1000,
    )
    dialect = forms.CharField(label=_("Dialect"), max_length=100, required=False)
    part_of_speech = forms.CharField(
        label=_("Part of speech"), max_length=50, required=False
    )
    level = forms.IntegerField(label=_("Level"), min_value=1, max_value=32767)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    image = forms.FileField(
        label=_("Picture (PNG, JPEG or WebP)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    image_remove = forms.BooleanField(label=_("Remove the picture"), required=False)
    note = forms.CharField(
        label=_("What you changed (for the history)"), max_length=300, required=False
    )

    def variant_list(self) -> list[str]:
        return [v.strip() for v in self.cleaned_data.get("variants", "").split(";")]


class SenseForm(forms.Form):
    gloss_vi = forms.CharField(
        label=_("Vietnamese gloss"), max_length=300, required=False
    )
    gloss_vi_translated = forms.BooleanField(
        label=_("Translated by this project"), required=False
    )
    gloss_en = forms.CharField(label=_("English gloss"), max_length=300, required=False)
    definition = forms.CharField(
        label=_("Definition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    example = forms.CharField(label=_("Example"), required=False)
    example_translation = forms.CharField(
        label=_("Example translation"), required=False
    )

    def sense(self) -> SenseData:
        data = self.cleaned_data
        return SenseData(
            gloss_vi=data.get("gloss_vi", ""),
            gloss_en=data.get("gloss_en", ""),
            gloss_vi_translated=bool(data.get("gloss_vi_translated")),
            definition=data.get("definition", ""),
            example=data.get("example", ""),
            example_translation=data.get("example_translation", ""),
        )


_SENSE_KEYS = (
    "gloss_vi",
    "gloss_en",
    "gloss_vi_translated",
    "definition",
    "example",
    "example_translation",
)

SenseFormSet = forms.formset_factory(
    SenseForm, extra=1, can_delete=True, can_order=True, max_num=30, validate_max=True
)


def senses_initial(data: EntryData) -> list[dict]:
    return [
        {**{k: getattr(s, k) for k in _SENSE_KEYS}, "ORDER": n}
        for n, s in enumerate(data.senses, start=1)
    ]


def senses_from(formset) -> list[SenseData]:
    """The senses kept (not deleted), in the order given (``ORDER``)."""
    return [form.sense() for form in formset.ordered_forms]


class PronunciationForm(forms.Form):
    audio = forms.FileField(
        label=_("Recording (up to 2 MB and 30 seconds)"),
        widget=forms.FileInput(attrs={"accept": "audio/*"}),
    )
