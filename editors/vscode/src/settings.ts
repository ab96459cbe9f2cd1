/**
 * What the extension tells the server about the user's `pie.*` settings.
 *
 * The server merges its settings in layers (defaults < .pie-lsp.toml / pyproject.toml < the
 * editor < flags), so the extension sends only values the user actually set in VS Code: were
 * it to send every default, a workspace's .pie-lsp.toml would silently stop working. Client-only
 * settings (how to start the server, tracing) are never sent: the server rejects unknown keys.
 *
 * No `vscode` import here: this module is unit-tested under plain Node.
 */
import clientSettings from "../client-settings.json";

export const SECTION = "pie";

/** Settings only the extension reads, e.g. `pie.interpreter`. */
export const CLIENT_ONLY_KEYS: readonly string[] = Object.keys(clientSettings);

/** What `WorkspaceConfiguration.inspect()` returns, reduced to the parts used here. */
export interface Inspected {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

export type JsonObject = { [key: string]: unknown };

/** The value the user set, most specific scope first; undefined when only the default applies. */
export function explicitValue(inspected: Inspected | undefined): unknown {
  if (inspected === undefined) {
    return undefined;
  }
  const order: (keyof Inspected)[] = [
    "workspaceFolderLanguageValue",
    "workspaceLanguageValue",
    "globalLanguageValue",
    "workspaceFolderValue",
    "workspaceValue",
    "globalValue",
  ];
  for (const scope of order) {
    if (inspected[scope] !== undefined) {
      return inspected[scope];
    }
  }
  return undefined;
}

/** The keys of every setting package.json contributes (`pie.build.compiler`, ...). */
export function contributedKeys(packageJson: unknown): string[] {
  const contributes = (packageJson as { contributes?: { configuration?: unknown } }).contributes;
  const config = contributes?.configuration;
  const groups = Array.isArray(config) ? config : config ? [config] : [];
  const keys: string[] = [];
  for (const group of groups as { properties?: Record<string, unknown> }[]) {
    keys.push(...Object.keys(group.properties ?? {}));
  }
  return keys;
}

/** The keys of settings the server reads: contributed keys minus client-only ones. */
export function serverKeys(packageJson: unknown): string[] {
  return contributedKeys(packageJson).filter((key) => !CLIENT_ONLY_KEYS.includes(key));
}

/**
 * The `pie` section as the server wants it: a nested object of the explicitly set values.
 * `inspect` takes a key relative to the section (`model.openai.url`).
 */
export function serverSettings(
  keys: readonly string[],
  inspect: (relativeKey: string) => Inspected | undefined,
): JsonObject {
  const root: JsonObject = {};
  for (const key of keys) {
    if (CLIENT_ONLY_KEYS.includes(key) || !key.startsWith(`${SECTION}.`)) {
      continue;
    }
    const relative = key.slice(SECTION.length + 1);
    const value = explicitValue(inspect(relative));
    if (value === undefined) {
      continue;
    }
    const parts = relative.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      node = (typeof child === "object" && child !== null ? child : (node[part] = {})) as JsonObject;
    }
    // a copy: VS Code hands out frozen proxies, and JSON is what goes on the wire anyway
    node[parts[parts.length - 1]] = JSON.parse(JSON.stringify(value));
  }
  return root;
}

/**
 * The answer to one `workspace/configuration` item: the whole `pie` tree for section `pie`,
 * the matching subtree for `pie.model` and the like, or null when nothing is set there.
 */
export function sectionValue(section: string, tree: JsonObject): unknown {
  if (section === SECTION) {
    return tree;
  }
  let node: unknown = tree;
  for (const part of section.slice(SECTION.length + 1).split(".")) {
    if (typeof node !== "object" || node === null || !(part in node)) {
      return null;
    }
    node = (node as JsonObject)[part];
  }
  return node;
}

/** True when a `workspace/configuration` section is ours to answer. */
export function isOurSection(section: string | null | undefined): section is string {
  return section === SECTION || (section ?? "").startsWith(`${SECTION}.`);
}

/** True when a configuration change needs the server restarted (how it is started changed). */
export function needsRestart(affects: (key: string) => boolean): boolean {
  return ["pie.serverPath", "pie.interpreter"].some((key) => affects(key));
}

/**
 * The answer to a `workspace/configuration` request: items for `pie` (or below) come from
 * `ours(scopeUri)`, the others from VS Code's default answer `others` (same order as items).
 */
export function answerConfiguration(
  items: readonly { section?: string | null; scopeUri?: string | null }[],
  ours: (scopeUri: string | undefined) => JsonObject,
  others: unknown,
): unknown[] {
  return items.map((item, index) =>
    isOurSection(item.section)
      ? sectionValue(item.section, ours(item.scopeUri ?? undefined))
      : Array.isArray(others)
        ? (others as unknown[])[index]
        : null,
  );
}
