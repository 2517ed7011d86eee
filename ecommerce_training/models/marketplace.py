"""The practice marketplace: a shop per participant, listings of the
province's products with a quality score, and simulated orders to handle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    COFFEE = "coffee", _("Coffee")
    PEPPER = "pepper", _("Pepper")
    HONEY = "honey", _("Honey")
    BROCADE = "brocade", _("Brocade and weaving")
    MACADAMIA = "macadamia", _("Macadamia")
    DURIAN = "durian", _("Durian")
    CASHEW = "cashew", _("Cashew")
    AVOCADO = "avocado", _("Avocado")
    COCOA = "cocoa", _("Cocoa")
    RICE_WINE = "rice_wine", _("Rice wine (rượu cần)")
    HANDICRAFT = "handicraft", _("Handicraft")
    OTHER = "other", _("Other OCOP product")


class Shop(models.Model):
    """A participant's practice shop, one per participant and workshop."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shops"
    )
    workshop = models.ForeignKey(
        "ecommerce_training.Workshop",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shops",
    )
    name = models.CharField(_("shop name"), max_length=120)
    story = models.TextField(_("story"), blank=True)
    commune = models.ForeignKey(
        "lms.Commune", on_delete=models.SET_NULL, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "workshop"], name="one_shop_per_workshop"
            ),
            # NULLs are distinct in a unique constraint: a participant of an
            # e-commerce course without a workshop still gets one shop only.
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(workshop__isnull=True),
                name="one_shop_without_workshop",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Listing(models.Model):
    class Unit(models.TextChoices):
        KG = "kg", _("kg")
        GRAM = "g", _("gram")
        LITRE = "l", _("litre")
        BOTTLE = "bottle", _("bottle")
        JAR = "jar", _("jar")
        BOX = "box", _("box")
        BAG = "bag", _("bag")
        PIECE = "piece", _("piece")
        METRE = "m", _("metre")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="listings")
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    price_vnd = models.PositiveBigIntegerField(_("price (VND)"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, blank=True)
    # Shipping weight of one unit, packed.
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    # e.g. ["post", "courier", "pickup"]
    shipping = models.JSONField(_("shipping options"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    ocop_stars = models.PositiveSmallIntegerField(
        _("OCOP stars"), null=True, blank=True
    )
    # The listing checker's last verdict: 0..100 and what to improve.
    score = models.PositiveSmallIntegerField(default=0)
    checks = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shop", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ocop_stars__isnull=True) | Q(ocop_stars__range=(3, 5)),
                name="ocop_stars_three_to_five",
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100), name="listing_score_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ListingPhoto(models.Model):
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(upload_to="shops/photos/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Mean luminance 0..255, measured at upload (the checker uses it).
    brightness = models.FloatField()
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} #{self.position}"


class ListingComment(models.Model):
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["listing", "created_at"]

    def __str__(self) -> str:
        return f"{self.listing_id}: {self.body[:30]}"


class SimulatedOrder(models.Model):
    """An order the platform generates for a listing, on a trainer's command,
    for the participant to handle step by step."""

    class Scenario(models.TextChoices):
        NORMAL = "normal", _("Normal order")
        QUESTION = "question", _("Customer asks a question")
        RETURN = "return", _("Customer returns the goods")

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        ANSWERED = "answered", _("Question answered")
        CONFIRMED = "confirmed", _("Confirmed")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Handed to shipping")
        DELIVERED = "delivered", _("Delivered")
        RETURN_REQUESTED = "return_requested", _("Return requested")
        RETURN_HANDLED = "return_handled", _("Return handled")
        CANCELLED = "cancelled", _("Cancelled")

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="orders"
    )
    scenario = models.CharField(max_length=16, choices=Scenario.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLACED
    )
    buyer_name = models.CharField(max_length=100)
    buyer_address = models.CharField(max_length=300)
    quantity = models.PositiveIntegerField(default=1)
    # The simulated customer's question or return reason, if the scenario has one.
    customer_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # 0..100 once the order is finished.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    # The participant's decision on a return: accepted (restocked) or refused.
    return_accepted = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.listing} ({self.status})"


class OrderStep(models.Model):
    """One step the participant took on an order, timed from the step before."""

    order = models.ForeignKey(
        SimulatedOrder, on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(max_length=20, choices=SimulatedOrder.Status.choices)
    # The participant's answer to the customer, where the step needs one.
    answer = models.TextField(blank=True)
    taken_at = models.DateTimeField()
    seconds = models.PositiveIntegerField()
    points = models.PositiveSmallIntegerField(default=0)
    submission_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["order", "taken_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "step"], name="one_of_each_step")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.step}"
