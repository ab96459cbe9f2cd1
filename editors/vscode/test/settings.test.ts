/** settings.ts: what the extension sends the server for the user's `pie.*` settings. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  answerConfiguration,
  CLIENT_ONLY_KEYS,
  contributedKeys,
  explicitValue,
  needsRestart,
  sectionValue,
  serverKeys,
  serverSettings,
  type Inspected,
} from "../src/settings";
import { packageJson } from "./helpers";

/** An inspect() over VS Code's scopes: `values[scope][relativeKey]`. */
function inspector(values: {
  global?: Record<string, unknown>;
  workspace?: Record<string, unknown>;
  folder?: Record<string, unknown>;
}): (key: string) => Inspected {
  return (key) => ({
    defaultValue: "the default",
    globalValue: values.global?.[key],
    workspaceValue: values.workspace?.[key],
    workspaceFolderValue: values.folder?.[key],
  });
}

describe("explicitValue", () => {
  it("ignores the default: only values the user set count", () => {
    assert.equal(explicitValue({ defaultValue: 3 }), undefined);
    assert.equal(explicitValue(undefined), undefined);
  });

  it("prefers the most specific scope", () => {
    assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2 }), 2);
    assert.equal(explicitValue({ globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 }), 3);
    assert.equal(explicitValue({ workspaceValue: 2, workspaceFolderLanguageValue: 4 }), 4);
    // false and null are real choices, not "unset"
    assert.equal(explicitValue({ globalValue: true, workspaceValue: false }), false);
    assert.equal(explicitValue({ globalValue: "x", workspaceValue: null }), null);
  });
});

describe("serverSettings", () => {
  const keys = serverKeys(packageJson());

  it("sends nothing when nothing is set, so the workspace's .pie-lsp.toml still applies", () => {
    assert.deepEqual(serverSettings(keys, inspector({})), {});
  });

  it("nests dotted camelCase keys the way the server's settings tree does", () => {
    const tree = serverSettings(
      keys,
      inspector({
        global: { "model.backend": "openai", "model.openai.apiKeyEnv": "VLLM_KEY", jobs: 2 },
        workspace: { "model.openai.url": "http://gpu:8000/v1", "simulator.gem5.prefix": ["docker", "run"] },
        folder: { jobs: 1 },
      }),
    );
    assert.deepEqual(tree, {
      jobs: 1,
      model: { backend: "openai", openai: { apiKeyEnv: "VLLM_KEY", url: "http://gpu:8000/v1" } },
      simulator: { gem5: { prefix: ["docker", "run"] } },
    });
  });

  it("never sends client-only settings (the server rejects unknown keys)", () => {
    const everything = [...keys, ...CLIENT_ONLY_KEYS];
    const tree = serverSettings(everything, () => ({ globalValue: "/usr/bin/python3" }));
    assert.equal("interpreter" in tree, false);
    assert.equal("serverPath" in tree, false);
    assert.equal("trace" in tree, false);
    assert.equal(Object.keys(tree).length > 0, true);
  });

  it("copies values, so later edits of VS Code's objects cannot leak in", () => {
    const headers = { "X-Team": "perf" };
    const tree = serverSettings(keys, inspector({ global: { "model.openai.headers": headers } }));
    headers["X-Team"] = "changed";
    assert.deepEqual(tree, { model: { openai: { headers: { "X-Team": "perf" } } } });
  });

  it("maps every contributed server key to its own leaf", () => {
    const tree = serverSettings(keys, (key) => ({ globalValue: `value of ${key}` }));
    for (const key of keys) {
      const relative = key.slice("pie.".length);
      let node: unknown = tree;
      for (const part of relative.split(".")) {
        node = (node as Record<string, unknown>)[part];
      }
      assert.equal(node, `value of ${relative}`, key);
    }
  });
});

describe("package.json settings", () => {
  const pkg = packageJson();

  it("contributes every client-only setting, with a description and a default", () => {
    const contributed = contributedKeys(pkg);
    for (const key of CLIENT_ONLY_KEYS) {
      assert.ok(contributed.includes(key), `${key} is not in package.json`);
    }
    assert.deepEqual([...CLIENT_ONLY_KEYS].sort(), ["pie.interpreter", "pie.serverPath", "pie.trace.server"]);
  });

  it("gives every setting a type, a default and a description under pie.", () => {
    const groups = (pkg.contributes as { configuration: { properties: Record<string, Record<string, unknown>> }[] })
      .configuration;
    assert.ok(groups.length > 1);
    let count = 0;
    for (const group of groups) {
      for (const [key, prop] of Object.entries(group.properties)) {
        count += 1;
        assert.match(key, /^pie\.[a-z][A-Za-z0-9.]*$/);
        assert.ok("type" in prop && "default" in prop, `${key} lacks type or default`);
        assert.ok(typeof prop.description === "string" && prop.description.length > 10, key);
      }
    }
    assert.ok(count >= 40, `only ${count} settings contributed`);
    assert.ok(serverKeys(pkg).includes("pie.model.openai.apiKeyEnv"));
    assert.ok(serverKeys(pkg).includes("pie.simulator.gem5.path"));
  });
});

describe("workspace/configuration answers", () => {
  const tree = { model: { backend: "openai", openai: { url: "http://x/v1" } }, jobs: 2 };

  it("answers pie and its subsections from our tree, other sections from VS Code", () => {
    const seen: (string | undefined)[] = [];
    const answer = answerConfiguration(
      [
        { section: "pie", scopeUri: "file:///w/a.cpp" },
        { section: "editor" },
        { section: "pie.model.openai" },
        { section: "pie.cache" },
        { section: "pietro" },
      ],
      (scope) => {
        seen.push(scope);
        return tree;
      },
      ["(pie from VS Code)", { tabSize: 4 }, null, null, "(pietro from VS Code)"],
    );
    assert.deepEqual(answer, [tree, { tabSize: 4 }, { url: "http://x/v1" }, null, "(pietro from VS Code)"]);
    assert.deepEqual(seen, ["file:///w/a.cpp", undefined, undefined]);
  });

  it("sectionValue is null for settings nobody set", () => {
    assert.equal(sectionValue("pie.model.transformers", tree), null);
    assert.deepEqual(sectionValue("pie", tree), tree);
  });

  it("restarts the server only when how it is started changes", () => {
    assert.equal(needsRestart((key) => key === "pie.interpreter"), true);
    assert.equal(needsRestart((key) => key === "pie.serverPath"), true);
    assert.equal(needsRestart((key) => key === "pie.model.backend"), false);
  });
});
