#!/usr/bin/env python3
"""PostgreSQL outages under concurrent writes (issue 7, point 2).

Writers create fiches-actions and measurements through the API, each creation with its own
`Idempotency-Key`, retried with the same key after `Retry-After` whenever the API answers 503,
while PostgreSQL goes down five times: a fast shutdown (`pg_ctl stop -m fast`) and a crash
(`kill -9` of the postmaster, then crash recovery) in turn, each held down for a few seconds and
started again on the same port (`pg_ctl restart`, which reuses postmaster.opts). A prober polls
`/health/ready` all along.

The check fails unless:
- every acknowledged creation (201) is in the database exactly once, and nothing the writers
  sent exists twice;
- every answer that is not 2xx is a 503 `application/problem+json` with `Retry-After` (no 500,
  no 409, no connection reset), and no request takes longer than the checkout timeout plus a
  margin;
- `/health/ready` answers 503 (never 200) while PostgreSQL is down, and 200 again within
  RECOVERY_LIMIT seconds of PostgreSQL accepting connections, as do the writers' creations
  (which wait `Retry-After` before retrying, hence their larger limit).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid

import harness as h

CHECK = "pg-outages"
CYCLES = 5
# How long PostgreSQL stays down in each cycle: while it is down a readiness probe lasts the
# checkout timeout (2 s), so the first probe started after the outage began ends at most some
# 4.2 s after it; 5 s leaves room for one to run entirely inside every outage.
HOLD_DOWN = 5.0
CHECKOUT_TIMEOUT_MS = 2000
# Slack over the checkout timeout for the rest of the request (routing, JSON, and a shared CI
# box: with a load of 8 on 2 cores, healthy creations were seen taking up to 4 s).
LATENCY_MARGIN = 3.0
LATENCY_LIMIT = CHECKOUT_TIMEOUT_MS / 1000 + LATENCY_MARGIN
CLIENT_TIMEOUT = 15.0
# From PostgreSQL accepting connections to the API answering from the database again.
RECOVERY_LIMIT = 5.0
# Writers sleep Retry-After (2 s) between attempts, so they may come back that much later.
WRITE_RECOVERY_LIMIT = RECOVERY_LIMIT + 3.0
ACTION_WRITERS = 4
MEASUREMENT_WRITERS = 2
# Pauses between a writer's creations: enough load to have requests in flight at every moment of
# an outage without running out of free numbers and periods over the run.
PAUSE = {"action": 0.1, "measurement": 0.3}
PROBE_INTERVAL = 0.1


class Recorder:
    """Everything the threads saw, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.responses = []  # (started, ended, status, kind)
        self.bad = []  # descriptions of answers that break the property
        self.acked = {}  # key -> (kind, id, marker)
        self.attempted = 0
        self.retried_writes = 0
        self.unavailable = 0
        self.probes = []  # (started, ended, status)
        self.max_latency = 0.0

    def response(self, kind: str, r: h.Response) -> None:
        with self.lock:
            self.responses.append((r.started, r.ended, r.status, kind))
            self.max_latency = max(self.max_latency, r.elapsed)
            if r.elapsed > LATENCY_LIMIT:
                self.bad.append(f"{kind}: {r.status} after {r.elapsed:.2f} s (limit {LATENCY_LIMIT:.1f} s)")
            if 200 <= r.status < 300:
                return
            if r.status == 503:
                self.unavailable += 1
                problems = []
                if not r.headers.get("retry-after", "").isdigit():
                    problems.append("no Retry-After")
                if not r.headers.get("content-type", "").startswith("application/problem+json"):
                    problems.append(f"content-type {r.headers.get('content-type')!r}")
                if r.problem_code() != "service_unavailable":
                    problems.append(f"code {r.problem_code()!r}")
                if problems:
                    self.bad.append(f"{kind}: 503 with {', '.join(problems)}")
            else:
                self.bad.append(f"{kind}: {r.status} {r.body[:200]!r}")

    def transport_error(self, kind: str, error: Exception, elapsed: float) -> None:
        with self.lock:
            self.max_latency = max(self.max_latency, elapsed)
            self.bad.append(f"{kind}: {type(error).__name__}: {error} after {elapsed:.2f} s")


