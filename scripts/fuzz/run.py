"""Contract fuzzing of the ctg API with Schemathesis, once per identity (see scripts/fuzz-contract).

For each identity (admin, two pilots of different organisations, a viewer) this script:
  1. creates a fresh database in the throwaway cluster (so every run starts from the same state
     and a run's writes, say the admin deleting a user, never leak into the next one),
  2. serves it with `ctg serve --demo` on a free loopback port (the demo plan and its users),
  3. checks the identities are what the test needs, creates an outsider (a coordinator of
     another convention), and signs each of them in,
  4. runs `st run` against the committed openapi/openapi.json with every phase, every check and
     a fixed seed, as that identity, with the outsider as its peer so that the object-level
     authorization check replays the identity's reads as someone who must not see them.

Environment (set by scripts/fuzz-contract): CTG_FUZZ_PG_URL (the cluster's maintenance database;
secret), CTG_FUZZ_CTG (the ctg binary), CTG_FUZZ_ST (the schemathesis CLI), CTG_FUZZ_SEED,
CTG_FUZZ_MAX_EXAMPLES, CTG_FUZZ_IDENTITIES (optional, comma-separated subset), CTG_FUZZ_OUT.
Exits 1 when any run reports a failure or an error.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "openapi" / "openapi.json"
# Every phase, in Schemathesis' order: the schema's examples, the coverage phase (boundary and
# invalid values, missing headers, unsupported methods), random fuzzing, and stateful sequences.
PHASES = "examples,coverage,fuzzing,stateful"
# Object-level authorization: Schemathesis replays the reads of the run's identity as its peers,
# which must not see what it sees. The contract lets every member read all of a convention, so
# the two pilots and the viewer (all members of the demo convention) are not peers of one
# another; the peer is an outsider: a coordinator of another convention, with no membership in
# the demo one, who must get 404 for it and everything under it. The admin sees everything,
# including the outsider's own user record, so the admin's run has no peers.
OUTSIDER = "outsider"
# Run order: the least privileged first (each run has its own database anyway).
ORDER = ["viewer", "pilot_a", "pilot_b", "admin"]


def log(message: str) -> None:
    print(f"fuzz-contract: {message}", file=sys.stderr, flush=True)


def fail(message: str) -> None:
    print(f"fuzz-contract: error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """The throwaway PostgreSQL cluster; databases are created through psql, credentials in env."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.parts = parts
        self.env = {
            **os.environ,
            "PGHOST": parts.hostname or "127.0.0.1",
            "PGPORT": str(parts.port or 5432),
            "PGUSER": urllib.parse.unquote(parts.username or "postgres"),
            "PGPASSWORD": urllib.parse.unquote(parts.password or ""),
            "PGDATABASE": parts.path.lstrip("/") or "postgres",
        }

    def fresh_database(self, name: str) -> str:
        for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
            result = subprocess.run(
                ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
                env=self.env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                fail(f"psql could not run `{sql}`: {result.stderr.strip()}")
        return urllib.parse.urlunsplit(self.parts._replace(path=f"/{name}"))


class Server:
    """`ctg serve --demo` on a fresh database, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, ctg: str, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CTG_BIND": f"127.0.0.1:{self.port}",
            "CTG_LOG_FORMAT": "text",
            "RUST_LOG": os.environ.get("CTG_FUZZ_RUST_LOG", "warn"),
        }
        self.log_file = open(log_path, "w")
        self.process = subprocess.Popen(
            [ctg, "serve", "--demo"], env=env, stdout=self.log_file, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"ctg serve exited with {self.process.returncode}; see {self.log_path}")
            try:
                if requests.get(f"{self.base}/health/ready", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        fail(f"ctg serve was not ready within {timeout:.0f} s; see {self.log_path}")

    def demo_logins(self) -> list[tuple[str, str, str]]:
        """(role, email, password) of each demo user, from the lines `serve --demo` prints.

        These passwords are public on purpose: they exist only in demo databases.
        """
        logins = []
        for line in self.log_path.read_text().splitlines():
            if line.startswith("demo login: "):
                role, email, password = line[len("demo login: ") :].split(" ", 2)
                logins.append((role, email, password))
        return logins

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def login(self, email: str, password: str) -> str:
        response = requests.post(
            f"{self.base}/api/v1/auth/login", json={"email": email, "password": password}, timeout=10
        )
        if response.status_code != 200:
            fail(f"signing in as {email} gave {response.status_code}: {response.text[:300]}")
        return response.json()["access_token"]

    def post(self, token: str, path: str, body: dict) -> dict:
        response = requests.post(
            f"{self.base}/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        if response.status_code != 201:
            fail(f"POST {path} gave {response.status_code}: {response.text[:300]}")
        return response.json()

    def get(self, token: str, path: str, **params: str) -> dict:
        response = requests.get(
            f"{self.base}/api/v1{path}",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        if response.status_code != 200:
            fail(f"GET {path} gave {response.status_code}: {response.text[:300]}")
        return response.json()


def identities(api: Api, logins: list[tuple[str, str, str]]) -> tuple[dict[str, str], str]:
    """Signs in the four identities and checks they are what the run needs.

    Returns their tokens and the demo convention's id.
    """
    by_role: dict[str, list[tuple[str, str]]] = {}
    for role, email, password in logins:
        by_role.setdefault(role, []).append((email, password))
    for role, count in (("admin", 1), ("pilot", 2), ("viewer", 1)):
        if len(by_role.get(role, [])) < count:
            fail(f"`serve --demo` printed {len(by_role.get(role, []))} {role} login(s), {count} needed")
    credentials = {
        "admin": by_role["admin"][0],
        "pilot_a": by_role["pilot"][0],
        "pilot_b": by_role["pilot"][1],
        "viewer": by_role["viewer"][0],
    }
    tokens = {name: api.login(*pair) for name, pair in credentials.items()}
    tokens[OUTSIDER] = outsider(api, tokens["admin"])

    # The pilots must pilot actions of the same convention for different organisations, so
    # that each one's writes are allowed on some actions and refused (403) on the other's.
    me = {name: api.get(token, "/me") for name, token in tokens.items()}
    if not me["admin"].get("is_admin"):
        fail("the demo admin is not a platform admin")
    pilot_roles = {
        name: {(m["convention_id"], m["role"]) for m in me[name].get("memberships", [])}
        for name in ("pilot_a", "pilot_b", "viewer")
    }
    shared = {c for c, role in pilot_roles["pilot_a"] if role == "pilot"} & {
        c for c, role in pilot_roles["pilot_b"] if role == "pilot"
    }
    if not shared:
        fail("the two demo pilots hold no `pilot` membership in a common convention")
    convention = sorted(shared)[0]
    if (convention, "viewer") not in pilot_roles["viewer"]:
        fail("the demo viewer is not a viewer of the demo convention")
    partners = {name: me[name].get("partner_id") for name in ("pilot_a", "pilot_b")}
    if None in partners.values() or partners["pilot_a"] == partners["pilot_b"]:
        fail(f"the demo pilots must belong to two different organisations, not {partners}")
    for name, partner in partners.items():
        piloted = api.get(tokens["admin"], f"/conventions/{convention}/actions", pilot=partner, limit="1")
        if piloted["total"] == 0:
            fail(f"{name}'s organisation pilots no action of the demo convention")
        log(f"{name}: {me[name]['email']} pilots {piloted['total']} action(s)")
    return tokens, convention


def outsider(api: Api, admin: str) -> str:
    """Creates a user who coordinates another convention and nothing else; returns their token."""
    password = "outsider " + secrets.token_urlsafe(24)
    email = "outsider@fuzz.ctg.invalid"
    user = api.post(admin, "/users", {"email": email, "display_name": "Hors convention", "password": password})
    convention = api.post(
        admin,
        "/conventions",
        {"name": "Convention hors démo", "territory": "Ailleurs", "start_year": 2024, "end_year": 2026},
    )
    api.post(admin, f"/conventions/{convention['id']}/memberships", {"user_id": user["id"], "role": "coordinator"})
    return api.login(email, password)


# The resource behind each path's `{id}`, by the path's first segment after /api/v1.
RESOURCES = [
    "conventions", "axes", "objectives", "actions", "indicators", "measurements",
    "notes", "committees", "memberships", "partners", "users",
]
# How often a path's `{id}` is a real object rather than a generated one. Without real ids,
# nearly every operation on one object answers 404, so its logic and the peer's replay (the
# object-level authorization check) never run; with only real ids, unknown ids go untried.
REAL_ID_PROBABILITY = 0.7


def known_ids(api: Api, admin: str, convention: str) -> dict[str, list[str]]:
    """Real ids of each resource of the demo convention, read as the admin before the run.

    The demo holds no notes, so one is written (by the admin) for the note operations to find.
    """
    def ids(path: str, **params: str) -> list[str]:
        return [item["id"] for item in api.get(admin, path, limit="200", **params)["items"]]

    actions = ids(f"/conventions/{convention}/actions")
    indicators = ids(f"/conventions/{convention}/indicators")
    measurements = [m for i in indicators for m in ids(f"/indicators/{i}/measurements")]
    note = api.post(admin, f"/actions/{actions[0]}/notes", {"date": "2024-06-14", "text": "Point d'étape du fuzzing"})
    axes = ids(f"/conventions/{convention}/axes")
    found = {
        "conventions": [convention],
        "axes": axes,
        "objectives": ids(f"/axes/{axes[0]}/objectives"),
        # All of them, so that each pilot's own fiches are among them.
        "actions": actions,
        "indicators": indicators,
        "measurements": measurements,
        "notes": [note["id"]],
        "committees": ids(f"/conventions/{convention}/committees"),
        "memberships": ids(f"/conventions/{convention}/memberships"),
        "partners": ids("/partners"),
        "users": ids("/users"),
    }
    empty = [name for name in RESOURCES if not found[name]]
    if empty:
        fail(f"the demo convention has no {', '.join(empty)} to fuzz with")
    return found


def real_ids_config(ids: dict[str, list[str]]) -> str:
    """Schemathesis dictionaries of real ids, bound to the `{id}` of each resource's paths."""
    lines = ["\n# Real ids of the demo, written by scripts/fuzz/run.py for this run."]
    for name in RESOURCES:
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(sorted(set(ids[name])))}"]
    for name in RESOURCES:
        lines += [
            "[[operations]]",
            f'include-path-regex = "^/api/v1/{name}/\\\\{{id\\\\}}"',
            f'parameters = {{ "path.id" = {{ dictionary = "{name}", probability = {REAL_ID_PROBABILITY} }} }}',
        ]
    return "\n".join(lines) + "\n"


