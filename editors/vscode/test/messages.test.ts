/** messages.ts: how results and failures read to the user. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ResponseError } from "vscode-jsonrpc";

import { describeError, describeResult, formatSpeedup } from "../src/messages";

describe("describeResult", () => {
  // the answers of the server's commands (pie_lsp/lsp/features/commands.py and
  // pie_lsp/lsp/delivery.py), as they arrive over JSON-RPC
  it("shows an optimization's speedup and the server's label", () => {
    const summary = describeResult({
      status: "optimized",
      label: "2.5× faster on Skylake (estimate) — 3/3 tests",
      speedup: 2.5344056676878637,
      testsPassed: 3,
      testsTotal: 3,
      simulator: "estimate",
      resultId: "r1",
      applied: true,
    });
    assert.deepEqual(summary, {
      short: "2.53×",
      summary: "2.5× faster on Skylake (estimate) — 3/3 tests",
      failed: false,
    });
  });

  it("does not headline the speedup of a candidate that was not offered", () => {
    const summary = describeResult({
      status: "not-optimized",
      label: "not optimized: best candidate 1.04× (estimate: cachegrind Skylake model)",
      speedup: 1.04,
    });
    assert.equal(summary?.failed, false);
    assert.equal(summary?.summary, "not optimized: best candidate 1.04× (estimate: cachegrind Skylake model)");
    assert.ok((summary?.short.length ?? 99) <= 32);
    assert.ok(summary?.short.endsWith("…"));
  });

  it("shows a speedup check against the baseline", () => {
    const summary = describeResult({
      status: "measured",
      label: "1.80× faster than HEAD on Skylake (estimate) — 3/3 tests",
      speedup: 1.8,
      baseline: "HEAD",
    });
    assert.equal(summary?.short, "1.80×");
  });

  it("shows a failure with its hint", () => {
    const summary = describeResult({
      status: "error",
      error: "no tests found next to slow.cpp",
      hint: "put input.1.txt/output.1.txt in slow.tests/",
    });
    assert.deepEqual(summary, {
      short: "failed",
      summary: "no tests found next to slow.cpp — put input.1.txt/output.1.txt in slow.tests/",
      failed: true,
    });
  });

  it("names the answers without a sentence: saved, cancelled", () => {
    assert.equal(describeResult({ status: "saved", path: "/c/base.cpp" })?.summary, "baseline saved");
    assert.equal(describeResult({ status: "cancelled" })?.short, "cancelled");
    assert.equal(describeResult({ status: "superseded" })?.summary, "superseded by a newer request");
  });

  it("falls back to the number when there is no sentence, and ignores empty answers", () => {
    assert.equal(describeResult({ speedup: 1.5 })?.summary, "1.50× speedup");
    assert.equal(describeResult(null), undefined);
    assert.equal(describeResult({}), undefined);
    assert.equal(describeResult({ status: "something-new" }), undefined);
    assert.equal(describeResult("  "), undefined);
    assert.equal(describeResult({ speedup: Number.NaN }), undefined);
    assert.equal(describeResult("baseline saved")?.summary, "baseline saved");
  });

  it("formats speedups with two decimals", () => {
    assert.equal(formatSpeedup(3.4), "3.40×");
  });
});

describe("describeError", () => {
  it("appends the server's hint (PieError) to a JSON-RPC error", () => {
    const error = new ResponseError(-32603, "g++ not found", { hint: "apt-get install g++" });
    assert.equal(describeError(error), "g++ not found — apt-get install g++");
  });

  it("does not repeat a hint already in the message, and handles bare values", () => {
    assert.equal(describeError(new ResponseError(-32603, "x — do y", { hint: "do y" })), "x — do y");
    assert.equal(describeError(new ResponseError(-32603, "plain")), "plain");
    assert.equal(describeError(new Error("boom")), "boom");
    assert.equal(describeError("text"), "text");
  });
});
