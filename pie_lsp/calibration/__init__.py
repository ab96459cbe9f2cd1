"""The estimate's calibration against gem5, in parts: tables and plans (`tables`), agreement
figures (`agreement`); fitting and the machine file are in pie_lsp/calibrate.py, the
rendering in pie_lsp/calibrate_report.py, the command in pie_lsp/cli.py."""
