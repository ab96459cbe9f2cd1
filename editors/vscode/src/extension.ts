/**
 * The VS Code side of pie-lsp: starts `pie-lsp serve` through vscode-languageclient, adds the
 * `pie.*` commands, the "PIE" output channel and the status bar item.
 *
 * Everything worth testing lives in modules without a `vscode` import (settings, serverCommand,
 * commands, messages, status); this file wires them to the editor. The server's results arrive
 * as `workspace/applyEdit` with a change annotation that needs confirmation (on an empty edit:
 * the rewrite itself is ticked), which vscode-languageclient turns into VS Code's refactor
 * preview by itself; the server's own window/showMessage notifications report outcomes, so the
 * extension adds no popups of its own except for requests that fail outright.
 *
 * Tested end to end in a real VS Code (code-server) by tests/editors/test_code_server.py.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  WorkDoneProgressCancelNotification,
  type LanguageClientOptions,
  type ProgressToken,
  type ServerOptions,
} from "vscode-languageclient/node";

import {
  cannotRun,
  CPP_LANGUAGES,
  executeParams,
  missingServerCommands,
  commandsForClient,
  PALETTE_COMMANDS,
  targetUri,
  type PaletteCommand,
} from "./commands";
import { describeError, describeResult } from "./messages";
import {
  probeServer,
  remoteHint,
  resolveServerCommand,
  ServerUnavailable,
  type ResolveOptions,
  type ServerCommand,
} from "./serverCommand";
import { answerConfiguration, needsRestart, SECTION, serverKeys, serverSettings, type JsonObject } from "./settings";
import { StatusModel, type ProgressValue, type StatusView } from "./status";

const HOW_TO_INSTALL = "How to install";
const OPEN_SETTINGS = "Open settings";
const OPEN_REMOTE_SETTINGS = "Open remote settings";
const SHOW_LOG = "Show log";

/** The part of the Python extension's API used here (its environments API, v1). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(
      environment: { path: string } | string,
    ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/** The interpreter selected in the Python extension, when it is installed and has one. */
async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>("ms-python.python");
  if (extension === undefined) {
    return undefined;
  }
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (environments === undefined) {
      return undefined;
    }
    const resolved = await environments.resolveEnvironment(environments.getActiveEnvironmentPath(resource));
    return resolved?.executable.uri?.fsPath;
  } catch {
    return undefined; // an old or broken Python extension: the other ways still work
  }
}

/** The extension's README: `vsce` packs README.md as readme.md, so either name. */
function readmeOf(extensionUri: vscode.Uri): vscode.Uri | undefined {
  for (const name of ["README.md", "readme.md"]) {
    const uri = vscode.Uri.joinPath(extensionUri, name);
    if (uri.scheme !== "file" || fs.existsSync(uri.fsPath)) {
      return uri;
    }
  }
  return undefined;
}

/**
 * The server's cancellable work as a notification with a Cancel button. vscode-languageclient
 * shows `$/progress` in the window's status area only, where VS Code offers no way to cancel;
 * the notification sends `window/workDoneProgress/cancel`, as the server expects.
 */
class ProgressNotifications {
  private readonly open = new Map<string, { report: (message?: string, percentage?: number) => void; end: () => void }>();

  constructor(private readonly cancel: (token: ProgressToken) => void) {}

  update(token: ProgressToken, value: ProgressValue): void {
    const key = String(token);
    if (value.kind === "begin") {
      if (!value.cancellable || this.open.has(key)) {
        return;
      }
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `PIE: ${value.title}`, cancellable: true },
        (progress, cancelled) =>
          new Promise<void>((resolve) => {
            let shown = 0;
            const report = (message?: string, percentage?: number): void => {
              const increment = percentage !== undefined && percentage > shown ? percentage - shown : undefined;
              shown = Math.max(shown, percentage ?? 0);
              progress.report({ message, increment });
            };
            cancelled.onCancellationRequested(() => this.cancel(token));
            this.open.set(key, { report, end: resolve });
            report(value.message, value.percentage);
          }),
      );
    } else if (value.kind === "report") {
      this.open.get(key)?.report(value.message, value.percentage);
    } else {
      this.open.get(key)?.end();
      this.open.delete(key);
    }
  }

  dispose(): void {
    for (const entry of this.open.values()) {
      entry.end();
    }
    this.open.clear();
  }
}

