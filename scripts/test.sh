#!/usr/bin/env bash
# Runs Edge's whole test suite on a fresh Debian machine with Rust: installs what the tests
# need, checks formatting and lints, then runs every test (including the bounded-memory echo
# test, which is ignored by plain `cargo test`). Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Nothing to install yet beyond the Rust toolchain: later suites (npm fixtures, databases)
# install their packages here, so that a fresh machine needs no manual step.

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
  url encoding streams dom FileAPI compression hr-time html urlpattern console WebCryptoAPI
