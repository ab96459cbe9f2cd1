/**
 * The extension's palette commands and the server commands they send.
 *
 * vscode-languageclient registers every command the server announces (`pie.optimize`, ...)
 * as a VS Code command of the same ID, for code lenses and code actions to call. The palette
 * commands therefore live under their own prefix (`pie-lsp.`): they pick the active C++
 * document and send `workspace/executeCommand` with its URI as the first argument.
 *
 * No `vscode` import here: this module is unit-tested under plain Node.
 */

export interface PaletteCommand {
  /** The VS Code command ID (contributed in package.json). */
  id: string;
  /** The palette title, shown as "PIE: <title>". */
  title: string;
  /** The server command it sends, if any. */
  server?: string;
  /** What the status bar says while the server works on it. */
  busy?: string;
}

export const PALETTE_COMMANDS: readonly PaletteCommand[] = [
  { id: "pie-lsp.optimize", title: "Optimize program", server: "pie.optimize", busy: "optimizing" },
  {
    id: "pie-lsp.checkSpeedup",
    title: "Check speedup vs HEAD",
    server: "pie.checkSpeedup",
    busy: "measuring",
  },
  {
    id: "pie-lsp.saveBaseline",
    title: "Save speedup baseline",
    server: "pie.saveBaseline",
    busy: "saving the baseline",
  },
  {
    id: "pie-lsp.profile",
    title: "Profile: where the time goes",
    server: "pie.profile",
    busy: "profiling",
  },
  { id: "pie-lsp.showLog", title: "Show log" },
  { id: "pie-lsp.restart", title: "Restart server" },
];

/** The server commands the extension relies on (the server must announce them). */
export const SERVER_COMMANDS: readonly string[] = PALETTE_COMMANDS.flatMap((c) =>
  c.server === undefined ? [] : [c.server],
);

export const CPP_LANGUAGES: readonly string[] = ["cpp"];

/** The `workspace/executeCommand` params for a palette command on a document. */
export function executeParams(
  command: PaletteCommand,
  documentUri: string,
): { command: string; arguments: unknown[] } {
  if (command.server === undefined) {
    throw new Error(`${command.id} is not a server command`);
  }
  return { command: command.server, arguments: [documentUri] };
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