class PieExtension implements vscode.Disposable {
  private client?: LanguageClient;
  private readonly output = vscode.window.createOutputChannel("PIE");
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly status = new StatusModel();
  private readonly notifications = new ProgressNotifications((token) => {
    void this.client?.sendNotification(WorkDoneProgressCancelNotification.type, { token });
  });
  private readonly keys: string[];
  private starting?: Promise<void>;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.keys = serverKeys(context.extension.packageJSON);
    this.item.command = "pie.showLog";
    this.item.name = "PIE";
    this.show(this.status.view());
    this.item.show();
  }

  dispose(): void {
    this.notifications.dispose();
    this.item.dispose();
    this.output.dispose();
  }

  private show(view: StatusView): void {
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor = view.error
      ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : undefined;
  }

  /** The status bar follows the active editor: each C++ file shows its own last result. */
  activeEditorChanged(editor: vscode.TextEditor | undefined): void {
    const document = editor?.document;
    const cpp = document !== undefined && CPP_LANGUAGES.includes(document.languageId);
    this.show(this.status.focus(cpp ? document.uri.toString() : null));
  }

  private workspaceFolder(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    const folder =
      (editor && vscode.workspace.getWorkspaceFolder(editor.document.uri)) ??
      vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.fsPath;
  }

  /** The `pie` settings the user set, for the server (see settings.ts for why not all). */
  private settingsTree(scope?: vscode.Uri): JsonObject {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    return serverSettings(this.keys, (key) => config.inspect(key));
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.show(this.status.starting());
    const config = vscode.workspace.getConfiguration(SECTION);
    let server: ServerCommand;
    let version: string;
    const options: ResolveOptions = {
      serverPath: config.get<string | null>("serverPath"),
      interpreter: config.get<string | null>("interpreter"),
      workspaceFolder: this.workspaceFolder(),
      pythonExtension: await pythonExtensionInterpreter(vscode.window.activeTextEditor?.document.uri),
      env: process.env,
    };
    try {
      [server, version] = await this.probe(options);
    } catch (error) {
      if (!(error instanceof ServerUnavailable && options.pythonExtension !== undefined)) {
        this.cannotStart(error);
        return;
      }
      // the Python extension's environment may simply not be pie-lsp's: PATH may have it
      try {
        [server, version] = await this.probe({ ...options, pythonExtension: undefined });
      } catch {
        this.cannotStart(error);
        return;
      }
    }
    const serverOptions: ServerOptions = { command: server.command, args: server.args };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file", language: "cpp" }],
      outputChannel: this.output,
      initializationOptions: this.settingsTree(),
      middleware: {
        // runs of server commands the extension does not own (pie.applyResult) still count
        executeCommand: async (command, args, next) =>
          this.tracked(command, args, () => Promise.resolve(next(command, args) as unknown)),
        handleWorkDoneProgress: (token, params, next) => {
          this.show(this.status.progress(token, params));
          this.notifications.update(token, params);
          next(token, params);
        },
        workspace: {
          // Answer for `pie` ourselves: only explicitly set values, never client-only keys.
          configuration: async (params, token, next) =>
            answerConfiguration(
              params.items,
              (scopeUri) => this.settingsTree(scopeUri ? vscode.Uri.parse(scopeUri) : undefined),
              await next(params, token),
            ),
        },
      },
    };
    const client = new LanguageClient("pie", "PIE", serverOptions, clientOptions);
    leaveCommandsToExtension(client);
    client.onDidChangeState((event) => {
      if (event.newState === State.Stopped && this.client === client) {
        this.show(this.status.failed("the server stopped; see the PIE output channel"));
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      this.cannotStart(error);
      return;
    }
    const announced = client.initializeResult?.capabilities.executeCommandProvider?.commands;
    const missing = missingServerCommands(announced);
    if (missing.length > 0) {
      this.output.appendLine(`warning: the server does not offer ${missing.join(", ")}; update pie-lsp`);
    }
    this.output.appendLine(`${version} running`);
    this.show(this.status.ready(version));
  }

  private async probe(options: ResolveOptions): Promise<[ServerCommand, string]> {
    const server = resolveServerCommand(options);
    this.output.appendLine(`starting ${server.command} ${server.args.join(" ")} (from ${server.source})`);
    return [server, await probeServer(server, process.env)];
  }

  private cannotStart(error: unknown): void {
    const message = error instanceof ServerUnavailable ? error.message : describeError(error);
    const remote = remoteHint(vscode.env.remoteName);
    const hint =
      error instanceof ServerUnavailable ? [error.hint, remote].filter((h) => h !== undefined).join(" ") : "";
    this.output.appendLine(`error: ${message}`);
    if (hint) {
      this.output.appendLine(`fix: ${hint}`);
    }
    if (error instanceof ServerUnavailable && error.details) {
      this.output.appendLine(error.details);
    }
    this.show(this.status.failed(message));
    const settings = remote !== undefined ? OPEN_REMOTE_SETTINGS : OPEN_SETTINGS;
    void vscode.window
      .showErrorMessage(`PIE: ${message}. ${hint}`.trim(), HOW_TO_INSTALL, settings, SHOW_LOG)
      .then((choice) => {
        if (choice === HOW_TO_INSTALL) {
          const readme = readmeOf(this.context.extensionUri);
          if (readme !== undefined) {
            void vscode.commands.executeCommand("markdown.showPreview", readme);
          }
        } else if (choice === OPEN_REMOTE_SETTINGS) {
          void vscode.commands.executeCommand("workbench.action.openRemoteSettings");
        } else if (choice === OPEN_SETTINGS) {
          void vscode.commands.executeCommand("workbench.action.openSettings", "pie.interpreter");
        } else if (choice === SHOW_LOG) {
          this.output.show(true);
        }
      });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.stop();
      } catch (error) {
        this.output.appendLine(`stopping the server: ${describeError(error)}`);
      }
    }
    this.show(this.status.stopped());
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async configurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!event.affectsConfiguration(SECTION)) {
      return;
    }
    if (needsRestart((key) => event.affectsConfiguration(key))) {
      await this.restart();
      return;
    }
    // The server pulls `workspace/configuration` when told; the payload is the same tree.
    await this.client?.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { [SECTION]: this.settingsTree() },
    });
  }

  /** Marks a server command sent by vscode-languageclient (pie.applyResult) busy in the bar. */
  private async tracked<T>(command: string, _args: unknown[], send: () => Promise<T>): Promise<T> {
    const done = this.status.commandStarted(command === "pie.applyResult" ? "applying" : command);
    this.show(this.status.view());
    try {
      return await send();
    } finally {
      done();
      this.show(this.status.view());
    }
  }

  /**
   * A `pie.*` server command, from the palette (no arguments: the active C++ document) or from
   * the server's own lens or code action (the document's URI first, as the server made them).
   */
  async run(command: PaletteCommand, args: unknown[]): Promise<void> {
    let uri = targetUri(args);
    if (uri === undefined) {
      const document = vscode.window.activeTextEditor?.document;
      const problem = cannotRun(
        document && {
          languageId: document.languageId,
          uri: document.uri.toString(),
          isUntitled: document.isUntitled,
        },
      );
      if (problem !== undefined || document === undefined) {
        void vscode.window.showWarningMessage(`PIE: ${problem}`);
        return;
      }
      uri = document.uri.toString();
    }
    if (this.starting !== undefined) {
      await this.starting;
    }
    const client = this.client;
    if (client === undefined || client.state !== State.Running) {
      const choice = await vscode.window.showErrorMessage(
        "PIE: the server is not running.",
        "Restart server",
        SHOW_LOG,
      );
      if (choice === "Restart server") {
        await this.restart();
      } else if (choice === SHOW_LOG) {
        this.output.show(true);
      }
      return;
    }
    const file = path.basename(vscode.Uri.parse(uri).fsPath);
    const done = this.status.commandStarted(command.busy ?? command.title);
    this.show(this.status.view());
    try {
      const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, executeParams(command, uri, args));
      done();
      // The server tells the user itself (window/showMessage, the applyEdit preview);
      // the extension only keeps the outcome in the status bar, for that file.
      this.show(this.status.result(describeResult(result), file, uri));
    } catch (error) {
      done();
      this.show(this.status.view());
      const message = describeError(error);
      this.output.appendLine(`${command.server}: ${message}`);
      void vscode.window.showErrorMessage(`PIE: ${message}`, SHOW_LOG).then((choice) => {
        if (choice === SHOW_LOG) {
          this.output.show(true);
        }
      });
    }
  }

  registerCommands(): vscode.Disposable[] {
    return PALETTE_COMMANDS.map((command) =>
      vscode.commands.registerCommand(command.id, async (...args: unknown[]) => {
        if (command.id === "pie.showLog") {
          this.output.show(true);
        } else if (command.id === "pie.restart") {
          await this.restart();
        } else {
          await this.run(command, args);
        }
      }),
    );
  }
}

/** The part of vscode-languageclient's executeCommand feature that registers commands. */
interface CommandRegistration {
  register(data: { id: string; registerOptions: { commands: string[] } }): void;
}

/**
 * vscode-languageclient registers a VS Code command for every command the server announces;
 * the extension registers `pie.optimize`, `pie.checkSpeedup` and `pie.saveBaseline` itself (one
 * handler for the palette, lens and lightbulb), so the client must leave those out, or
 * registering the same ID twice would fail its start.
 */
function leaveCommandsToExtension(client: LanguageClient): void {
  const feature = client.getFeature(ExecuteCommandRequest.method as never) as unknown as CommandRegistration;
  const register = feature.register.bind(feature);
  feature.register = (data) =>
    register({ ...data, registerOptions: { ...data.registerOptions, commands: commandsForClient(data.registerOptions.commands) } });
}

let extension: PieExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new PieExtension(context);
  context.subscriptions.push(
    extension,
    ...extension.registerCommands(),
    vscode.workspace.onDidChangeConfiguration((event) => extension?.configurationChanged(event)),
    vscode.window.onDidChangeActiveTextEditor((editor) => extension?.activeEditorChanged(editor)),
  );
  extension.activeEditorChanged(vscode.window.activeTextEditor);
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}
