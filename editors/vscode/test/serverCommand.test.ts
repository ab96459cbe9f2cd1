/** serverCommand.ts: which command starts the server, and the messages when none works. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import {
  expandPath,
  findOnPath,
  INSTALL_HINT,
  probeArgs,
  probeServer,
  remoteHint,
  resolveServerCommand,
  ServerUnavailable,
} from "../src/serverCommand";
import { script, tempDir } from "./helpers";

function unavailable(pattern: RegExp, hint?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ServerUnavailable, `not a ServerUnavailable: ${String(error)}`);
    assert.match(error.message, pattern);
    if (hint !== undefined) {
      assert.match(error.hint, hint);
    }
    return true;
  };
}

describe("resolveServerCommand", () => {
  const dir = tempDir();
  const bin = path.join(dir, "bin");
  const pieLsp = script(dir, "pie-lsp", "echo pie-lsp 0.1.0");
  const python = script(dir, "python", "exit 0");
  script(dir, "not-executable", "exit 0", false);

  it("pie.serverPath wins over pie.interpreter and PATH", () => {
    const server = resolveServerCommand({ serverPath: pieLsp, interpreter: python, env: { PATH: dir } });
    assert.deepEqual(server, { command: pieLsp, args: ["serve"], source: "pie.serverPath" });
  });

  it("pie.interpreter runs the server as a module of that Python", () => {
    const server = resolveServerCommand({ interpreter: python, serverPath: "  ", env: { PATH: "" } });
    assert.deepEqual(server, { command: python, args: ["-m", "pie_lsp", "serve"], source: "pie.interpreter" });
    assert.deepEqual(probeArgs(server), ["-m", "pie_lsp", "--version"]);
  });

  it("uses the Python extension's interpreter after the settings and before PATH", () => {
    const server = resolveServerCommand({ pythonExtension: python, env: { PATH: dir } });
    assert.deepEqual(server, { command: python, args: ["-m", "pie_lsp", "serve"], source: "Python extension" });
    const set = resolveServerCommand({ interpreter: pieLsp, pythonExtension: python, env: { PATH: dir } });
    assert.equal(set.source, "pie.interpreter");
    // a selected interpreter that is gone: PATH
    const gone = resolveServerCommand({ pythonExtension: path.join(dir, "nope"), env: { PATH: dir } });
    assert.equal(gone.source, "PATH");
  });

  it("says where a remote window reads the interpreter setting from", () => {
    assert.equal(remoteHint(undefined), undefined);
    assert.match(remoteHint("ssh-remote") ?? "", /remote window \(ssh-remote\).*Open Remote Settings.*user settings/);
  });

  it("falls back to pie-lsp on PATH, skipping empty PATH entries", () => {
    const server = resolveServerCommand({ env: { PATH: `::${bin}:${dir}` } });
    assert.deepEqual(server, { command: pieLsp, args: ["serve"], source: "PATH" });
    assert.deepEqual(probeArgs(server), ["--version"]);
  });

  it("says how to install when nothing is configured and PATH has no pie-lsp", () => {
    assert.throws(
      () => resolveServerCommand({ serverPath: null, interpreter: null, env: { PATH: bin } }),
      unavailable(/pie-lsp was not found on PATH/, /pip install \/path\/to\/pie-lsp.*pie\.interpreter/),
    );
    assert.match(INSTALL_HINT, /pie\.interpreter/);
  });

  it("names the setting that points at something unusable", () => {
    assert.throws(
      () => resolveServerCommand({ serverPath: path.join(dir, "missing"), env: { PATH: dir } }),
      unavailable(/pie\.serverPath is ".*missing", which is not an executable file/, /pie\.serverPath/),
    );
    assert.throws(
      () => resolveServerCommand({ interpreter: path.join(dir, "not-executable"), env: { PATH: dir } }),
      unavailable(/pie\.interpreter is .*not an executable file/, /Python interpreter/),
    );
    // a directory is not an interpreter either
    assert.throws(() => resolveServerCommand({ interpreter: dir, env: {} }), ServerUnavailable);
  });

  it("looks a bare interpreter name up on PATH", () => {
    const server = resolveServerCommand({ interpreter: "python", env: { PATH: dir } });
    assert.equal(server.command, python);
  });

  it("resolves relative paths against the workspace folder and expands variables", () => {
    const workspace = path.dirname(dir);
    const relative = path.join(path.basename(dir), "python");
    const server = resolveServerCommand({ interpreter: relative, workspaceFolder: workspace, env: {} });
    assert.equal(server.command, python);
    const viaVariable = resolveServerCommand({
      serverPath: "${workspaceFolder}/" + path.basename(dir) + "/pie-lsp",
      workspaceFolder: workspace,
      env: {},
    });
    assert.equal(viaVariable.command, pieLsp);
    const viaEnv = resolveServerCommand({ interpreter: "${env:PIE_TEST_DIR}/python", env: { PIE_TEST_DIR: dir } });
    assert.equal(viaEnv.command, python);
  });

  it("finds pie-lsp.exe through PATHEXT on Windows", () => {
    const seen: string[] = [];
    const found = findOnPath("pie-lsp", { Path: "C:\\a;C:\\b", PATHEXT: ".COM;.EXE" }, "win32", (file) => {
      seen.push(file);
      return file.endsWith(path.join("C:\\b", "pie-lsp.EXE"));
    });
    assert.equal(found, path.join("C:\\b", "pie-lsp.EXE"));
    assert.ok(seen.length >= 4);
  });
});

describe("expandPath", () => {
  it("expands ~, ${userHome} and ${env:NAME}", () => {
    const options = { home: "/home/u", env: { VENV: "/opt/venv" } };
    assert.equal(expandPath("~/venv/bin/python", options), "/home/u/venv/bin/python");
    assert.equal(expandPath("${userHome}/x", options), "/home/u/x");
    assert.equal(expandPath("${env:VENV}/bin/python", options), "/opt/venv/bin/python");
    assert.equal(expandPath("${env:UNSET}/python", options), "/python");
    assert.equal(expandPath("/a~b", options), "/a~b");
  });

  it("refuses ${workspaceFolder} without an open folder, saying so", () => {
    assert.throws(
      () => expandPath("${workspaceFolder}/.venv/bin/python", { env: {} }),
      unavailable(/no folder is open/),
    );
  });
});

describe("probeServer (runs real processes)", () => {
  const dir = tempDir();

  it("returns the version when the command is pie-lsp", async () => {
    const exe = script(dir, "good", 'if [ "$1" = --version ]; then echo "pie-lsp 0.1.0"; exit 0; fi; exit 3');
    assert.equal(await probeServer({ command: exe, args: ["serve"], source: "PATH" }, process.env), "pie-lsp 0.1.0");
  });

  it("explains a Python without pie-lsp, with the pip command for that Python", async () => {
    const exe = script(dir, "python", `echo "$0: No module named pie_lsp" >&2; exit 1`);
    await assert.rejects(
      probeServer({ command: exe, args: ["-m", "pie_lsp", "serve"], source: "pie.interpreter" }, process.env),
      unavailable(/not installed in the Python of pie\.interpreter/, new RegExp(`${exe} -m pip install /path/to/pie-lsp`)),
    );
  });

  it("reports another program's last error line and the setting it came from", async () => {
    const exe = script(dir, "other", 'echo "usage: other [-h]" >&2; echo "other: error: unknown flag" >&2; exit 2');
    await assert.rejects(
      probeServer({ command: exe, args: ["serve"], source: "pie.serverPath" }, process.env),
      unavailable(/other --version` failed \(from pie\.serverPath\): other: error: unknown flag/, /Check pie\.serverPath/),
    );
  });

  it("does not accept a command that succeeds without being pie-lsp", async () => {
    const exe = script(dir, "true-ish", "echo 1.2.3");
    await assert.rejects(probeServer({ command: exe, args: ["serve"], source: "PATH" }, process.env), ServerUnavailable);
  });

  it("gives up on a command that hangs, within the time limit", async () => {
    const exe = script(dir, "hangs", "exec sleep 30");
    const started = Date.now();
    await assert.rejects(
      probeServer({ command: exe, args: ["serve"], source: "pie.serverPath" }, process.env, undefined, 300),
      unavailable(/timed out after 0.3 s/),
    );
    assert.ok(Date.now() - started < 10_000);
  });

  it("reports a command that cannot be started at all", async () => {
    await assert.rejects(
      probeServer({ command: path.join(dir, "nope"), args: ["serve"], source: "PATH" }, process.env),
      unavailable(/nope --version` failed.*ENOENT/, /pip install \/path\/to\/pie-lsp/),
    );
  });

  // The real server: test.sh passes the repository's Python when it has pie-lsp installed.
  const realPython = process.env.PIE_PYTHON;
  it("accepts the real `python -m pie_lsp` (PIE_PYTHON)", { skip: realPython === undefined || !existsSync(realPython) ? "PIE_PYTHON is not set to a Python with pie-lsp" : false }, async () => {
    const server = resolveServerCommand({ interpreter: realPython, env: process.env });
    assert.match(await probeServer(server, process.env), /^pie-lsp \d+\.\d+/);
  });
});
