"""Shared plumbing of the resilience checks (Python 3 standard library only).

`scripts/check-resilience` starts a private PostgreSQL cluster and hands it over through the
environment:

- CTG_BIN: the `ctg` binary to run;
- CTG_RESILIENCE_PG_DIR: the cluster's directory (as given to `ctg pg start --data-dir`);
- CTG_RESILIENCE_ADMIN_URL: the URL of its maintenance database. It carries the cluster's
  password: it is never printed, and reaches psql and pg_dump through PG* variables rather than
  their command lines.

Each check creates its own database in that cluster, runs `ctg serve` on it on a port the kernel
chooses (CTG_BIND=127.0.0.1:0) and talks to it over HTTP.
"""

from __future__ import annotations

import http.client
import json
import os
import pathlib
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORK = ROOT / "target" / "resilience"
DEMO_PLAN = ROOT / "demo" / "ctg-quercy-bouriane-2022-2026.json"
ADMIN_EMAIL = "resilience-admin@ctg.invalid"
# Long enough and varied enough for the password rules (15+ characters, zxcvbn score >= 3).
ADMIN_PASSWORD = "correct horse battery staple 42!"


class CheckFailed(Exception):
    """The property under test does not hold (or the check could not run)."""


def log(check: str, message: str) -> None:
    print(f"[{check}] {message}", flush=True)


def fail(message: str) -> None:
    raise CheckFailed(message)


def env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        fail(f"{name} is not set: run this check through scripts/check-resilience")
    return value


def ctg_bin() -> str:
    return env("CTG_BIN")


def pg_dir() -> pathlib.Path:
    return pathlib.Path(env("CTG_RESILIENCE_PG_DIR")).resolve()


# --- PostgreSQL ---------------------------------------------------------------------------------


def database_url(name: str) -> str:
    """The URL of database `name` in the check cluster (a secret: never print it)."""
    admin = urllib.parse.urlsplit(env("CTG_RESILIENCE_ADMIN_URL"))
    return urllib.parse.urlunsplit(admin._replace(path="/" + name))


def pg_env(url: str) -> dict[str, str]:
    """The environment that points libpq tools at `url` without putting it on a command line."""
    parts = urllib.parse.urlsplit(url)
    child = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    child.update(
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=urllib.parse.unquote(parts.username or "postgres"),
        PGPASSWORD=urllib.parse.unquote(parts.password or ""),
        PGDATABASE=parts.path.lstrip("/"),
        PGCONNECT_TIMEOUT="5",
    )
    return child


def pg_port() -> int:
    return urllib.parse.urlsplit(env("CTG_RESILIENCE_ADMIN_URL")).port or 5432