def write_config(directory: Path, tokens: dict[str, str], user: str, ids: dict[str, list[str]]) -> Path:
    """A Web Fuzzing Commons auth document (the tokens: readable by us only) and the config.

    Tokens signed in beforehand rather than a login endpoint for Schemathesis to call: fuzzing
    POST /auth/login soon locks 127.0.0.1 out (20 failures, then 429 for 15 minutes), and a
    token outlives a run (15 minutes).
    """
    wfc = directory / "auth.json"
    document = {
        "auth": [
            {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
            for name, token in tokens.items()
        ]
    }
    fd = os.open(wfc, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(document, file)
    config = directory / "schemathesis.toml"
    template = (Path(__file__).parent / "schemathesis.toml").read_text()
    config.write_text(
        template
        + "\n# Written by scripts/fuzz/run.py for this run.\n[auth.wfc]\n"
        + f"path = {json.dumps(str(wfc))}\nuser = {json.dumps(user)}\n"
        + ("" if user == "admin" else f"peers = {json.dumps([user, OUTSIDER])}\n")
        + real_ids_config(ids)
    )
    return config


SUMMARY = re.compile(r"^=+ (.*) in ([0-9.]+)s =+$")
CASES = re.compile(r"^\s*(\d+) generated")


def run_identity(cluster: Cluster, name: str, out: Path) -> dict:
    directory = out / name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    database = cluster.fresh_database(f"fuzz_{name}")
    server = Server(os.environ["CTG_FUZZ_CTG"], database, directory / "server.log")
    try:
        server.wait_ready()
        api = Api(server.base)
        tokens, convention = identities(api, server.demo_logins())
        ids = known_ids(api, tokens["admin"], convention)
        config = write_config(directory, tokens, name, ids)
        command = [
            os.environ["CTG_FUZZ_ST"],
            "--config-file",
            str(config),
            "run",
            str(SCHEMA),
            "--url",
            server.base,
            "--phases",
            os.environ.get("CTG_FUZZ_PHASES", PHASES),
            "--checks",
            "all",
            "--seed",
            os.environ.get("CTG_FUZZ_SEED", "20260"),
            "--max-examples",
            os.environ.get("CTG_FUZZ_MAX_EXAMPLES", "5"),
            # Sequential, so that the same seed sends the same requests in the same order.
            "--workers",
            "1",
            # No example database carried between runs: a run depends on the seed alone.
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
            "--no-color",
            "--report",
            "junit,ndjson",
            "--report-junit-path",
            str(directory / "junit.xml"),
            "--report-ndjson-path",
            str(directory / "events.ndjson"),
        ]
        log(f"{name}: st run against {server.base} (seed {command[command.index('--seed') + 1]})")
        started = time.monotonic()
        st_log = directory / "st.log"
        with open(st_log, "w") as file:
            process = subprocess.Popen(
                command, cwd=directory, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert process.stdout is not None
            for line in process.stdout:
                file.write(line)
                sys.stdout.write(line)
            returncode = process.wait()
        elapsed = time.monotonic() - started
    finally:
        server.stop()
        # The tokens are dead with the database, but need not outlive the run either.
        (directory / "auth.json").unlink(missing_ok=True)
    summary, cases = "", ""
    for line in st_log.read_text().splitlines():
        if match := SUMMARY.match(line):
            summary = match.group(1)
        if match := CASES.match(line):
            cases = match.group(1)
    return {"name": name, "rc": returncode, "seconds": elapsed, "summary": summary, "cases": cases}


def main() -> None:
    # A CI timeout or Ctrl-C stops the server of the run under way (the `finally` above) too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster = Cluster(os.environ["CTG_FUZZ_PG_URL"])
    out = Path(os.environ.get("CTG_FUZZ_OUT", ROOT / "target" / "fuzz-report"))
    out.mkdir(parents=True, exist_ok=True)
    selected = os.environ.get("CTG_FUZZ_IDENTITIES", "")
    names = [n for n in ORDER if not selected or n in selected.split(",")]
    unknown = set(filter(None, selected.split(","))) - set(ORDER)
    if unknown:
        fail(f"unknown identities in CTG_FUZZ_IDENTITIES: {sorted(unknown)} (known: {ORDER})")
    results = [run_identity(cluster, name, out) for name in names]
    print()
    print("fuzz-contract: results per identity (reports under", out, ")")
    for r in results:
        status = "ok" if r["rc"] == 0 else f"FAILED (st exit {r['rc']})"
        print(f"  {r['name']:<8} {status:<22} {r['cases'] or '?'} cases  {r['seconds']:.0f} s  [{r['summary']}]")
    if any(r["rc"] != 0 for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
