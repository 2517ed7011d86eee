"""Real Daphne processes serving the pytest process's test database.

For tests that need WebSockets through a real server (several processes on one
Redis, a process that crashes, a browser in the live room). Each process runs
``python -m daphne -b 127.0.0.1 -p <free port> lms.asgi:application`` with the
test settings, pointed at the database pytest-django created, so rows a test
commits are what the server reads, and what the server writes the test can read.

Tests that use it need committed data: the ``daphne_servers`` fixture asks for
``transactional_db`` itself (and is torn down before the database is flushed).

    def test_something(daphne_servers):
        a = daphne_servers.start(redis_url=redis_url)
        b = daphne_servers.start(redis_url=redis_url)
        ...  # a.base, a.ws("/ws/live/7/"), a.kill(), a.restart(), a.log()

Without pytest: ``with DaphneServers() as servers: servers.start()`` (inside a
configured Django, with the test database set up).

Static files come from the collected manifest (``make test`` runs collectstatic).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Never through a proxy from the environment: the servers are on 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    """Whether a Redis server answers PING at ``url`` (within a second)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_url_or_skip() -> str:
    """$REDIS_URL, else a local Redis if one answers; skips the test if none
    does (fails if $REDIS_URL is set but does not answer)."""
    configured = os.environ.get("REDIS_URL")
    url = configured or DEFAULT_REDIS_URL
    if redis_answers(url):
        return url
    if configured:
        pytest.fail(f"REDIS_URL={configured} is set but no Redis answers PING there.")
    pytest.skip(
        f"No REDIS_URL and no Redis answers PING at {DEFAULT_REDIS_URL}: "
        "several web processes need a shared channel layer."
    )


def current_database_env() -> dict[str, str | None]:
    """Environment variables that point a settings module at the database
    this pytest process is using (its test database, once set up).

    A value of ``None`` means: remove the variable.
    """
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        if not name or name == ":memory:" or str(name).startswith("file:"):
            raise RuntimeError(
                f"The test database {name!r} is not a file another process can open."
            )
        return {"SQLITE_PATH": str(name), "DATABASE_URL": None}
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise RuntimeError(
            f"The test database is {connection.vendor} but DATABASE_URL is not set."
        )
    parts = urllib.parse.urlsplit(url)
    return {
        "DATABASE_URL": urllib.parse.urlunsplit(
            parts._replace(path="/" + urllib.parse.quote(str(name)))
        ),
        "SQLITE_PATH": None,
    }


