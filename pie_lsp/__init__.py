"""pie-lsp: verified, measured C++ speedups from inside the editor (the PIE method)."""

__version__ = "0.1.0"
