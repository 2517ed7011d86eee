"""Reserved for changes to ecommerce_training.models.marketplace (hand-written)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ecommerce_training", "0002_workshops")]

    operations: list = []
