/** Shared test helpers: the extension's package.json and temporary executables. */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** The extension folder (tests run from out/test/). */
export const EXTENSION_DIR = path.resolve(__dirname, "..", "..");

export function packageJson(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(EXTENSION_DIR, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "pie-vscode-test-"));
}

/** Writes an executable shell script `name` into `dir` and returns its path. */
export function script(dir: string, name: string, body: string, executable = true): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, executable ? 0o755 : 0o644);
  return file;
}
