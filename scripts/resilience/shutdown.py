#!/usr/bin/env python3
"""SIGTERM under load (issue 7, point 5).

Two runs of `ctg serve` on the demo plan, each under load from threads reading heavy resources
(the plan tree, the annual report, the indicators, the export) on fresh connections, slowly, so
that responses are still being written when SIGTERM arrives:

1. `drain` (CTG_SHUTDOWN_GRACE_MS=0): SIGTERM is sent while requests are in flight; every one of
   them must complete with 2xx (none reset, none cut short), the server must stop accepting
   connections and exit 0 well within its drain timeout.
2. `grace` (CTG_SHUTDOWN_GRACE_MS=GRACE): after SIGTERM `/health/ready` must answer 503
   (`application/problem+json`, `Retry-After`, code `shutting_down`) while the instance still
   serves every request, until the grace period ends; then it drains and exits 0. The load
   generator behaves like a load balancer: it sends new requests for a while after SIGTERM (it
   has not noticed yet), then no more.
"""

from __future__ import annotations

import http.client
import signal
import threading
import time

import harness as h

CHECK = "shutdown"
LOAD_THREADS = 6
# The drain timeout of `ctg serve` (startup::DRAIN_TIMEOUT_SECS).
DRAIN_TIMEOUT = 30.0
GRACE = 3.0
# A request this long in flight before SIGTERM has surely been accepted by the server (and not
# merely queued by the kernel, where closing the listener would reset it). A request whose
# response has begun to arrive has been accepted whatever its age.
SURELY_ACCEPTED = 0.1
# The load reads bodies this slowly (bytes per chunk, pause between chunks), as a client on a poor
# mobile link would: the server is then still writing large responses when SIGTERM arrives, and
# the drain must let it finish them. Fast machines answer the plan in a few milliseconds, so
# without it the check could not count on requests being in flight.
READ_CHUNK = 8 * 1024
READ_PAUSE = 0.01
# In the `grace` run, the load balancer notices the instance going this long after SIGTERM.
LB_DELAY = 1.0


class Load:
    """Threads that read heavy resources in a loop, each request on a fresh connection."""

    def __init__(self, server: h.Server, token: str, convention_id: str):
        self.server = server
        self.token = token
        self.paths = [
            f"/api/v1/conventions/{convention_id}/plan",
            f"/api/v1/conventions/{convention_id}/reports/annual?year=2024",
            f"/api/v1/conventions/{convention_id}/indicators?limit=100",
            f"/api/v1/conventions/{convention_id}/export",
            f"/api/v1/conventions/{convention_id}/stats",
        ]
        self.lock = threading.Lock()
        self.outstanding = {}  # request number -> (started, when the response began, or None)
        # (started, ended, status or exception name, path, when the response began, or None)
        self.results = []
        self.stop_sending = threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(i,), daemon=True) for i in range(LOAD_THREADS)]
        self.counter = 0

    def start(self):
        for thread in self.threads:
            thread.start()

    def surely_accepted_in_flight(self) -> int:
        now = time.monotonic()
        with self.lock:
            return sum(1 for started, answering in self.outstanding.values()
                       if answering is not None or now - started >= SURELY_ACCEPTED)

    def read_slowly(self, number: int, path: str) -> int:
        """Sends one GET on its own connection and reads the body slowly; returns the status."""
        conn = http.client.HTTPConnection(self.server.host, self.server.port, timeout=DRAIN_TIMEOUT + 10)
        try:
            conn.request("GET", path, headers={"Authorization": f"Bearer {self.token}",
                                               "Accept": "application/json", "Connection": "close"})
            response = conn.getresponse()
            with self.lock:
                self.outstanding[number] = (self.outstanding[number][0], time.monotonic())
            # `read(n)` raises IncompleteRead when the connection ends before Content-Length.
            while response.read(READ_CHUNK):
                time.sleep(READ_PAUSE)
            return response.status
        finally:
            conn.close()

    def loop(self, index: int) -> None:
        turn = index
        while not self.stop_sending.is_set():
            path = self.paths[turn % len(self.paths)]
            turn += 1
            with self.lock:
                self.counter += 1
                number = self.counter
            started = time.monotonic()
            with self.lock:
                self.outstanding[number] = (started, None)
            try:
                outcome = self.read_slowly(number, path)
            except ConnectionRefusedError:
                outcome = "refused"
            except (OSError, http.client.HTTPException) as error:
                outcome = type(error).__name__
            ended = time.monotonic()
            with self.lock:
                answering = self.outstanding.pop(number)[1]
                self.results.append((started, ended, outcome, path, answering))
            if outcome == "refused":
                # The listener is closed: nothing more to send to this instance.
                return

    def join(self) -> None:
        for thread in self.threads:
            thread.join(timeout=DRAIN_TIMEOUT + 15)


