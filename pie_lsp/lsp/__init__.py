"""The language server's logic that is not an LSP handler.

`pie_lsp.server` holds the pygls handlers; they stay thin by delegating here: the job
queue (jobs), the settings layers of a workspace (workspace_settings), results kept in
memory for instant code actions (results), what the editor is shown (presentation),
progress reporting (progress) and logging (logs).
"""
