/**
 * How the extension starts the language server, and how it finds out that it cannot.
 *
 * Order: `pie.serverPath` (a pie-lsp executable) > `pie.interpreter` (a Python that has
 * pie-lsp: `python -m pie_lsp serve`) > the interpreter chosen in the Python extension, when
 * it is installed (as Microsoft's python-tools extension template does) > `pie-lsp` on PATH. Before starting the server the
 * extension runs the same command with `--version` so that a wrong path or a Python without
 * pie-lsp gives one clear message with the fix, not a server that crashes five times.
 *
 * No `vscode` import here: this module is unit-tested under plain Node.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";

export interface ServerCommand {
  command: string;
  args: string[];
  /** What chose it, for messages: a setting, the Python extension's interpreter, or PATH. */
  source: "pie.serverPath" | "pie.interpreter" | "Python extension" | "PATH";
}

export interface ResolveOptions {
  serverPath?: string | null;
  interpreter?: string | null;
  workspaceFolder?: string;
  /** The interpreter selected in the Python extension (ms-python.python), if any. */
  pythonExtension?: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/** A failure to find or start the server, with what the user should do. */
export class ServerUnavailable extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly details = "",
  ) {
    super(message);
    this.name = "ServerUnavailable";
  }
}

export const INSTALL_HINT =
  "Install pie-lsp into a Python environment (`bash scripts/setup.sh` in its repository, or " +
  "`pip install /path/to/pie-lsp`), then set pie.interpreter to that environment's python, " +
  "or put pie-lsp on PATH.";

/** Expands `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a configured path. */
export function expandPath(
  value: string,
  options: { home?: string; workspaceFolder?: string; env: NodeJS.ProcessEnv },
): string {
  const home = options.home ?? homedir();
  let out = value.trim();
  if (out === "~" || out.startsWith("~/")) {
    out = home + out.slice(1);
  }
  out = out.replace(/\$\{userHome\}/g, home);
  out = out.replace(/\$\{env:([^}]+)\}/g, (_, name: string) => options.env[name] ?? "");
  if (out.includes("${workspaceFolder}")) {
    if (options.workspaceFolder === undefined) {
      throw new ServerUnavailable(
        `"${value}" uses \${workspaceFolder}, but no folder is open`,
        "Open the folder, or use an absolute path in the setting.",
      );
    }
    out = out.replace(/\$\{workspaceFolder\}/g, options.workspaceFolder);
  }
  return out;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) {
      return false;
    }
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on PATH that is an executable file (PATHEXT is tried on Windows). */
export function findOnPath(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  isExecutable: (file: string) => boolean = isExecutableFile,
): string | undefined {
  const pathVar = env.PATH ?? env.Path ?? "";
  const separator = platform === "win32" ? ";" : ":";
  const suffixes =
    platform === "win32" ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const dir of pathVar.split(separator)) {
    if (dir === "") {
      continue; // an empty PATH entry would mean the current directory: never trust that
    }
    for (const suffix of suffixes) {
      const candidate = path.join(dir, name + suffix);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The command that starts `pie-lsp serve`, or ServerUnavailable saying what to set. */
export function resolveServerCommand(
  options: ResolveOptions,
  isExecutable: (file: string) => boolean = isExecutableFile,
): ServerCommand {
  const platform = options.platform ?? process.platform;
  const expand = (value: string): string =>
    expandPath(value, { home: options.home, workspaceFolder: options.workspaceFolder, env: options.env });
  const configured = (value: string | null | undefined): string | undefined => {
    if (value === undefined || value === null || value.trim() === "") {
      return undefined;
    }
    const expanded = expand(value);
    // `.venv/bin/python` in workspace settings means the workspace's .venv
    const relative = /[/\\]/.test(expanded) && !path.isAbsolute(expanded);
    return relative && options.workspaceFolder !== undefined
      ? path.resolve(options.workspaceFolder, expanded)
      : expanded;
  };

  const serverPath = configured(options.serverPath);
  if (serverPath !== undefined) {
    const found = locate(serverPath, options.env, platform, isExecutable);
    if (found === undefined) {
      throw new ServerUnavailable(
        `pie.serverPath is "${options.serverPath}", which is not an executable file`,
        "Point pie.serverPath at the pie-lsp executable (e.g. .venv/bin/pie-lsp), or clear it.",
      );
    }
    return { command: found, args: ["serve"], source: "pie.serverPath" };
  }
  const interpreter = configured(options.interpreter);
  if (interpreter !== undefined) {
    const found = locate(interpreter, options.env, platform, isExecutable);
    if (found === undefined) {
      throw new ServerUnavailable(
        `pie.interpreter is "${options.interpreter}", which is not an executable file`,
        "Point pie.interpreter at a Python interpreter (e.g. .venv/bin/python), or clear it.",
      );
    }
    return { command: found, args: ["-m", "pie_lsp", "serve"], source: "pie.interpreter" };
  }
  const selected = options.pythonExtension;
  if (selected !== undefined && selected !== "" && isExecutable(selected)) {
    return { command: selected, args: ["-m", "pie_lsp", "serve"], source: "Python extension" };
  }
  const onPath = findOnPath("pie-lsp", options.env, platform, isExecutable);
  if (onPath === undefined) {
    throw new ServerUnavailable("pie-lsp was not found on PATH", INSTALL_HINT);
  }
  return { command: onPath, args: ["serve"], source: "PATH" };
}

/** A path as given (absolute or relative to nothing: bare names are looked up on PATH). */
function locate(
  value: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  isExecutable: (file: string) => boolean,
): string | undefined {
  if (value.includes("/") || value.includes("\\")) {
    return isExecutable(value) ? value : undefined;
  }
  return findOnPath(value, env, platform, isExecutable);
}

/** The `--version` run that proves the command starts pie-lsp. */
export function probeArgs(server: ServerCommand): string[] {
  return [...server.args.slice(0, -1), "--version"];
}

export type Runner = (
  command: string,
  args: string[],
  options: { timeoutMs: number; env: NodeJS.ProcessEnv },
) => Promise<{ code: number | null; stdout: string; stderr: string; error?: string }>;

/** Runs a command with a time limit; never rejects. */
export const runCommand: Runner = (command, args, options) =>
  new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: options.timeoutMs, env: options.env, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr),
          error: error === null ? undefined : error.killed ? "timed out" : error.message,
        });
      },
    );
  });

