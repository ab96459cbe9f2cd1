/**
 * The extension's commands and the server commands they send: one `pie.` namespace, as the
 * settings have.
 *
 * The server's own lenses and code actions call `pie.optimize` and `pie.checkSpeedup` with the
 * document's URI; the palette calls the same IDs with no arguments. The extension registers
 * these IDs itself (vscode-languageclient is told not to, see extension.ts), so one handler
 * serves the palette, the lightbulb and the lens, and the status bar sees every run. With no
 * URI the active C++ document is meant. The server's other commands (`pie.applyResult`) stay
 * registered by vscode-languageclient.
 *
 * No `vscode` import here: this module is unit-tested under plain Node.
 */

export interface PaletteCommand {
  /** The VS Code command ID (contributed in package.json; the server's ID when it sends one). */
  id: string;
  /** The palette title, shown as "PIE: <title>". */
  title: string;
  /** The server command it sends, if any. */
  server?: string;
  /** What the status bar says while the server works on it. */
  busy?: string;
}

export const PALETTE_COMMANDS: readonly PaletteCommand[] = [
  { id: "pie.optimize", title: "Optimize program", server: "pie.optimize", busy: "optimizing" },
  {
    id: "pie.checkSpeedup",
    title: "Check speedup vs HEAD",
    server: "pie.checkSpeedup",
    busy: "measuring",
  },
  {
    id: "pie.saveBaseline",
    title: "Save speedup baseline",
    server: "pie.saveBaseline",
    busy: "saving the baseline",
  },
  { id: "pie.profile", title: "Profile: where the time goes", server: "pie.profile", busy: "profiling" },
  { id: "pie.showLog", title: "Show log" },
  { id: "pie.restart", title: "Restart server" },
];

/** The server commands the extension relies on (the server must announce them). */
export const SERVER_COMMANDS: readonly string[] = PALETTE_COMMANDS.flatMap((c) =>
  c.server === undefined ? [] : [c.server],
);

export const CPP_LANGUAGES: readonly string[] = ["cpp"];

/** The announced server commands vscode-languageclient may register: those the extension does not. */
export function commandsForClient(announced: readonly string[]): string[] {
  return announced.filter((command) => !SERVER_COMMANDS.includes(command));
}

/**
 * The document a command is for: the URI a lens or code action passed as its first argument,
 * else (from the palette or a keybinding) undefined: the active editor's.
 */
export function targetUri(args: readonly unknown[]): string | undefined {
  const first = args[0];
  return typeof first === "string" && /^[a-z][a-z0-9+.-]*:/i.test(first) ? first : undefined;
}

/** The `workspace/executeCommand` params for a command on a document (`args` as given). */
export function executeParams(
  command: PaletteCommand,
  documentUri: string,
  args: readonly unknown[] = [],
): { command: string; arguments: unknown[] } {
  if (command.server === undefined) {
    throw new Error(`${command.id} is not a server command`);
  }
  // the lens/action's arguments as the server made them; the palette's: just the document
  return { command: command.server, arguments: targetUri(args) === undefined ? [documentUri] : [...args] };
}

/**
 * Why a palette command cannot run on this document, or undefined when it can. The palette
 * hides the commands outside C++ files, but keybindings and other extensions can still call
 * them.
 */
export function cannotRun(
  document: { languageId: string; uri: string; isUntitled: boolean } | undefined,
): string | undefined {
  if (document === undefined) {
    return "Open a C++ file first: PIE works on the active editor's program.";
  }
  if (!CPP_LANGUAGES.includes(document.languageId)) {
    return `PIE works on C++ files; the active file is ${document.languageId}.`;
  }
  if (document.isUntitled || !document.uri.startsWith("file:")) {
    return "Save the program to a file first: PIE finds its tests next to the file.";
  }
  return undefined;
}

/** Server commands the extension needs that the server did not announce. */
export function missingServerCommands(announced: readonly string[] | undefined): string[] {
  return SERVER_COMMANDS.filter((command) => !(announced ?? []).includes(command));
}
