/**
 * What the user is told about the server's answers: a command's result as a sentence and a
 * short status-bar form, and a failed request as a message that names the fix.
 *
 * No `vscode` import here: this module is unit-tested under plain Node.
 */

/** What a finished server command reported, reduced to what the user is shown. */
export interface ResultSummary {
  /** Short, for the status bar: "2.53×", "failed", or a shortened sentence. */
  short: string;
  /** Full sentence: "2.53× faster on Skylake (estimate) — 3/3 tests". */
  summary: string;
  /** True when the command failed (shown as an error, not as a result). */
  failed: boolean;
}

const MAX_SHORT = 32;

export function shorten(text: string, max = MAX_SHORT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function formatSpeedup(value: number): string {
  return `${value.toFixed(2)}×`;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Words for the answers that carry no sentence of their own. */
const STATUS_WORDS: Record<string, string> = {
  saved: "baseline saved",
  cancelled: "cancelled",
  superseded: "superseded by a newer request",
  shutdown: "stopped: the server shut down",
};

/**
 * Reads a server command's answer (pie_lsp/lsp/features/commands.py; an optimization's
 * and a failure's come from pie_lsp/lsp/delivery.py): `label` is the editor sentence
 * ("2.5× faster on Skylake (estimate) — 3/3 tests"), `speedup` a number or null, `status`
 * "optimized" / "not-optimized" / "measured" / "saved" / "cancelled" / "error" (with `error`
 * and `hint`). A bare string is shown as it is.
 */
export function describeResult(result: unknown): ResultSummary | undefined {
  if (typeof result === "string") {
    return text(result) === undefined
      ? undefined
      : { short: shorten(result.trim()), summary: result.trim(), failed: false };
  }
  if (typeof result !== "object" || result === null) {
    return undefined;
  }
  const value = result as Record<string, unknown>;
  const status = text(value.status);
  const failed = status === "error";
  // a speedup is the headline only when something was found or measured
  const speedup =
    (status === "optimized" || status === "measured" || status === undefined) &&
    typeof value.speedup === "number" &&
    Number.isFinite(value.speedup)
      ? value.speedup
      : undefined;
  const sentence = failed
    ? (text(value.error) ?? text(value.label) ?? "the command failed")
    : (text(value.label) ??
      text(value.summary) ??
      (status !== undefined ? STATUS_WORDS[status] : undefined));
  if (sentence === undefined && speedup === undefined) {
    return undefined;
  }
  const summary = sentence ?? `${formatSpeedup(speedup as number)} speedup`;
  const hint = failed ? text(value.hint) : undefined;
  return {
    short: failed ? "failed" : speedup !== undefined ? formatSpeedup(speedup) : shorten(summary),
    summary: hint !== undefined ? `${summary} — ${hint}` : summary,
    failed,
  };
}

/**
 * A failed request (a vscode-jsonrpc ResponseError, or any Error) as one message. The server
 * puts the fix in `data.hint` (PieError's hint); it is appended so the user sees what to do.
 */
export function describeError(error: unknown): string {
  if (typeof error !== "object" || error === null) {
    return String(error);
  }
  const { message, data } = error as { message?: unknown; data?: unknown };
  const base = text(message) ?? "pie-lsp request failed";
  const hint =
    typeof data === "object" && data !== null ? text((data as { hint?: unknown }).hint) : text(data);
  return hint !== undefined && !base.includes(hint) ? `${base} — ${hint}` : base;
}
