#!/usr/bin/env bash
# Set up pie-lsp on a Debian/Ubuntu machine: install missing system packages with apt-get
# (as root, or through sudo), create a virtual environment, and install pie-lsp into it.
#
#   scripts/setup.sh          runtime: the package and what the default pipeline needs
#   scripts/setup.sh --dev    also the test tools (pytest, ruff, mypy, Neovim, Node.js, and a
#                             real VS Code: code-server with chromium, scripts/install_code_server.sh)
#
# Environment: PIE_VENV (default: .venv in the repository), PYTHON (default: python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${PIE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- system packages ------------------------------------------------------------------
need=()
command -v "$PYTHON" >/dev/null 2>&1 || need+=(python3)
"$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v git >/dev/null 2>&1 || need+=(git)
command -v prlimit >/dev/null 2>&1 || need+=(util-linux)
# the sandbox: a read-only file system for untrusted programs (without it, namespaces only)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
# static C and C++ runtimes for `-static` builds (what gem5 needs; the estimate is fitted on them)
if command -v g++ >/dev/null 2>&1; then
    [ -f "$(g++ -print-file-name=libstdc++.a)" ] || need+=(g++)
    [ -f "$(g++ -print-file-name=libc.a)" ] || need+=(libc6-dev)
fi
if [ "$DEV" = 1 ]; then
    command -v node >/dev/null 2>&1 || need+=(nodejs)
    command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ ${#need[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "missing: ${need[*]}; install them with your package manager and run this again" >&2
        exit 1
    fi
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
    say "installing system packages: ${need[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi

# --- Python environment -----------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
extra=""
if [ "$DEV" = 1 ]; then
    # The tests run the transformers backend on a tiny model: torch first, pinned, because an
    # unpinned torch (asked for by transformers) would pull a multi-GB CUDA build. 2.13.0 is
    # the CPU build that lies on this kind of machine (pip's find-links).
    if ! "$VENV/bin/python" -c 'import torch' >/dev/null 2>&1; then
        say "installing torch==2.13.0 (CPU) into $VENV"
        "$VENV/bin/python" -m pip install -q torch==2.13.0 2>&1 | { grep -v '^WARNING: Location' || true; } >&2
    fi
    extra="[dev,transformers,bench]"
fi
say "installing pie-lsp$extra into $VENV"
# pip's own progress goes to stderr; a failure still fails this script (pipefail)
"$VENV/bin/python" -m pip install -q -e "$ROOT$extra" 2>&1 | { grep -v '^WARNING: Location' || true; } >&2
if [ "$DEV" = 1 ]; then
    # a real VS Code for tests/editors/test_code_server.py (code-server, chromium)
    "$ROOT/scripts/install_code_server.sh" >/dev/null
fi
"$VENV/bin/pie-lsp" --version >&2
