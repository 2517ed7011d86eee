"""A throw-away demo server for the benchmarks.

Builds a fresh SQLite database with the demo data and collected static files in
a temporary folder, runs Daphne on a free 127.0.0.1 port with DEBUG off, and
signs the demo learner in over plain HTTP. Nothing under the checkout changes.
"""

from __future__ import annotations

import http.cookiejar
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_PASSWORD = "demo-2026"  # lms.demo.loader.DEMO_PASSWORD
COURSE = "trong-ca-phe"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class DemoServer:
    """``with DemoServer() as server:`` sets up, serves, and always cleans up."""

    keep: bool = False  # keep the temporary folder (for a look afterwards)
    port: int = 0
    workdir: Path = field(init=False)
    env: dict = field(init=False)
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> DemoServer:
        self.workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
        self.port = self.port or free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.local",
            "SQLITE_PATH": str(self.workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "STATIC_ROOT": str(self.workdir / "static"),
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        try:
            self._setup()
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        if self.keep:
            _log(f"kept {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def manage(self, *args: str) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def _setup(self) -> None:
        took = []
        for step in (
            ("migrate", "-v", "0"),
            ("load_demo",),
            ("collectstatic", "--noinput", "-v", "0"),
        ):
            started = time.perf_counter()
            self.manage(*step)
            took.append(f"{step[0]} {time.perf_counter() - started:.1f} s")
        _log(f"set-up in {self.workdir}: {', '.join(took)}")

    def _start(self) -> None:
        self.log = open(self.workdir / "daphne.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "lms.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited:\n{self.daphne_log()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Daphne did not answer in 30 s:\n{self.daphne_log()}"
                )
            time.sleep(0.1)

    def daphne_log(self) -> str:
        try:
            return (self.workdir / "daphne.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A tiny cookie-keeping HTTP client for signing in and setting up."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, path: str, form: dict | None = None) -> tuple[int, dict, bytes]:
        data = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookie("csrftoken") or ""}
            data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=data)
        try:
            with self.opener.open(request, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:  # 3xx (redirects not followed), 4xx, 5xx
            return e.code, dict(e.headers), e.read()

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.request("/accounts/login/")
        status, headers, body = self.request(
            "/accounts/login/", {"username": username, "password": password}
        )
        if status != 302 or not self.cookie("sessionid"):
            raise RuntimeError(f"sign-in as {username} failed: {status} {body[:300]!r}")

    def ensure_enrolled(self, slug: str = COURSE) -> None:
        status, headers, _ = self.request(f"/courses/{slug}/enroll/", {})
        if status != 302:
            raise RuntimeError(f"enrolling in {slug} answered {status}")

    def first_lesson_path(self, slug: str = COURSE) -> str:
        """The lesson ``continue`` sends a learner to who has not started yet."""
        status, headers, _ = self.request(f"/courses/{slug}/continue/")
        location = headers.get("Location", "")
        if status != 302 or "/lessons/" not in location:
            raise RuntimeError(f"no first lesson for {slug}: {status} {location!r}")
        return location

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def learner_on_lesson(
    server: DemoServer, username: str = "hocvien"
) -> tuple[Session, str]:
    """Sign ``username`` in, enroll in the coffee course, return the first lesson path
    (checked to answer 200 to that learner)."""
    session = Session(server.base)
    session.sign_in(username)
    session.ensure_enrolled()
    path = session.first_lesson_path()
    status, _, body = session.request(path)
    if status != 200:
        raise RuntimeError(
            f"{path} answered {status} to {username}:\n{body[:2000]!r}\n"
            f"--- daphne log ---\n{server.daphne_log()}"
        )
    return session, path
