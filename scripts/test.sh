#!/usr/bin/env bash
# README command 2 (and CI, through .ci/run): set everything up, then run every check:
# ruff, mypy, the Python test suite, and the editor clients' own tests.
# Fails on the first failing step; pytest's "no tests collected" (exit 5) fails it too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PIE_VENV:-$ROOT/.venv}"
cd "$ROOT"
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
