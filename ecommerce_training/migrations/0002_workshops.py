"""Reserved for changes to ecommerce_training.models.workshops (hand-written)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ecommerce_training", "0001_initial")]

    operations = []