def signed_in(user) -> tuple[str, str]:
    """The session cookie's name and value for a fresh session of ``user``
    (committed: the server process reads it from the database). For a
    browser: ``context.add_cookies([{"name": n, "value": v, "url": base}])``."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return name, client.cookies[name].value


def session_cookie(user) -> str:
    """A ``Cookie`` header value for a fresh session of ``user``."""
    name, value = signed_in(user)
    return f"{name}={value}"


class DaphneServer:
    """One Daphne process on a port of 127.0.0.1 of its own."""

    def __init__(self, env: dict[str, str], log_path: Path, name: str) -> None:
        self.env = env
        self.log_path = log_path
        self.name = name
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._terminated_at = 0.0
        # Times SIGTERM did not stop the process within 10 s (a shutdown bug).
        self.hung_on_stop = 0
        self._log_file = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<DaphneServer {self.name} {self.base} {state}>"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ws(self, path: str) -> str:
        """The ``ws://`` URL of ``path`` (``/ws/live/7/?last_seq=3``) here."""
        if not path.startswith("/"):
            path = "/" + path
        return f"ws://127.0.0.1:{self.port}{path}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> DaphneServer:
        """Start (on the same port as before, if it ran before) and wait until
        ``/healthz`` answers 200."""
        if self.running:
            raise RuntimeError(f"{self!r} is already running")
        first = self.port == 0
        for attempt in range(3):
            if first:
                self.port = free_port()
            self._spawn()
            try:
                self._wait_healthy()
                return self
            except _AddressInUse:
                # Another process took the free port between our probe and
                # Daphne's bind: try another one (a restart keeps its port).
                if not first or attempt == 2:
                    raise RuntimeError(
                        f"{self.name}: port {self.port} is in use\n{self.log()}"
                    ) from None
        raise AssertionError("unreachable")

    def _spawn(self) -> None:
        self._close_log()
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log_file.write(f"--- starting on port {self.port} ---\n".encode())
        self._log_file.flush()
        self.process = subprocess.Popen(
            [
                sys.executable,
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
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last_error = ""
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                log = self.log()
                self._close_log()
                if "Address already in use" in log.rsplit("--- starting", 1)[-1]:
                    raise _AddressInUse
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} while "
                    f"starting:\n{log}"
                )
            try:
                with _OPENER.open(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
                    last_error = f"answered {response.status}"
            except urllib.error.HTTPError as e:
                last_error = f"answered {e.code}: {e.read()[:300]!r}"
            except OSError as e:
                last_error = repr(e)
            if time.monotonic() > deadline:
                listeners = self._listeners()
                self._dump_stacks()
                self.stop()
                raise RuntimeError(
                    f"{self.name} (pid {self.pid}) did not answer /healthz with 200 "
                    f"within {START_TIMEOUT:.0f} s (last: {last_error}); listening "
                    f"on port {self.port}: {listeners}\n{self.log(8000)}"
                )
            time.sleep(0.05)

    def _listeners(self) -> str:
        """Which processes listen on our port (``ss``), for a hung start."""
        try:
            return subprocess.run(
                ["ss", "-Hltnp", f"sport = :{self.port}"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError) as e:
            return repr(e)

    def _dump_stacks(self) -> None:
        """SIGABRT: the process (with PYTHONFAULTHANDLER) writes every
        thread's stack to its log, to show where a hung server is stuck."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGABRT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)

    def stop(self) -> None:
        """Terminate (SIGTERM), then SIGKILL if still running after 10 s."""
        self.terminate()
        self.wait_stopped(time.monotonic() + STOP_TIMEOUT)

    def terminate(self) -> None:
        """Send SIGTERM and return (``wait_stopped`` finishes the stop)."""
        if self.process is not None and self.process.poll() is None:
            self._terminated_at = time.monotonic()
            self.process.terminate()

    def wait_stopped(self, deadline: float) -> None:
        """Wait for the process to exit until ``deadline`` (monotonic), then
        write its stacks to the log and kill it."""
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
                took = time.monotonic() - self._terminated_at
                self._note(f"stopped in {took:.1f} s")
            except subprocess.TimeoutExpired:
                self._dump_stacks()
                self.process.kill()
                self.process.wait()
                self._note("killed: still running 10 s after SIGTERM")
                self.hung_on_stop += 1
        self._close_log()

    def _note(self, text: str) -> None:
        if self._log_file is not None:
            self._log_file.write(f"--- {text} ---\n".encode())
            self._log_file.flush()

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean close of any connection."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_log()

    def restart(self) -> DaphneServer:
        """Stop if running, then start again on the same port."""
        self.stop()
        return self.start()

    def log(self, chars: int = 4000) -> str:
        """The end of the process's output (for failure messages)."""
        if self._log_file is not None:
            self._log_file.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return f"--- {self.name} log ({self.log_path}) ---\n{text[-chars:]}"

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class _AddressInUse(Exception):
    pass


class DaphneServers:
    """Starts Daphne processes on the current test database; ``close()`` (or
    leaving the ``with`` block) stops all of them and removes their logs.

    All processes started by one instance share one channel-layer prefix, so
    they hear each other on Redis and no other test run does.
    """

    def __init__(self) -> None:
        self.servers: list[DaphneServer] = []
        self.channel_layer_prefix = f"test-{secrets.token_hex(6)}"
        self.workdir = Path(tempfile.mkdtemp(prefix="lms-daphne-"))
        self._redis_urls: set[str] = set()
        # After close(): the logs (with their stacks) of servers that SIGTERM
        # did not stop.
        self.hung: list[str] = []

    def __enter__(self) -> DaphneServers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __call__(self, *, redis_url: str | None = None) -> DaphneServer:
        return self.start(redis_url=redis_url)

    def env(self, *, redis_url: str | None = None) -> dict[str, str]:
        from django.conf import settings

        changes: dict[str, str | None] = {
            **current_database_env(),
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            # Sessions and their auth hashes are signed with it.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
            "PYTHONFAULTHANDLER": "1",
            # The server keeps Django's guard against sync ORM calls in async code.
            "DJANGO_ALLOW_ASYNC_UNSAFE": None,
        }
        if redis_url:
            changes["REDIS_URL"] = redis_url
            changes["CHANNEL_LAYER_PREFIX"] = self.channel_layer_prefix
        else:
            changes["REDIS_URL"] = None
            changes["CHANNEL_LAYER_PREFIX"] = None
        env = dict(os.environ)
        for key, value in changes.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def start(self, *, redis_url: str | None = None) -> DaphneServer:
        """A new running Daphne process (on the in-memory channel layer unless
        ``redis_url`` is given)."""
        n = len(self.servers) + 1
        server = DaphneServer(
            self.env(redis_url=redis_url),
            self.workdir / f"daphne-{n}.log",
            name=f"daphne-{n}",
        )
        self.servers.append(server)
        if redis_url:
            self._redis_urls.add(redis_url)
        server.start()
        return server

    def channel_layers(self, redis_url: str) -> dict:
        """A ``CHANNEL_LAYERS`` setting on the servers' Redis and prefix: set
        with pytest-django's ``settings`` fixture, what the test's own process
        broadcasts (a service run as a task worker would) reaches the servers'
        clients."""
        return {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [redis_url], "prefix": self.channel_layer_prefix},
            }
        }

    def logs(self, chars: int = 4000) -> str:
        return "\n".join(server.log(chars) for server in self.servers)

    def close(self) -> str:
        """Stop every server, forget this run's Redis keys, remove the logs;
        return the logs' ends."""
        try:
            # All at once: a server that hangs on SIGTERM costs 10 s, not 10 s each.
            for server in self.servers:
                server.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT
            for server in self.servers:
                server.wait_stopped(deadline)
        finally:
            logs = self.logs()
            self.hung = [
                server.log(6000) for server in self.servers if server.hung_on_stop
            ]
            self._forget_redis_keys()
            shutil.rmtree(self.workdir, ignore_errors=True)
        return logs

    def _forget_redis_keys(self) -> None:
        """channels-redis keeps group keys for a day: remove this run's."""
        if not self._redis_urls:
            return
        import redis

        for url in self._redis_urls:
            try:
                client = redis.Redis.from_url(url, socket_timeout=2)
                try:
                    keys = list(client.scan_iter(f"{self.channel_layer_prefix}*"))
                    if keys:
                        client.delete(*keys)
                finally:
                    client.close()
            except (redis.RedisError, OSError):
                pass


@pytest.fixture
def daphne_servers(transactional_db) -> Iterator[DaphneServers]:
    """Start Daphne processes with ``daphne_servers.start(redis_url=...)``;
    all are stopped at teardown, whatever the outcome. Their logs are printed
    then, which pytest shows for a failed test."""
    servers = DaphneServers()
    try:
        yield servers
    finally:
        print(servers.close())
        for log in servers.hung:
            # Not a failure of the test, but a server that does not stop on
            # SIGTERM is a bug of its own: say so, with where it was stuck.
            warnings.warn(
                f"A Daphne process needed SIGKILL 10 s after SIGTERM:\n{log}",
                RuntimeWarning,
                stacklevel=1,
            )


@pytest.fixture
def start_daphne(daphne_servers):
    """``start_daphne(redis_url=None) -> DaphneServer``."""
    return daphne_servers.start