def send_sigterm_under_load(server: h.Server, load: Load) -> float:
    """Sends SIGTERM once at least three requests have been in flight for a while; returns when."""
    deadline = time.monotonic() + 30
    while load.surely_accepted_in_flight() < 3:
        if time.monotonic() > deadline:
            h.fail("the load never had three requests in flight at once")
        time.sleep(0.005)
    sent = time.monotonic()
    server.signal(signal.SIGTERM)
    return sent


def wait_exit(server: h.Server, sent: float, limit: float) -> tuple[int, float]:
    try:
        code = server.process.wait(timeout=limit + 5)
    except Exception:
        h.fail(f"`ctg serve` still runs {limit + 5:.0f} s after SIGTERM")
    return code, time.monotonic() - sent


def run_drain(url: str, convention_id: str) -> list[str]:
    problems = []
    server = h.Server(f"{CHECK}-drain", url, {"CTG_SHUTDOWN_GRACE_MS": "0", "CTG_WORKERS": "2"})
    try:
        token = h.login(server)
        load = Load(server, token, convention_id)
        load.start()
        time.sleep(1.5)
        sent = send_sigterm_under_load(server, load)
        code, took = wait_exit(server, sent, DRAIN_TIMEOUT)
        load.stop_sending.set()
        load.join()
        in_flight = [r for r in load.results if r[1] >= sent and (
            r[0] <= sent - SURELY_ACCEPTED or (r[4] is not None and r[4] <= sent))]
        failed = [r for r in in_flight if not (isinstance(r[2], int) and 200 <= r[2] < 300)]
        bad_answers = [r for r in load.results if isinstance(r[2], int) and not 200 <= r[2] < 300]
        late_resets = [r for r in load.results if not isinstance(r[2], int) and r[2] != "refused"
                       and r not in in_flight]
        longest = max((r[1] - sent for r in in_flight), default=0.0)
        h.log(CHECK, f"drain: {len(load.results)} requests, {len(in_flight)} in flight at SIGTERM "
                     f"({len(in_flight) - len(failed)} completed 2xx, the last {longest:.2f} s after it), "
                     f"exit code {code} after {took:.2f} s")
        if late_resets:
            h.log(CHECK, f"drain: {len(late_resets)} request(s) sent as the listener closed were "
                         f"reset (not counted: the server never accepted them)")
        if len(in_flight) < 3:
            problems.append(f"drain: only {len(in_flight)} request(s) in flight at SIGTERM")
        for r in failed[:5]:
            problems.append(f"drain: {r[3]} in flight at SIGTERM ended with {r[2]}")
        for r in bad_answers[:5]:
            problems.append(f"drain: {r[3]} answered {r[2]}")
        if code != 0:
            problems.append(f"drain: exit code {code}, not 0")
        if took > DRAIN_TIMEOUT:
            problems.append(f"drain: took {took:.1f} s to exit (drain timeout {DRAIN_TIMEOUT:.0f} s)")
    finally:
        server.stop()
    if problems:
        h.log(CHECK, f"server log, last lines:\n{server.log_tail()}")
    return problems


