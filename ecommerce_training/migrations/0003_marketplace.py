"""Changes to ecommerce_training.models.marketplace (hand-written)."""

from django.db import migrations, models

STATUS_CHOICES = [
    ("placed", "Placed"),
    ("answered", "Question answered"),
    ("confirmed", "Confirmed"),
    ("packed", "Packed"),
    ("shipped", "Handed to shipping"),
    ("delivered", "Delivered"),
    ("return_requested", "Return requested"),
    ("return_handled", "Return handled"),
    ("cancelled", "Cancelled"),
]


class Migration(migrations.Migration):
    dependencies = [("ecommerce_training", "0002_workshops")]

    operations = [
        migrations.AddConstraint(
            model_name="shop",
            constraint=models.UniqueConstraint(
                condition=models.Q(("workshop__isnull", True)),
                fields=("owner",),
                name="one_shop_without_workshop",
            ),
        ),
        migrations.AlterField(
            model_name="simulatedorder",
            name="status",
            field=models.CharField(
                choices=STATUS_CHOICES, default="placed", max_length=20
            ),
        ),
        migrations.AlterField(
            model_name="orderstep",
            name="step",
            field=models.CharField(choices=STATUS_CHOICES, max_length=20),
        ),
        migrations.AddField(
            model_name="simulatedorder",
            name="return_accepted",
            field=models.BooleanField(blank=True, null=True),
        ),
    ]