def psql(url: str, sql: str) -> list[list[str]]:
    """Runs `sql` and returns its rows (fields split on tabs)."""
    out = subprocess.run(
        ["psql", "-X", "-w", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-F", "\t", "-c", sql],
        env=pg_env(url),
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        fail(f"psql failed ({out.returncode}): {out.stderr.strip()}")
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def recreate_database(name: str) -> str:
    """Drops and creates database `name` (names are ours: plain identifiers); returns its URL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        fail(f"bad database name {name!r}")
    admin = env("CTG_RESILIENCE_ADMIN_URL")
    psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(admin, f"CREATE DATABASE {name}")
    return database_url(name)


def run_ctg(args: list[str], extra_env: dict[str, str], check: bool = True) -> str:
    """Runs a `ctg` command and returns its stdout; on failure shows its stderr (never the URL,
    which ctg does not print)."""
    child = dict(os.environ)
    child.update(extra_env)
    child.setdefault("CTG_LOG_FORMAT", "text")
    child.setdefault("RUST_LOG", "warn")
    out = subprocess.run([ctg_bin(), *args], env=child, capture_output=True, text=True)
    if check and out.returncode != 0:
        fail(f"`ctg {args[0]}` failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
    return out.stdout


def prepare_plan(name: str) -> tuple[str, str]:
    """A fresh database `name` holding the demo plan and an administrator; returns (url,
    convention id)."""
    url = recreate_database(name)
    db = {"DATABASE_URL": url}
    run_ctg(["migrate"], db)
    convention_id = run_ctg(["import", str(DEMO_PLAN)], db).strip()
    if not re.fullmatch(r"[0-9a-f-]{36}", convention_id):
        fail(f"`ctg import` printed {convention_id!r}, not a convention id")
    run_ctg(
        ["user", "create", "--email", ADMIN_EMAIL, "--name", "Resilience admin", "--admin"],
        {**db, "CTG_PASSWORD": ADMIN_PASSWORD},
    )
    return url, convention_id


# --- the API server -----------------------------------------------------------------------------


class Server:
    """`ctg serve` on database `url`, on a port of the kernel's choosing; output to a log file."""

    def __init__(self, check: str, url: str, extra_env: dict[str, str] | None = None):
        WORK.mkdir(parents=True, exist_ok=True)
        self.check = check
        self.log_path = WORK / f"{check}-server.log"
        self.stdout_path = WORK / f"{check}-server.stdout"
        child = dict(os.environ)
        child.update(
            DATABASE_URL=url,
            CTG_BIND="127.0.0.1:0",
            CTG_JWT_SECRET=secrets.token_hex(32),
            CTG_LOG_FORMAT="text",
            RUST_LOG=os.environ.get("CTG_RESILIENCE_RUST_LOG", "warn"),
            # No load balancer to warn here: stop at once (the shutdown check sets its own).
            CTG_SHUTDOWN_GRACE_MS="0",
        )
        child.update(extra_env or {})
        self._stdout = open(self.stdout_path, "w")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [ctg_bin(), "serve"],
            env=child,
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._log,
        )
        self.base = self._wait_for_address()
        parts = urllib.parse.urlsplit(self.base)
        self.host, self.port = parts.hostname, parts.port

    def _wait_for_address(self, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        pattern = re.compile(r"ctg serving on (http://[0-9.]+:[0-9]+)")
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"`ctg serve` exited ({self.process.returncode}) before serving:\n{self.log_tail()}")
            match = pattern.search(self.stdout_path.read_text())
            if match:
                return match.group(1)
            time.sleep(0.1)
        fail(f"`ctg serve` did not start serving within {timeout:.0f} s:\n{self.log_tail()}")
        raise AssertionError  # unreachable

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(text[-lines:])

    def signal(self, sig: int) -> None:
        self.process.send_signal(sig)

    def stop(self) -> None:
        """Stops the server if it still runs (SIGTERM, then SIGKILL after a while)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stdout.close()
        self._log.close()


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, started: float, ended: float):
        self.status = status
        self.headers = headers
        self.body = body
        self.started = started
        self.ended = ended

    @property
    def elapsed(self) -> float:
        return self.ended - self.started

    def json(self):
        return json.loads(self.body)

    def problem_code(self) -> str | None:
        try:
            return self.json().get("code")
        except (ValueError, AttributeError):
            return None


def request(
    server: Server,
    method: str,
    path: str,
    body=None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Response:
    """One request on its own connection. Raises OSError (refused, reset, timeout) as is."""
    all_headers = {"Accept": "application/json", "Connection": "close"}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    all_headers.update(headers or {})
    started = time.monotonic()
    conn = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
    try:
        conn.request(method, path, body=payload, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        headers_out = {k.lower(): v for k, v in response.getheaders()}
        return Response(response.status, headers_out, data, started, time.monotonic())
    finally:
        conn.close()


def login(server: Server) -> str:
    response = request(
        server, "POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    if response.status != 200:
        fail(f"login answered {response.status}: {response.body[:300]!r}")
    return response.json()["access_token"]


def main(check: str, body) -> None:
    """Runs `body()`; prints the verdict and exits 1 when the property does not hold."""
    started = time.monotonic()
    # Interrupted (CI timeout, Ctrl-C in scripts/check-resilience): unwind, so that the `finally`
    # blocks stop the servers this check started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        body()
    except CheckFailed as failure:
        log(check, f"FAILED after {time.monotonic() - started:.1f} s: {failure}")
        sys.exit(1)
    log(check, f"passed in {time.monotonic() - started:.1f} s")


class Stats:
    """Thread-safe counters and samples."""

    def __init__(self):
        self.lock = threading.Lock()

    def __enter__(self):
        self.lock.acquire()
        return self

    def __exit__(self, *exc):
        self.lock.release()