def free_action_slots(url: str, convention_id: str) -> list[tuple[str, int]]:
    """(objective id, number) pairs no fiche uses yet (numbers are 1-999 per objective)."""
    objectives = [
        row[0]
        for row in h.psql(
            url,
            "SELECT o.id FROM objectives o JOIN axes a ON a.id = o.axis_id "
            f"WHERE a.convention_id = '{convention_id}' ORDER BY o.id",
        )
    ]
    taken = {(row[0], int(row[1])) for row in h.psql(url, "SELECT objective_id, number FROM actions")}
    slots = [(o, n) for o in objectives for n in range(500, 1000) if (o, n) not in taken]
    random.shuffle(slots)
    return slots


def free_measurement_slots(url: str, convention_id: str) -> list[tuple[str, str, object]]:
    """(indicator id, period, value) for annual periods of past years that have no measurement
    yet, on indicators whose kind takes a simple value."""
    values = {"count": 1, "percentage": 50, "ratio": 0.5, "duration": 3, "boolean": True, "text": "ok"}
    this_year = time.gmtime().tm_year
    rows = h.psql(
        url,
        "SELECT i.id, i.kind, c.start_year, c.end_year FROM indicators i "
        "JOIN actions ac ON ac.id = i.action_id JOIN objectives o ON o.id = ac.objective_id "
        "JOIN axes a ON a.id = o.axis_id JOIN conventions c ON c.id = a.convention_id "
        f"WHERE c.id = '{convention_id}' AND i.frequency = 'annual'",
    )
    taken = {(row[0], row[1]) for row in h.psql(url, "SELECT indicator_id, period FROM measurements")}
    slots = []
    for indicator, kind, start, end in rows:
        if kind not in values:
            continue
        for year in range(int(start), min(int(end), this_year - 1) + 1):
            if (indicator, str(year)) not in taken:
                slots.append((indicator, str(year), values[kind]))
    random.shuffle(slots)
    return slots


class Writers:
    def __init__(self, server: h.Server, token: str, recorder: Recorder, actions, measurements):
        self.server = server
        self.token = token
        self.recorder = recorder
        self.action_slots = actions
        self.measurement_slots = measurements
        self.slots_lock = threading.Lock()
        self.stop = threading.Event()
        self.run_id = uuid.uuid4().hex[:8]
        self.threads = [
            threading.Thread(target=self.loop, args=("action",), daemon=True)
            for _ in range(ACTION_WRITERS)
        ] + [
            threading.Thread(target=self.loop, args=("measurement",), daemon=True)
            for _ in range(MEASUREMENT_WRITERS)
        ]

    def next_write(self, kind: str):
        """(key, path, body, marker) of the next creation, or None when there is nothing left."""
        key = uuid.uuid4().hex
        marker = f"resilience {self.run_id} {key}"
        with self.slots_lock:
            if kind == "action":
                if not self.action_slots:
                    return None
                objective, number = self.action_slots.pop()
                return key, f"/api/v1/objectives/{objective}/actions", {"number": number, "title": marker}, marker
            if not self.measurement_slots:
                return None
            indicator, period, value = self.measurement_slots.pop()
            return (
                key,
                f"/api/v1/indicators/{indicator}/measurements",
                {"period": period, "value": value, "comment": marker},
                marker,
            )

    def loop(self, kind: str) -> None:
        while not self.stop.is_set():
            write = self.next_write(kind)
            if write is None:
                return
            self.write(kind, *write)
            time.sleep(PAUSE[kind])

    def write(self, kind: str, key: str, path: str, body: dict, marker: str) -> None:
        """Creates one resource, retrying with the same key after each 503 until it is
        acknowledged. Any other outcome is recorded as a failure of the check; the write is
        still retried (its outcome is unknown, and the key makes the retry safe) a few times."""
        with self.recorder.lock:
            self.recorder.attempted += 1
        attempts = 0
        failures = 0
        while failures < 5:
            attempts += 1
            started = time.monotonic()
            try:
                r = h.request(
                    self.server, "POST", path, body, self.token,
                    headers={"Idempotency-Key": key}, timeout=CLIENT_TIMEOUT,
                )
            except OSError as error:
                # The API server stays up all along: a reset or a timeout is a failure.
                self.recorder.transport_error(kind, error, time.monotonic() - started)
                failures += 1
                time.sleep(1)
                continue
            self.recorder.response(kind, r)
            if r.status == 201:
                with self.recorder.lock:
                    self.recorder.acked[key] = (kind, r.json()["id"], marker)
                    if attempts > 1:
                        self.recorder.retried_writes += 1
                return
            if r.status != 503:
                failures += 1
            retry_after = r.headers.get("retry-after", "")
            time.sleep(int(retry_after) if retry_after.isdigit() else 1)


