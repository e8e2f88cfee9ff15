#!/usr/bin/env python3
"""Times sign-ins against a running ctg: `bench/login.py URL EMAIL PASSWORD [N]`.

Sequential on purpose: it measures what one person waits for (argon2id with the contract's
parameters dominates), not the server's throughput.
"""
import json
import statistics
import sys
import time
import urllib.request


def login(url: str, email: str, password: str) -> float:
    body = json.dumps({"email": email, "password": password}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/auth/login", data=body, headers={"content-type": "application/json"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, response.status
        response.read()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    url, email, password = sys.argv[1:4]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    login(url, email, password)  # warm-up
    times = sorted(login(url, email, password) for _ in range(count))
    print(
        f"login: n={count} mean={statistics.mean(times):.1f} ms "
        f"p50={times[len(times) // 2]:.1f} ms min={times[0]:.1f} ms max={times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
