/**
 * The VS Code side of pie-lsp: starts `pie-lsp serve` through vscode-languageclient, adds the
 * palette commands, the "PIE" output channel and the status bar item.
 *
 * Everything worth testing lives in modules without a `vscode` import (settings, serverCommand,
 * commands, messages, status); this file wires them to the editor. The server's results arrive
 * as `workspace/applyEdit` with change annotations that need confirmation, which
 * vscode-languageclient turns into VS Code's refactor preview by itself; the server's own
 * window/showMessage notifications report outcomes, so the extension adds no popups of its
 * own except for requests that fail outright.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import { cannotRun, executeParams, missingServerCommands, PALETTE_COMMANDS, type PaletteCommand } from "./commands";
import { describeError, describeResult } from "./messages";
import { probeServer, resolveServerCommand, ServerUnavailable, type ServerCommand } from "./serverCommand";
import { answerConfiguration, needsRestart, SECTION, serverKeys, serverSettings, type JsonObject } from "./settings";
import { StatusModel, type StatusView } from "./status";

const HOW_TO_INSTALL = "How to install";
const OPEN_SETTINGS = "Open settings";
const SHOW_LOG = "Show log";

class PieExtension implements vscode.Disposable {
  private client?: LanguageClient;
  private readonly output = vscode.window.createOutputChannel("PIE");
  private readonly item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  private readonly status = new StatusModel();
  private readonly keys: string[];
  private starting?: Promise<void>;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.keys = serverKeys(context.extension.packageJSON);
    this.item.command = "pie-lsp.showLog";
    this.item.name = "PIE";
    this.show(this.status.view());
    this.item.show();
  }

  dispose(): void {
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
    try {
      server = resolveServerCommand({
        serverPath: config.get<string | null>("serverPath"),
        interpreter: config.get<string | null>("interpreter"),
        workspaceFolder: this.workspaceFolder(),
        env: process.env,
      });
      this.output.appendLine(`starting ${server.command} ${server.args.join(" ")} (from ${server.source})`);
      version = await probeServer(server, process.env);
    } catch (error) {
      this.cannotStart(error);
      return;
    }
    const serverOptions: ServerOptions = { command: server.command, args: server.args };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file", language: "cpp" }],
      outputChannel: this.output,
      initializationOptions: this.settingsTree(),
      middleware: {
        handleWorkDoneProgress: (token, params, next) => {
          this.show(this.status.progress(token, params));
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

  private cannotStart(error: unknown): void {
    const message = error instanceof ServerUnavailable ? error.message : describeError(error);
    const hint = error instanceof ServerUnavailable ? error.hint : "";
    this.output.appendLine(`error: ${message}`);
    if (hint) {
      this.output.appendLine(`fix: ${hint}`);
    }
    if (error instanceof ServerUnavailable && error.details) {
      this.output.appendLine(error.details);
    }
    this.show(this.status.failed(message));
    void vscode.window
      .showErrorMessage(`PIE: ${message}. ${hint}`.trim(), HOW_TO_INSTALL, OPEN_SETTINGS, SHOW_LOG)
      .then((choice) => {
        if (choice === HOW_TO_INSTALL) {
          const readme = vscode.Uri.joinPath(this.context.extensionUri, "README.md");
          void vscode.commands.executeCommand("markdown.showPreview", readme);
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

  async run(command: PaletteCommand): Promise<void> {
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
    const file = path.basename(document.uri.fsPath);
    const done = this.status.commandStarted(command.busy ?? command.title);
    this.show(this.status.view());
    try {
      const result: unknown = await client.sendRequest(
        ExecuteCommandRequest.type,
        executeParams(command, document.uri.toString()),
      );
      done();
      // The server tells the user itself (window/showMessage, the applyEdit preview);
      // the extension only keeps the outcome in the status bar.
      this.show(this.status.result(describeResult(result), file));
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
      vscode.commands.registerCommand(command.id, async () => {
        if (command.id === "pie-lsp.showLog") {
          this.output.show(true);
        } else if (command.id === "pie-lsp.restart") {
          await this.restart();
        } else {
          await this.run(command);
        }
      }),
    );
  }
}

let extension: PieExtension | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extension = new PieExtension(context);
  context.subscriptions.push(
    extension,
    ...extension.registerCommands(),
    vscode.workspace.onDidChangeConfiguration((event) => extension?.configurationChanged(event)),
  );
  await extension.start();
}

export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}