/**
 * Runs `<server> --version`; resolves to the version line ("pie-lsp 0.1.0"), or rejects with
 * ServerUnavailable naming the setting to fix and the tool's own error output.
 */
export async function probeServer(
  server: ServerCommand,
  env: NodeJS.ProcessEnv,
  run: Runner = runCommand,
  timeoutMs = 30_000,
): Promise<string> {
  const result = await run(server.command, probeArgs(server), { timeoutMs, env });
  const output = `${result.stdout}\n${result.stderr}`.trim();
  const version = /pie-lsp \S+/.exec(result.stdout);
  if (result.code === 0 && version !== null) {
    return version[0];
  }
  const shown = [server.command, ...probeArgs(server)].join(" ");
  const lastLine = output.split("\n").filter((line) => line.trim() !== "").pop() ?? "";
  if (server.source !== "PATH" && /No module named '?pie_lsp/.test(output)) {
    const whose = server.source === "Python extension" ? "the Python extension's interpreter" : "the Python of pie.interpreter";
    throw new ServerUnavailable(
      `pie-lsp is not installed in ${whose} (${server.command})`,
      `Run \`${server.command} -m pip install /path/to/pie-lsp\`, or point pie.interpreter at the ` +
        "environment that has it.",
      output,
    );
  }
  const why =
    result.error === "timed out"
      ? `timed out after ${timeoutMs / 1000} s`
      : lastLine || (result.error ?? "");
  throw new ServerUnavailable(
    `\`${shown}\` failed (from ${server.source})${why ? `: ${why}` : ""}`,
    server.source === "PATH"
      ? INSTALL_HINT
      : server.source === "Python extension"
        ? "Choose an environment with pie-lsp (Python: Select Interpreter), or set pie.interpreter."
        : `Check ${server.source}, or clear it to use pie-lsp from PATH.`,
    output,
  );
}

/**
 * In a remote window (code-server, SSH, WSL, a container) VS Code reads machine settings such as
 * pie.interpreter from the remote's settings, and ignores them in the user settings: the hint
 * that says where to put them. Undefined in a local window.
 */
export function remoteHint(remoteName: string | undefined): string | undefined {
  if (remoteName === undefined || remoteName === "") {
    return undefined;
  }
  return (
    `This is a remote window (${remoteName}): set pie.interpreter or pie.serverPath in the ` +
    "Remote settings (Preferences: Open Remote Settings) or the workspace settings, with a " +
    "path on the remote machine; the user settings' values are not used there."
  );
}
