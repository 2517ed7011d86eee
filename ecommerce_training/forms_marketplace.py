"""Forms of the practice marketplace: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ecommerce_training.models import Category, Listing
from lms.models import Commune

SHIPPING_CHOICES = [
    ("post", _("Post office (Vietnam Post, Postmart)")),
    ("courier", _("Delivery company (courier)")),
    ("pickup", _("Buyer picks up at the farm or shop")),
]
OCOP_CHOICES = [("", _("No OCOP star")), (3, "3 ★"), (4, "4 ★"), (5, "5 ★")]


class ShopForm(forms.Form):
    name = forms.CharField(label=_("Shop name"), max_length=120)
    story = forms.CharField(
        label=_("Your story"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are, your village, how you grow or make your products."),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.order_by("name"),
        required=False,
        empty_label=_("Choose your commune"),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(
        label=_("Contact phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ListingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What it is, how good, where from, and the amount."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    price_vnd = forms.IntegerField(
        label=_("Price (đồng)"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[("", _("Choose a unit")), *Listing.Unit.choices],
        required=False,
    )
    weight_grams = forms.IntegerField(
        label=_("Packed weight of one unit (grams)"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    stock = forms.IntegerField(
        label=_("In stock"),
        min_value=0,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    shipping = forms.MultipleChoiceField(
        label=_("Shipping"),
        choices=SHIPPING_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Where it comes from, how to use it, how to keep it."),
    )
    ocop_stars = forms.TypedChoiceField(
        label=_("OCOP stars"),
        choices=OCOP_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    @classmethod
    def initial_for(cls, listing: Listing) -> dict:
        return {
            name: getattr(listing, name)
            for name in cls.base_fields
            if hasattr(listing, name)
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SendOrdersForm(forms.Form):
    count = forms.IntegerField(
        label=_("Orders per shop"), min_value=1, max_value=10, initial=3
    )


class OrderStepForm(forms.Form):
    step = forms.CharField(max_length=20)
    submission_id = forms.UUIDField(
        error_messages={"invalid": _("The form is out of date; reload the page.")}
    )
    answer = forms.CharField(required=False, max_length=2000)
    accept = forms.TypedChoiceField(
        choices=[("", ""), ("yes", _("Accept")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
