#!/usr/bin/env bash
# Runs Edge's whole test suite on a fresh Debian machine with Rust: installs what the tests
# need, checks formatting and lints, then runs every test (including the bounded-memory echo
# test, which is ignored by plain `cargo test`). Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# A fresh clone gains nothing from incremental compilation, which roughly doubles the size of
# the target directory; CI machines have had little disk to spare.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi

# What the tests need beyond the Rust toolchain is installed here, so that a fresh machine
# needs no manual step: Node and npm (the npm fixtures, and Node as a second implementation
# to check interoperability against), then the fixtures themselves.
step "npm fixtures (deploy/tests/fixtures/npm)"
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
(cd deploy/tests/fixtures/npm && npm ci --no-audit --no-fund --silent)

step "Miniflare (Cloudflare's simulator, the real workerd: the bindings' reference)"
(cd deploy/tests/fixtures/miniflare && npm ci --no-audit --no-fund --silent)

step "cargo-lambda (the Lambda emulator the adapter is tested behind, from PyPI)"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3 python3-venv >/dev/null
fi
TOOLS="${CARGO_TARGET_DIR:-$PWD/target}/tools"
if [ ! -x "$TOOLS/cargo-lambda/bin/cargo-lambda" ]; then
  python3 -m venv "$TOOLS/cargo-lambda"
  # --no-deps: the emulator needs nothing else (its ziglang dependency is for cross builds).
  "$TOOLS/cargo-lambda/bin/pip" install -q --no-deps cargo-lambda==1.9.2
fi
export EDGE_CARGO_LAMBDA="$TOOLS/cargo-lambda/bin/cargo-lambda"

step "umoci (unpacks the Cloud Run image in its test)"
if ! command -v umoci >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq umoci >/dev/null
fi

step "PostgreSQL (the fleet's shared store in deploy/tests/fleet.rs; the tests start their own server)"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi

step "Redis (deploy/tests/databases.rs starts its own server)"
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi

step "systemd-analyze (checks the self-hosted node's systemd unit)"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq systemd >/dev/null
fi

step "python3-websockets and chromium (WebSocket clients: deploy/tests/websockets.rs, chat_browser.rs)"
if ! /usr/bin/python3 -c 'import websockets' >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3-websockets >/dev/null
fi
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "bounded-memory echo (1 GiB through examples/echo)"
cargo test --locked -p edge-cli --test echo_memory -- --ignored --nocapture

step "WPT conformance (needs a checkout: WPT_ROOT=/path/to/wpt; without one the runner says so)"
cargo run --locked -q -p edge-conformance -- wpt --root "${WPT_ROOT:-/nonexistent-wpt-checkout}" \
  url encoding streams dom FileAPI compression hr-time html urlpattern console WebCryptoAPI wasm

step "Node's own tests (needs a checkout: NODE_TEST_ROOT=/path/to/node; without one the runner says so)"
cargo run --locked -q -p edge-conformance -- node --root "${NODE_TEST_ROOT:-/nonexistent-node-checkout}"