def run_grace(url: str, convention_id: str) -> list[str]:
    problems = []
    server = h.Server(
        f"{CHECK}-grace", url, {"CTG_SHUTDOWN_GRACE_MS": str(int(GRACE * 1000)), "CTG_WORKERS": "2"}
    )
    try:
        token = h.login(server)
        before = h.request(server, "GET", "/health/ready")
        if before.status != 200:
            problems.append(f"grace: /health/ready answered {before.status} before SIGTERM")
        load = Load(server, token, convention_id)
        load.start()
        time.sleep(1.5)
        sent = send_sigterm_under_load(server, load)
        # Probe readiness and liveness until the listener closes.
        probes = []  # (started, ended, path, status or exception, response)
        lb_noticed = False
        while server.process.poll() is None:
            if not lb_noticed and time.monotonic() - sent >= LB_DELAY:
                load.stop_sending.set()
                lb_noticed = True
            for path in ("/health/ready", "/health/live"):
                started = time.monotonic()
                try:
                    r = h.request(server, "GET", path, timeout=5)
                    probes.append((started, r.ended, path, r.status, r))
                except ConnectionRefusedError:
                    probes.append((started, time.monotonic(), path, "refused", None))
                except OSError as error:
                    probes.append((started, time.monotonic(), path, type(error).__name__, None))
            if probes[-1][3] == "refused":
                break
            time.sleep(0.1)
        load.stop_sending.set()
        code, took = wait_exit(server, sent, GRACE + DRAIN_TIMEOUT)
        load.join()

        # Readiness: 503 from shortly after SIGTERM (the signal takes a moment to arrive) until
        # the listener closes.
        ready = [p for p in probes if p[2] == "/health/ready" and p[0] >= sent + 0.2]
        ready_answers = [p for p in ready if isinstance(p[3], int)]
        not_503 = [p for p in ready_answers if p[3] != 503]
        if not ready_answers:
            problems.append("grace: no readiness probe was answered after SIGTERM")
        for p in not_503[:3]:
            problems.append(f"grace: /health/ready answered {p[3]} {p[0] - sent:.2f} s after SIGTERM")
        for p in ready_answers[:1]:
            r = p[4]
            if not r.headers.get("content-type", "").startswith("application/problem+json") \
                    or not r.headers.get("retry-after") or r.problem_code() != "shutting_down":
                problems.append(f"grace: readiness 503 is not a shutting_down problem with "
                                f"Retry-After: {r.headers} {r.body[:200]!r}")
        served_until = max((p[1] for p in ready_answers), default=sent) - sent
        if served_until < GRACE - 0.5:
            problems.append(f"grace: the instance stopped answering {served_until:.2f} s after SIGTERM, "
                            f"before the {GRACE:.0f} s grace period was over")
        live = [p for p in probes if p[2] == "/health/live" and isinstance(p[3], int)]
        if any(p[3] != 200 for p in live):
            problems.append("grace: /health/live did not answer 200 during the grace period")

        # Every request the load balancer sent, before and after SIGTERM, completed with 2xx.
        failed = [r for r in load.results if not (isinstance(r[2], int) and 200 <= r[2] < 300)]
        after = [r for r in load.results if r[0] >= sent]
        for r in failed[:5]:
            problems.append(f"grace: {r[3]} sent {r[0] - sent:+.2f} s from SIGTERM ended with {r[2]}")
        if not after:
            problems.append("grace: no request was sent during the grace period")
        if code != 0:
            problems.append(f"grace: exit code {code}, not 0")
        if took > GRACE + DRAIN_TIMEOUT:
            problems.append(f"grace: took {took:.1f} s to exit (limit {GRACE + DRAIN_TIMEOUT:.0f} s)")
        h.log(CHECK, f"grace: {len(load.results)} requests ({len(after)} sent after SIGTERM, "
                     f"{len(load.results) - len(failed)} 2xx); readiness 503 on "
                     f"{len(ready_answers) - len(not_503)}/{len(ready_answers)} probes up to "
                     f"{served_until:.2f} s after SIGTERM; exit code {code} after {took:.2f} s "
                     f"(grace {GRACE:.0f} s)")
    finally:
        server.stop()
    if problems:
        h.log(CHECK, f"server log, last lines:\n{server.log_tail()}")
    return problems


def check() -> None:
    url, convention_id = h.prepare_plan("resilience_shutdown")
    problems = run_drain(url, convention_id) + run_grace(url, convention_id)
    if problems:
        h.fail(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    h.main(CHECK, check)