class Prober(threading.Thread):
    def __init__(self, server: h.Server, recorder: Recorder):
        super().__init__(daemon=True)
        self.server = server
        self.recorder = recorder
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                r = h.request(self.server, "GET", "/health/ready", timeout=CLIENT_TIMEOUT)
            except OSError as error:
                self.recorder.transport_error("ready", error, time.monotonic() - started)
                time.sleep(PROBE_INTERVAL)
                continue
            self.recorder.response("ready", r)
            with self.recorder.lock:
                self.recorder.probes.append((r.started, r.ended, r.status))
            # Jittered, so that the probers do not fall in step.
            time.sleep(random.uniform(PROBE_INTERVAL / 2, PROBE_INTERVAL * 3))


# --- driving PostgreSQL ---------------------------------------------------------------------------


def pg_bin(name: str) -> str:
    """A server-side tool of the cluster's version (pg_ctl is not always on PATH)."""
    pg_version = (h.pg_dir() / "data" / "PG_VERSION").read_text().strip()
    candidate = f"/usr/lib/postgresql/{pg_version}/bin/{name}"
    if os.path.exists(candidate):
        return candidate
    return name


def pg_ctl(*args: str) -> subprocess.CompletedProcess:
    """pg_ctl on the check cluster, as the user that owns it (`postgres` when we are root)."""
    base = h.pg_dir()
    command = [pg_bin("pg_ctl"), "-D", str(base / "data"), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, cwd=base, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def pg_accepting() -> bool:
    out = subprocess.run(
        [pg_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(h.pg_port()), "-t", "1"],
        capture_output=True,
    )
    return out.returncode == 0


def postmaster_pid() -> int:
    return int((h.pg_dir() / "data" / "postmaster.pid").read_text().splitlines()[0])


class AcceptWatcher(threading.Thread):
    """Polls pg_isready while PostgreSQL starts, to date the moment it accepts connections
    (pg_ctl -w only notices it some time later)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.accepted_at = None

    def run(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if pg_accepting():
                self.accepted_at = time.monotonic()
                return
            time.sleep(0.01)


def bring_down(mode: str) -> None:
    if mode == "stop -m fast":
        out = pg_ctl("-m", "fast", "-w", "-t", "60", "stop")
        if out.returncode != 0:
            h.fail(f"pg_ctl stop failed: {out.stderr.strip()}")
    else:
        pid = postmaster_pid()
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pg_accepting():
        if time.monotonic() > deadline:
            h.fail(f"PostgreSQL still accepts connections 10 s after {mode}")
        time.sleep(0.05)


def bring_up() -> None:
    """`pg_ctl restart` starts a stopped (or crashed) server with the options of its last start
    (postmaster.opts: same port). After a kill -9, the old backends must exit before a new
    postmaster may take the shared memory; hence the retries."""
    log = str(h.pg_dir() / "postgres.log")
    deadline = time.monotonic() + 30
    while True:
        out = pg_ctl("-l", log, "-w", "-t", "60", "restart")
        if out.returncode == 0:
            return
        if time.monotonic() > deadline:
            h.fail(f"PostgreSQL did not start again: {out.stdout.strip()} {out.stderr.strip()}")
        time.sleep(0.5)


# --- the check ----------------------------------------------------------------------------------


def check() -> None:
    url, convention_id = h.prepare_plan("resilience_outages")
    actions = free_action_slots(url, convention_id)
    measurements = free_measurement_slots(url, convention_id)
    h.log(CHECK, f"{len(actions)} action slots, {len(measurements)} measurement slots")
    server = h.Server(
        CHECK,
        url,
        {
            "CTG_DB_CHECKOUT_TIMEOUT_MS": str(CHECKOUT_TIMEOUT_MS),
            "CTG_DB_POOL_SIZE": "10",
            "CTG_WORKERS": "2",
        },
    )
    try:
        token = h.login(server)
        recorder = Recorder()
        writers = Writers(server, token, recorder, actions, measurements)
        probers = [Prober(server, recorder), Prober(server, recorder)]
        for prober in probers:
            prober.start()
        for thread in writers.threads:
            thread.start()
        time.sleep(3)

        cycles = []
        for cycle in range(1, CYCLES + 1):
            mode = "stop -m fast" if cycle % 2 else "kill -9"
            began = time.monotonic()
            bring_down(mode)
            down = time.monotonic()
            time.sleep(HOLD_DOWN)
            restart_at = time.monotonic()
            watcher = AcceptWatcher()
            watcher.start()
            bring_up()
            watcher.join(timeout=30)
            if watcher.accepted_at is None:
                h.fail(f"cycle {cycle}: pg_isready never saw PostgreSQL accepting connections")
            up = watcher.accepted_at
            cycles.append({"cycle": cycle, "mode": mode, "began": began, "down": down,
                           "restart": restart_at, "up": up})
            h.log(CHECK, f"cycle {cycle}: {mode}, down {up - down:.1f} s (restart took {up - restart_at:.1f} s)")
            # Let the service recover and the writers go on before the next outage.
            time.sleep(WRITE_RECOVERY_LIMIT + 1)

        time.sleep(2)
        writers.stop.set()
        for thread in writers.threads:
            thread.join(timeout=60)
            if thread.is_alive():
                h.fail("a writer is still retrying 60 s after the last outage")
        for prober in probers:
            prober.stop.set()
        for prober in probers:
            prober.join(timeout=30)
        final = h.request(server, "GET", "/health/ready")
        verify(url, recorder, cycles, final)
    except h.CheckFailed:
        h.log(CHECK, f"server log ({server.log_path}), last lines:\n{server.log_tail()}")
        raise
    finally:
        server.stop()
        # Whatever happened, leave the cluster running for the next checks.
        if not pg_accepting():
            bring_up()


def verify(url: str, recorder: Recorder, cycles: list[dict], final: h.Response) -> None:
    problems = list(recorder.bad)
    # The timeline, for a post-mortem (times in seconds, monotonic clock).
    timeline = h.WORK / f"{CHECK}-timeline.json"
    timeline.write_text(json.dumps({"cycles": cycles, "probes": recorder.probes,
                                    "responses": recorder.responses}))

    # Acknowledged writes: each exactly once; nothing written twice.
    markers = {}
    for kind, table, column in (("action", "actions", "title"), ("measurement", "measurements", "comment")):
        for row_id, marker in h.psql(url, f"SELECT id, {column} FROM {table} WHERE {column} LIKE 'resilience %'"):
            markers.setdefault(marker, []).append((kind, row_id))
    duplicates = {m: rows for m, rows in markers.items() if len(rows) > 1}
    lost = []
    for key, (kind, row_id, marker) in recorder.acked.items():
        rows = markers.get(marker, [])
        if not rows:
            lost.append(f"{kind} {row_id}")
        elif all(found_id != row_id for _, found_id in rows):
            lost.append(f"{kind} {row_id} (stored under another id)")
    acked_markers = {marker for _, _, marker in recorder.acked.values()}
    unacknowledged = [m for m in markers if m not in acked_markers]
    kept = sum(1 for _, _, marker in recorder.acked.values() if marker in markers)
    if lost:
        problems.append(f"{len(lost)} acknowledged writes lost: {lost[:5]}")
    if duplicates:
        problems.append(f"{len(duplicates)} writes stored twice: {list(duplicates.items())[:3]}")
    if unacknowledged:
        problems.append(f"{len(unacknowledged)} writes stored but never acknowledged")

    # Readiness and recovery, cycle by cycle.
    recoveries = []
    for c in cycles:
        # Probes that ran entirely between PostgreSQL being down and being started again.
        inside = [p for p in recorder.probes if p[0] >= c["down"] and p[1] <= c["restart"]]
        ok_inside = [p for p in inside if p[2] == 200]
        if not inside:
            problems.append(f"cycle {c['cycle']}: no readiness probe ran entirely inside the outage")
        if ok_inside:
            problems.append(f"cycle {c['cycle']}: /health/ready answered 200 while PostgreSQL was down")
        # The first successes once PostgreSQL was started again (counted from the moment
        # pg_isready saw it accept connections; an answer may beat that poll by a few ms).
        ready_after = [p[1] for p in recorder.probes if p[1] >= c["restart"] and p[2] == 200]
        write_after = [
            r[1] for r in recorder.responses
            if r[1] >= c["restart"] and r[3] != "ready" and 200 <= r[2] < 300
        ]
        ready_delay = max(0.0, min(ready_after) - c["up"]) if ready_after else None
        write_delay = max(0.0, min(write_after) - c["up"]) if write_after else None
        recoveries.append((c, len(inside), len(inside) - len(ok_inside), ready_delay, write_delay))
        if ready_delay is None or ready_delay > RECOVERY_LIMIT:
            problems.append(f"cycle {c['cycle']}: readiness back after {ready_delay} s (limit {RECOVERY_LIMIT} s)")
        if write_delay is None or write_delay > WRITE_RECOVERY_LIMIT:
            problems.append(
                f"cycle {c['cycle']}: first write after {write_delay} s (limit {WRITE_RECOVERY_LIMIT} s)"
            )
    if final.status != 200:
        problems.append(f"/health/ready answers {final.status} after the last outage")

    by_status = {}
    for _, _, status, _ in recorder.responses:
        by_status[status] = by_status.get(status, 0) + 1
    h.log(CHECK, "figures:")
    h.log(CHECK, f"  writes attempted {recorder.attempted}, acknowledged {len(recorder.acked)}, "
                 f"kept {kept}, lost {len(lost)}, duplicated {len(duplicates)}, "
                 f"stored unacknowledged {len(unacknowledged)}")
    h.log(CHECK, f"  writes that needed a retry {recorder.retried_writes}; responses by status "
                 f"{dict(sorted(by_status.items()))}; 503 answers {recorder.unavailable}")
    h.log(CHECK, f"  max latency {recorder.max_latency:.2f} s (limit {LATENCY_LIMIT:.1f} s)")
    for c, probes, unready, ready_delay, write_delay in recoveries:
        fmt = lambda d: "never" if d is None else f"{d:.2f} s"  # noqa: E731
        h.log(CHECK, f"  cycle {c['cycle']} ({c['mode']}): down {c['up'] - c['down']:.1f} s, "
                     f"readiness {unready}/{probes} probes 503 inside, back {fmt(ready_delay)} and first write "
                     f"{fmt(write_delay)} after PostgreSQL accepted connections")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        h.fail(f"{len(problems)} problem(s):\n  {shown}{more}")


if __name__ == "__main__":
    h.main(CHECK, check)
