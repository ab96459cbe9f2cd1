"""The ids of PIE's commands (`workspace/executeCommand`), as editors and clients name them.

The handlers are in pie_lsp.lsp.features.commands; the ids are here, apart from them,
because what names a command without running it (code actions and lenses in
pie_lsp.lsp.presentation, argument checks in pie_lsp.lsp.arguments) is imported by those
handlers: keeping the ids there would make an import cycle. The editor plugins name the
same ids (editors/vscode/src/commands.ts, editors/nvim/lua/pie/init.lua, editors/README.md).
"""

from __future__ import annotations

OPTIMIZE = "pie.optimize"
CHECK_SPEEDUP = "pie.checkSpeedup"
SAVE_BASELINE = "pie.saveBaseline"
APPLY_RESULT = "pie.applyResult"
PROFILE = "pie.profile"
COMMANDS = (OPTIMIZE, CHECK_SPEEDUP, SAVE_BASELINE, APPLY_RESULT, PROFILE)
