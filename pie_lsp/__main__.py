"""`python -m pie_lsp` is the `pie-lsp` command."""

from pie_lsp.cli import main

raise SystemExit(main())
