/** status.ts: what the status bar item says through a session. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { describeResult } from "../src/messages";
import { StatusModel } from "../src/status";

describe("StatusModel", () => {
  it("follows start, a command with progress, and its result", () => {
    const status = new StatusModel();
    assert.equal(status.view().text, "$(circle-slash) PIE");
    assert.deepEqual(status.starting(), { text: "$(sync~spin) PIE", tooltip: "pie-lsp: starting…", busy: true, error: false });
    assert.equal(status.ready("pie-lsp 0.1.0").text, "$(rocket) PIE");
    assert.match(status.view().tooltip, /pie-lsp 0\.1\.0/);

    const done = status.commandStarted("optimizing");
    assert.equal(status.view().text, "$(sync~spin) PIE: optimizing…");
    let view = status.progress("tok-1", { kind: "begin", title: "Optimizing slow.cpp", message: "asking the model", percentage: 0 });
    assert.equal(view.text, "$(sync~spin) PIE: asking the model 0%");
    assert.equal(view.tooltip, "pie-lsp: Optimizing slow.cpp: asking the model 0%");
    view = status.progress("tok-1", { kind: "report", message: "measuring 2/4", percentage: 50.4 });
    assert.equal(view.tooltip, "pie-lsp: Optimizing slow.cpp: measuring 2/4 50%");
    assert.equal(view.text, "$(sync~spin) PIE: measuring 2/4 50%");
    view = status.progress("tok-1", { kind: "report", message: "building and testing 4 candidates with g++ -O3", percentage: 10 });
    assert.equal(view.text, "$(sync~spin) PIE: building and testing 4 candida… 10%");
    assert.equal(view.text.replace("$(sync~spin) ", "").length, 40); // never wider than the bar allows
    assert.equal(view.busy, true);
    view = status.progress("tok-1", { kind: "end" });
    assert.equal(view.text, "$(sync~spin) PIE: optimizing…"); // the request has not answered yet
    done();
    view = status.result(describeResult({ status: "optimized", speedup: 2.53, label: "2.5× faster on Skylake (estimate) — 3/3 tests" }), "slow.cpp");
    assert.equal(view.text, "$(rocket) PIE 2.53×");
    assert.match(view.tooltip, /^2\.5× faster on Skylake \(estimate\) — 3\/3 tests \(slow\.cpp\)/);
    assert.equal(view.busy, false);
  });

  it("keeps the last speedup when a later command has nothing to show", () => {
    const status = new StatusModel();
    status.ready("pie-lsp 0.1.0");
    status.result(describeResult({ status: "measured", speedup: 1.8, label: "1.80× faster than HEAD" }));
    assert.equal(status.result(undefined).text, "$(rocket) PIE 1.80×");
  });

  it("shows each file's own last result once the active editor is known", () => {
    const status = new StatusModel();
    status.ready("v");
    status.result(describeResult({ status: "optimized", speedup: 2.5, label: "2.50× faster" }), "a.cpp", "file:///w/a.cpp");
    status.result(describeResult({ status: "measured", speedup: 1.2, label: "1.20× faster than HEAD" }), "b.cpp", "file:///w/b.cpp");
    assert.equal(status.view().text, "$(rocket) PIE 1.20×"); // before any focus: the newest
    assert.equal(status.focus("file:///w/a.cpp").text, "$(rocket) PIE 2.50×");
    assert.match(status.view().tooltip, /\(a\.cpp\)/);
    assert.equal(status.focus("file:///w/c.cpp").text, "$(rocket) PIE"); // nothing run on c.cpp
    assert.equal(status.focus(null).text, "$(rocket) PIE");
    assert.equal(status.focus("file:///w/b.cpp").text, "$(rocket) PIE 1.20×");
  });

  it("shows the newest of several concurrent progress reports and ignores unknown tokens", () => {
    const status = new StatusModel();
    status.ready("v");
    status.progress(1, { kind: "begin", title: "A" });
    status.progress(2, { kind: "begin", title: "B" });
    assert.equal(status.view().tooltip, "pie-lsp: B");
    status.progress(99, { kind: "report", message: "stray" });
    status.progress(2, { kind: "end" });
    assert.equal(status.view().tooltip, "pie-lsp: A");
    status.progress(1, { kind: "end" });
    assert.equal(status.view().busy, false);
  });

  it("shows a failed command as a warning and a dead server as an error", () => {
    const status = new StatusModel();
    status.ready("v");
    const failed = status.result(describeResult({ status: "error", error: "no tests found", hint: "add slow.tests/" }));
    assert.equal(failed.text, "$(warning) PIE failed");
    assert.equal(failed.error, true);
    const dead = status.failed("pie-lsp was not found on PATH");
    assert.equal(dead.text, "$(error) PIE");
    assert.match(dead.tooltip, /not running: pie-lsp was not found on PATH/);
    status.progress("t", { kind: "begin", title: "late" });
    assert.equal(status.view().text, "$(error) PIE");
  });
});
