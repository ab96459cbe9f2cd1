"""The language server, in the order a newcomer should read it.

- `server`: `PieServer`, the state (settings layers, pipelines, jobs, results, documents'
  hashes, logs) and its messages to the editor; `PieProtocol`, pygls' protocol with the
  hooks cancellation and command arguments need.
- `features/`: the LSP handlers, one module per feature, each with `register(server)`.
- `snapshots`, `arguments`: what a request works on (a document's text, its program and
  tests) and the typed command arguments.
- `delivery`: a job's outcome back to the editor (answer, message, `workspace/applyEdit`).
- `jobs`, `worker`, `progress`: cancellable jobs, the pipeline's own event loop, `$/progress`.
- `results`, `presentation`, `capabilities`: results in memory, what the editor is shown,
  what the client can take.
- `workspace_settings`, `logs`, `framing`: settings layers and pipelines, the log, and
  reading the editor's byte stream safely.

`pie_lsp.server` builds the server from these and serves it.
"""
