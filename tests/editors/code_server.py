"""A real VS Code for the tests: code-server (VS Code in a browser) with the extension's .vsix
installed, and Debian's chromium driven by Playwright.

Everything is the user's path: the .vsix that `vsce package` makes, installed with
`code-server --install-extension`, a copy of examples/ opened as the workspace, and the
interpreter set in the user-data-dir's `Machine/settings.json` (in code-server, as in any
remote window, machine settings are read there, not from the browser's user settings).
code-server runs on 127.0.0.1 without auth, with its own user-data, extensions and config
directories, so nothing of the user's is read or written. scripts/install_code_server.sh
(run by scripts/setup.sh --dev) installs code-server and chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from ..conftest import REPO

EXTENSION = REPO / "editors" / "vscode"
INSTALLER = REPO / "scripts" / "install_code_server.sh"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VERSION = "4.139.1"


def tools_dir() -> Path:
    """Where install_code_server.sh put code-server and its Node.js (the same rule)."""
    configured = os.environ.get("PIE_CODE_SERVER_DIR")
    candidates = [Path(configured)] if configured else []
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    candidates += [
        Path(f"/opt/pie-lsp/code-server-{VERSION}"),
        cache / "pie-lsp" / f"code-server-{VERSION}",
    ]
    for candidate in candidates:
        if (candidate / ".installed").is_file():
            return candidate
    raise RuntimeError(
        f"code-server {VERSION} is not installed (looked in {', '.join(map(str, candidates))}): "
        f"run scripts/setup.sh --dev (or {INSTALLER.relative_to(REPO)})"
    )


def node_bin(tools: Path) -> Path:
    (found,) = (tools / "node" / "node_modules").glob("node-linux-*/bin")
    return found


def tool_env(tools: Path, home: Path) -> dict[str, str]:
    """The environment of code-server and npm: Node 24 first on PATH, HOME kept apart."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VSCODE_", "ELECTRON_"))}
    env["PATH"] = f"{node_bin(tools)}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home)  # code-server writes ~/.config and ~/.local: not the user's
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    return env


def build_vsix(tools: Path, out: Path) -> Path:
    """`vsce package` (its vscode:prepublish bundles with esbuild), as a user builds it."""
    env = tool_env(tools, out / "npm-home")
    env["npm_config_cache"] = str(Path.home() / ".npm")  # the machine's npm cache: offline-fast
    if not (EXTENSION / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=EXTENSION,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    vsix = out / "pie-lsp.vsix"
    subprocess.run(
        ["npx", "vsce", "package", "--allow-missing-repository", "--out", str(vsix)],
        cwd=EXTENSION,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return vsix


class CodeServer:
    """One code-server process on 127.0.0.1 (a free port), started in its own process group
    so that stopping it stops its extension host and the pie-lsp server it started."""

    def __init__(self, root: Path, workspace: Path, vsix: Path, settings: dict[str, Any]) -> None:
        self.tools = tools_dir()
        self.root = root
        self.workspace = workspace
        self.user_data = root / "user-data"
        self.extensions = root / "extensions"
        self.config = root / "config.yaml"
        self.log = root / "code-server.log"
        self.env = tool_env(self.tools, root / "home")
        self.binary = self.tools / "code-server" / "node_modules" / ".bin" / "code-server"
        for folder in ("Machine", "User"):
            (self.user_data / folder).mkdir(parents=True, exist_ok=True)
            (self.user_data / folder / "settings.json").write_text(json.dumps(settings, indent=2))
        self.config.write_text("auth: none\ncert: false\n")
        self._install(vsix)
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def _common(self) -> list[str]:
        return [
            str(self.binary),
            "--user-data-dir",
            str(self.user_data),
            "--extensions-dir",
            str(self.extensions),
            "--config",
            str(self.config),
        ]

    def _install(self, vsix: Path) -> None:
        done = subprocess.run(
            [*self._common(), "--install-extension", str(vsix)],
            check=False,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0 or "was successfully installed" not in done.stdout:
            raise RuntimeError(f"installing {vsix} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> str:
        """Starts code-server; returns its URL once it listens (it prints the address)."""
        command = [
            *self._common(),
            "--bind-addr",
            "127.0.0.1:0",
            "--auth",
            "none",
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--disable-getting-started-override",
            "--reconnection-grace-time",
            "5",
            "--ignore-last-opened",
            str(self.workspace),
        ]
        log = self.log.open("w")
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: stopped whole, and only it
        )
        assert self.process.stdout is not None
        listening = re.compile(r"HTTP server listening on (http://127\.0\.0\.1:\d+)")
        for line in self.process.stdout:
            log.write(line)
            log.flush()
            found = listening.search(line)
            if found:
                self.url = found.group(1)
                break
        else:
            log.close()
            raise RuntimeError(f"code-server exited before listening; its log: {self.log}")
        # keep draining its output into the log, or it blocks on a full pipe
        threading.Thread(target=self._drain, args=(log,), daemon=True).start()
        return self.url

    def _drain(self, log: Any) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            log.write(line)
            log.flush()
        log.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def workspace_copy(root: Path) -> Path:
    """A copy of examples/ as a git repository (Check speedup compares with HEAD)."""
    folder = root / "workspace"
    shutil.copytree(REPO / "examples", folder, ignore=shutil.ignore_patterns("*.py"))
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "examples")
    return folder


def settings_for(root: Path) -> dict[str, Any]:
    """VS Code quiet (no welcome page, no tips) and pie-lsp from this venv, on the estimate."""
    return {
        "pie.interpreter": sys.executable,
        "pie.simulator.backend": "estimate",  # gem5 may be on the machine: never in these tests
        "pie.cache.dir": str(root / "pie-cache"),
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "security.workspace.trust.enabled": False,
        "extensions.ignoreRecommendations": True,
        "extensions.autoCheckUpdates": False,
        "update.mode": "none",
        "telemetry.telemetryLevel": "off",
        "git.enabled": False,
        "editor.codeLens": True,
        "editor.lightbulb.enabled": "on",
        "editor.hover.delay": 100,
        "files.autoSave": "off",
        "window.restoreWindows": "none",
        "chat.disableAIFeatures": True,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
    }
