/** commands.ts and package.json: the palette commands and the server commands they send. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import {
  cannotRun,
  commandsForClient,
  executeParams,
  missingServerCommands,
  PALETTE_COMMANDS,
  SERVER_COMMANDS,
  targetUri,
} from "../src/commands";
import { EXTENSION_DIR, packageJson } from "./helpers";

interface Contributes {
  commands: { command: string; title: string; category: string }[];
  menus: Record<string, { command: string; when?: string }[]>;
}

describe("palette commands", () => {
  const pkg = packageJson();
  const contributes = pkg.contributes as Contributes;

  it("package.json contributes exactly the commands the extension registers", () => {
    assert.deepEqual(
      contributes.commands.map((c) => [c.command, c.title, c.category]),
      PALETTE_COMMANDS.map((c) => [c.id, c.title, "PIE"]),
    );
    const titles = PALETTE_COMMANDS.map((c) => c.title);
    for (const wanted of ["Optimize program", "Check speedup vs HEAD", "Save speedup baseline", "Show log"]) {
      assert.ok(titles.includes(wanted), wanted);
    }
  });

  it("uses one namespace, the settings' (pie.), and the server's own IDs for server commands", () => {
    for (const command of PALETTE_COMMANDS) {
      assert.ok(command.id.startsWith("pie."), command.id);
      assert.ok(command.server === undefined || command.server === command.id, command.id);
    }
    assert.ok(SERVER_COMMANDS.includes("pie.optimize") && SERVER_COMMANDS.includes("pie.checkSpeedup"));
    // vscode-languageclient registers the rest; registering an ID twice would fail its start
    assert.deepEqual(commandsForClient(["pie.optimize", "pie.applyResult", "pie.saveBaseline", "pie.future"]), [
      "pie.applyResult",
      "pie.future",
    ]);
    const settings = (pkg.contributes as { configuration: { properties: Record<string, unknown> }[] }).configuration;
    for (const group of settings) {
      for (const key of Object.keys(group.properties)) {
        assert.ok(key.startsWith("pie."), key);
      }
    }
  });

  it("shows the document commands in the palette only for C++ files", () => {
    const palette = contributes.menus.commandPalette;
    for (const command of PALETTE_COMMANDS.filter((c) => c.server !== undefined)) {
      const entry = palette.find((m) => m.command === command.id);
      assert.equal(entry?.when, "editorLangId == cpp", command.id);
    }
  });

  it("activates on C++ files and ships its entry point", () => {
    assert.deepEqual(pkg.activationEvents, ["onLanguage:cpp"]);
    // one esbuild bundle, made by `vscode:prepublish` so a plain `vsce package` is never stale
    assert.equal(pkg.main, "./dist/extension.js");
    const scripts = pkg.scripts as Record<string, string>;
    assert.equal(scripts["vscode:prepublish"], "npm run bundle");
    assert.match(scripts.bundle, /^esbuild src\/extension\.ts --bundle --outfile=dist\/extension\.js --external:vscode /);
    assert.ok(!(pkg.categories as string[]).includes("Linters"));
    const source = readFileSync(path.join(EXTENSION_DIR, "src", "extension.ts"), "utf8");
    assert.match(source, /export async function activate/);
    // only the untested glue may import vscode (also enforced by the lint configuration)
    for (const module of ["settings", "serverCommand", "commands", "messages", "status"]) {
      const text = readFileSync(path.join(EXTENSION_DIR, "src", `${module}.ts`), "utf8");
      assert.doesNotMatch(text, /from "vscode(-languageclient)?[/"]/, module);
    }
  });

  it("refuses to run in untrusted workspaces (it compiles and runs code)", () => {
    const capabilities = pkg.capabilities as { untrustedWorkspaces: { supported: boolean } };
    assert.equal(capabilities.untrustedWorkspaces.supported, false);
  });
});

describe("executeParams", () => {
  it("sends the server command with the document URI first", () => {
    const optimize = PALETTE_COMMANDS.find((c) => c.id === "pie.optimize");
    assert.ok(optimize);
    assert.deepEqual(executeParams(optimize, "file:///w/slow.cpp"), {
      command: "pie.optimize",
      arguments: ["file:///w/slow.cpp"],
    });
    const check = PALETTE_COMMANDS.find((c) => c.id === "pie.checkSpeedup");
    assert.equal(check && executeParams(check, "file:///a.cpp").command, "pie.checkSpeedup");
  });

  it("passes a lens's or code action's arguments on as the server made them", () => {
    const optimize = PALETTE_COMMANDS.find((c) => c.id === "pie.optimize");
    assert.ok(optimize);
    assert.equal(targetUri(["file:///w/b.cpp", { range: 1 }]), "file:///w/b.cpp");
    assert.equal(targetUri([]), undefined);
    assert.equal(targetUri(["not a uri"]), undefined);
    assert.deepEqual(executeParams(optimize, "file:///w/b.cpp", ["file:///w/b.cpp", 7]).arguments, ["file:///w/b.cpp", 7]);
    assert.deepEqual(executeParams(optimize, "file:///w/a.cpp", []).arguments, ["file:///w/a.cpp"]);
  });

  it("refuses a client-side command", () => {
    const log = PALETTE_COMMANDS.find((c) => c.id === "pie.showLog");
    assert.ok(log);
    assert.throws(() => executeParams(log, "file:///a.cpp"), /not a server command/);
  });
});

describe("cannotRun", () => {
  it("needs an open, saved C++ file and says which is missing", () => {
    assert.match(cannotRun(undefined) ?? "", /Open a C\+\+ file/);
    assert.match(cannotRun({ languageId: "python", uri: "file:///a.py", isUntitled: false }) ?? "", /active file is python/);
    assert.match(cannotRun({ languageId: "cpp", uri: "untitled:Untitled-1", isUntitled: true }) ?? "", /Save the program/);
    assert.equal(cannotRun({ languageId: "cpp", uri: "file:///w/a.cpp", isUntitled: false }), undefined);
  });
});

describe("missingServerCommands", () => {
  it("lists the commands an older server does not offer", () => {
    assert.deepEqual(
      missingServerCommands(["pie.optimize", "pie.applyResult"]),
      SERVER_COMMANDS.filter((c) => c !== "pie.optimize"),
    );
    assert.deepEqual(missingServerCommands(undefined), [...SERVER_COMMANDS]);
    assert.deepEqual(missingServerCommands([...SERVER_COMMANDS, "pie.applyResult"]), []);
  });
});
