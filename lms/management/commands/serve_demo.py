"""Run the demo: Daphne (HTTP and WebSocket) and the background task worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from lms.demo.loader import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Serve the platform with Daphne and run the db_worker beside it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", 8000))
        )
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, host: str, port: int, **options):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
        procs = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    host,
                    "-p",
                    str(port),
                    "lms.asgi:application",
                ],
                env=env,
            ),
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload"], env=env
            ),
        ]
        self.stdout.write(self.style.SUCCESS(f"\nServing on http://{host}:{port}/"))
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for username, role, name, *_ in PEOPLE:
            self.stdout.write(f"  {username:<10} {role.label:<24} {name}")
        self.stdout.write("Press Ctrl-C to stop.\n")
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p.returncode for p in procs if p.returncode not in (0, -15, None)]
        if failed and not stopping:
            raise SystemExit(1)
