#!/usr/bin/env bash
# Sign-in time of the release build: starts ctg on its embedded PostgreSQL under
# target/bench-pg, creates a user, and times 20 sequential sign-ins.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release --quiet --bin ctg
export CTG_DATA_DIR=target/bench-pg CTG_JWT_SECRET=bench-secret-of-at-least-32-bytes-long
export CTG_BIND=127.0.0.1:${CTG_BENCH_PORT:-18090} CTG_LOG_FORMAT=text RUST_LOG=warn
export CTG_PASSWORD="cheval agrafe pile correcte"
email="bench-$(date +%s)@ctg.test"
./target/release/ctg user create --email "$email" --name "Bench" >/dev/null
./target/release/ctg serve >/dev/null &
server=$!
trap 'kill $server; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://$CTG_BIND/health/ready" >/dev/null && break; sleep 0.2; done
python3 bench/login.py "http://$CTG_BIND" "$email" "$CTG_PASSWORD" 20
