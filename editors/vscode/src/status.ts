import { shorten, type ResultSummary } from "./messages";

/**
 * The status bar item's state: server starting / failed, work in progress (from the server's
 * `$/progress`), and the last speedup found or measured.
 *
 * A plain state machine fed with events, so the text the user sees is unit-tested under Node;
 * extension.ts only copies `view()` into the real StatusBarItem.
 */

export type ProgressValue =
  | { kind: "begin"; title: string; message?: string; percentage?: number; cancellable?: boolean }
  | { kind: "report"; message?: string; percentage?: number; cancellable?: boolean }
  | { kind: "end"; message?: string };

export interface StatusView {
  text: string;
  tooltip: string;
  busy: boolean;
  error: boolean;
}

interface Active {
  title: string;
  message?: string;
  percentage?: number;
}

const MAX_TEXT = 40;

export class StatusModel {
  private phase: "starting" | "ready" | "failed" | "stopped" = "stopped";
  private problem = "";
  private version = "";
  private readonly active = new Map<string, Active>();
  private pending: string[] = [];
  /** The last result per document (key: its URI, else its name), and the newest of all. */
  private readonly results = new Map<string, ResultSummary & { file?: string }>();
  private newest?: ResultSummary & { file?: string };
  /** The active editor's key once known: only its result is shown (undefined: the newest). */
  private focused?: string | null;

  starting(): StatusView {
    this.phase = "starting";
    this.active.clear();
    return this.view();
  }

  ready(version: string): StatusView {
    this.phase = "ready";
    this.version = version;
    return this.view();
  }

  failed(message: string): StatusView {
    this.phase = "failed";
    this.problem = message;
    this.active.clear();
    this.pending = [];
    return this.view();
  }

  stopped(): StatusView {
    this.phase = "stopped";
    this.active.clear();
    this.pending = [];
    return this.view();
  }

  /** One `$/progress` notification for `token`. */
  progress(token: string | number, value: ProgressValue): StatusView {
    const key = String(token);
    if (value.kind === "begin") {
      this.active.set(key, { title: value.title, message: value.message, percentage: value.percentage });
    } else if (value.kind === "report") {
      const entry = this.active.get(key);
      if (entry !== undefined) {
        entry.message = value.message ?? entry.message;
        entry.percentage = value.percentage ?? entry.percentage;
      }
    } else {
      this.active.delete(key);
    }
    return this.view();
  }

  /** A palette command was sent; returns a function that marks it finished. */
  commandStarted(label: string): () => void {
    this.pending.push(label);
    return () => {
      const index = this.pending.indexOf(label);
      if (index >= 0) {
        this.pending.splice(index, 1);
      }
    };
  }

  /**
   * A command finished with this result (undefined: nothing to show) for document `key`
   * (its URI; `file` is its name, for the tooltip).
   */
  result(summary: ResultSummary | undefined, file?: string, key?: string): StatusView {
    if (summary !== undefined) {
      this.newest = { ...summary, file };
      this.results.set(key ?? file ?? "", this.newest);
    }
    return this.view();
  }

  /** The active editor changed to document `key` (null: no document, or not C++). */
  focus(key: string | null): StatusView {
    this.focused = key;
    return this.view();
  }

  view(): StatusView {
    if (this.phase === "failed") {
      return {
        text: "$(error) PIE",
        tooltip: `pie-lsp is not running: ${this.problem}\nClick for the log.`,
        busy: false,
        error: true,
      };
    }
    if (this.phase === "starting") {
      return { text: "$(sync~spin) PIE", tooltip: "pie-lsp: starting…", busy: true, error: false };
    }
    if (this.phase === "stopped") {
      return { text: "$(circle-slash) PIE", tooltip: "pie-lsp is stopped", busy: false, error: false };
    }
    const entries = [...this.active.values()];
    if (entries.length > 0) {
      const current = entries[entries.length - 1];
      const percent = current.percentage !== undefined ? ` ${Math.round(current.percentage)}%` : "";
      // the bar has room for the current step; the tooltip has the whole story
      const step = current.message !== undefined && current.message !== "" ? current.message : current.title;
      const detail = [current.title, current.message].filter((p) => p !== undefined && p !== "").join(": ");
      return {
        text: `$(sync~spin) ${shorten(`PIE: ${step}`, MAX_TEXT - percent.length)}${percent}`,
        tooltip: `pie-lsp: ${detail}${percent}`,
        busy: true,
        error: false,
      };
    }
    if (this.pending.length > 0) {
      const label = this.pending[this.pending.length - 1];
      return { text: `$(sync~spin) PIE: ${label}…`, tooltip: `pie-lsp: ${label}…`, busy: true, error: false };
    }
    const where = this.version !== "" ? this.version : "pie-lsp";
    // each file shows its own last result: another file's would read as this one's
    const last =
      this.focused === undefined
        ? this.newest
        : this.focused === null
          ? undefined
          : this.results.get(this.focused);
    if (last !== undefined) {
      const file = last.file !== undefined ? ` (${last.file})` : "";
      return {
        text: `${last.failed ? "$(warning)" : "$(rocket)"} PIE ${last.short}`,
        tooltip: `${last.summary}${file}\n${where} — click for the log`,
        busy: false,
        error: last.failed,
      };
    }
    return { text: "$(rocket) PIE", tooltip: `${where} — click for the log`, busy: false, error: false };
  }
}
