#!/usr/bin/env bash
# README command 2 (and CI, through .ci/run): set everything up, then run every check:
# ruff, mypy, the Python test suite, and the editor clients' own tests.
# Fails on the first failing step; pytest's "no tests collected" (exit 5) fails it too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PIE_VENV:-$ROOT/.venv}"
cd "$ROOT"
# The real-gem5 tests use $PIE_GEM5, else a gem5 build shared beside the clone (as in CI).
if [ -z "${PIE_GEM5:-}" ] && [ -x "$ROOT/../shared/gem5/gem5.fast" ]; then
    PIE_GEM5="$(cd "$ROOT/../shared/gem5" && pwd)/gem5.fast"
    export PIE_GEM5
fi
scripts/setup.sh --dev
export PATH="$VENV/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
say "ruff"
ruff check .
ruff format --check pie_lsp tests benchmarks
say "mypy"
mypy
say "pytest"
pytest "$@"
if [ -x editors/vscode/test.sh ]; then
    say "VS Code extension"
    editors/vscode/test.sh
fi
