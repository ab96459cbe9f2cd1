#!/usr/bin/env bash
# README command 1: set everything up, then optimize a bundled example with the embedded
# rules backend and the deterministic Skylake estimate (prints the diff, per-test numbers
# and the speedup). Extra arguments go to `pie-lsp optimize`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
exec "${PIE_VENV:-$ROOT/.venv}/bin/pie-lsp" optimize "$ROOT/examples/prefix_sums/slow.cpp" "$@"
