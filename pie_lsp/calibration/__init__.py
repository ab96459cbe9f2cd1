"""The estimate's calibration against gem5, in parts: tables and plans (`tables`), agreement
figures (`agreement`); fitting and the machine file are in pie_lsp/calibrate.py, the
command and its rendering in pie_lsp/calibrate_report.py, its flags in pie_lsp/cli.py."""
