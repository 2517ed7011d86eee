"""End live classes nobody ended, two hours after their scheduled end, so their
attendance reaches course progress. Run it from cron (every 15 minutes)."""

from django.core.management.base import BaseCommand

from live_classes import services


class Command(BaseCommand):
    help = "End live classes left open two hours after their scheduled end."

    def handle(self, *args, **options) -> None:
        ended = services.live_sessions_close_overdue()
        self.stdout.write(f"{ended} live class(es) ended.")
