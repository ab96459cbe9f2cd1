"""The LSP handlers, one module per feature, each with `register(server)`.

- `lifecycle`: initialize, initialized (settings pulled, configuration registered),
  configuration changes, shutdown.
- `documents`: didOpen (a cached result shown at once) and didClose (its work stopped).
- `answers`: codeAction, codeLens and hover, answered from memory only.
- `commands`: `pie.optimize`, `pie.checkSpeedup`, `pie.saveBaseline`, `pie.applyResult`,
  and cancelling their work.
- `profile`: `pie.profile` and the inlay hints of its result (its lenses and hovers are
  answered through `answers`).

Handlers are plain top-level functions taking the server first, so a test can call one
with a server that never runs a loop.
"""

from __future__ import annotations

from pie_lsp.lsp.features import answers, commands, documents, lifecycle, profile
from pie_lsp.lsp.server import PieServer

FEATURES = (lifecycle, documents, answers, commands, profile)


def register_all(server: PieServer) -> None:
    for feature in FEATURES:
        feature.register(server)
