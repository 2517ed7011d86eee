"""Re-load communes and ethnic groups, e.g. after updating vietnam-provinces."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from lms.reference import load_reference_data


class Command(BaseCommand):
    help = "Create or update the province's communes and the 54 ethnic groups."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            communes, groups = load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(f"{communes} communes, {groups} ethnic groups loaded.")
        )
