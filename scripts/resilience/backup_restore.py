#!/usr/bin/env python3
"""Backup and restore (issue 7, point 7): the procedure of docs/operations.md, end to end.

1. A database with the demo plan, a change made through the API, and a signed-in session.
2. `ctg export` of the convention -> A; `pg_dump -Fc` of the database.
3. A fresh database, `pg_restore` of the dump into it, `ctg export` from it -> B.
4. A and B must be identical byte for byte (the export has no generated timestamp), every table
   must hold as many rows as before, and a server on the restored database with the same
   CTG_JWT_SECRET must accept the session opened before the backup (access and refresh
   tokens) and the users' passwords. With another secret the access tokens in circulation are
   refused (401) but refresh tokens still work: the secret is the one thing to keep besides the
   database, and losing it costs at most a refresh.
"""

from __future__ import annotations

import os
import secrets
import subprocess

import harness as h

CHECK = "backup-restore"
SOURCE = "resilience_backup"
RESTORED = "resilience_restored"


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the cluster's major version when installed side by side (a client
    older than the server refuses to dump it)."""
    version = (h.pg_dir() / "data" / "PG_VERSION").read_text().strip()
    candidate = f"/usr/lib/postgresql/{version}/bin/{name}"
    return candidate if os.path.exists(candidate) else name


def run(command: list[str], url: str) -> None:
    out = subprocess.run(command, env=h.pg_env(url), capture_output=True, text=True)
    if out.returncode != 0:
        h.fail(f"`{' '.join(command)}` failed ({out.returncode}): {out.stderr.strip()[-2000:]}")


def row_counts(url: str) -> dict[str, int]:
    tables = [
        row[0]
        for row in h.psql(
            url,
            "SELECT quote_ident(table_name) FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
        )
    ]
    union = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)
    return {name: int(count) for name, count in h.psql(url, union)}


def check() -> None:
    source_url, convention_id = h.prepare_plan(SOURCE)
    secret = secrets.token_hex(32)

    # Some life beyond the import: a fiche created through the API, and an open session.
    server = h.Server(f"{CHECK}-source", source_url, {"CTG_JWT_SECRET": secret})
    try:
        login = h.request(server, "POST", "/api/v1/auth/login",
                          {"email": h.ADMIN_EMAIL, "password": h.ADMIN_PASSWORD})
        if login.status != 200:
            h.fail(f"login answered {login.status}")
        tokens = login.json()
        objective = h.psql(
            source_url,
            "SELECT o.id FROM objectives o JOIN axes a ON a.id = o.axis_id "
            f"WHERE a.convention_id = '{convention_id}' ORDER BY a.number, o.number LIMIT 1",
        )[0][0]
        created = h.request(server, "POST", f"/api/v1/objectives/{objective}/actions",
                            {"number": 999, "title": "Fiche créée avant la sauvegarde"},
                            tokens["access_token"])
        if created.status != 201:
            h.fail(f"creating a fiche answered {created.status}: {created.body[:300]!r}")
    finally:
        server.stop()

    h.WORK.mkdir(parents=True, exist_ok=True)
    export_a = h.run_ctg(["export", convention_id], {"DATABASE_URL": source_url})
    (h.WORK / "export-before-backup.json").write_text(export_a)
    dump = h.WORK / "backup.dump"
    run([pg_tool("pg_dump"), "--format=custom", "--file", str(dump)], source_url)
    counts_before = row_counts(source_url)

    restored_url = h.recreate_database(RESTORED)
    run([pg_tool("pg_restore"), "--exit-on-error", "--no-owner", "--dbname", RESTORED, str(dump)],
        restored_url)
    export_b = h.run_ctg(["export", convention_id], {"DATABASE_URL": restored_url})
    (h.WORK / "export-after-restore.json").write_text(export_b)
    counts_after = row_counts(restored_url)

    problems = []
    if export_a != export_b:
        problems.append(f"the exports differ: compare {h.WORK}/export-before-backup.json "
                        f"and {h.WORK}/export-after-restore.json")
    if "Fiche créée avant la sauvegarde" not in export_b:
        problems.append("the fiche created through the API is not in the restored export")
    differing = {t: (counts_before.get(t), counts_after.get(t))
                 for t in sorted(set(counts_before) | set(counts_after))
                 if counts_before.get(t) != counts_after.get(t)}
    if differing:
        problems.append(f"row counts differ (before, after): {differing}")

    # The restored service with the same secret: the session and the passwords still work.
    server = h.Server(f"{CHECK}-restored", restored_url, {"CTG_JWT_SECRET": secret})
    try:
        me = h.request(server, "GET", f"/api/v1/conventions/{convention_id}", token=tokens["access_token"])
        if me.status != 200:
            problems.append(f"the access token issued before the backup answered {me.status}")
        refreshed = h.request(server, "POST", "/api/v1/auth/refresh",
                              {"refresh_token": tokens["refresh_token"]})
        if refreshed.status != 200:
            problems.append(f"the refresh token issued before the backup answered {refreshed.status}")
        relogin = h.request(server, "POST", "/api/v1/auth/login",
                            {"email": h.ADMIN_EMAIL, "password": h.ADMIN_PASSWORD})
        if relogin.status != 200:
            problems.append(f"signing in on the restored database answered {relogin.status}")
    finally:
        server.stop()
    # ... and with another secret the access tokens in circulation are refused, while refresh
    # tokens (random, kept in the database) still open a new session.
    server = h.Server(f"{CHECK}-other-secret", restored_url)
    try:
        other = h.request(server, "GET", f"/api/v1/conventions/{convention_id}", token=tokens["access_token"])
        if other.status != 401:
            problems.append(f"with another CTG_JWT_SECRET the old access token answered {other.status}, not 401")
        if refreshed.status == 200:
            again = h.request(server, "POST", "/api/v1/auth/refresh",
                              {"refresh_token": refreshed.json()["refresh_token"]})
            if again.status != 200:
                problems.append(f"with another CTG_JWT_SECRET a refresh token answered {again.status}")
    finally:
        server.stop()

    h.log(CHECK, f"export {len(export_a.encode())} bytes before the backup, "
                 f"{len(export_b.encode())} after the restore: "
                 f"{'identical' if export_a == export_b else 'DIFFERENT'}; dump {dump.stat().st_size} bytes; "
                 f"{len(counts_after)} tables, {sum(counts_after.values())} rows, "
                 f"{len(differing)} table(s) with another count; the session survives with the same "
                 f"secret; with another, access token refused and refresh accepted")
    if problems:
        h.fail(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    h.main(CHECK, check)
