from django.core.management.base import BaseCommand

from lms.demo.loader import load_demo


class Command(BaseCommand):
    help = "Create the demo people, cohort and courses (safe to run again)."

    def handle(self, *args, **options):
        sign_ins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign-ins:"))
        for username, password, role in sign_ins:
            self.stdout.write(f"  {username:<10} / {password}   ({role})")
