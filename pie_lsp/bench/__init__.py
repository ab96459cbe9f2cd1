"""`pie-lsp bench`: PIE's evaluation of a model (or the rules, or the human reference) over a
dataset, with the same pipeline the editor uses, on this machine or a Dask cluster.

- `dataset.py`: the two dataset layouts (a folder of problems, PIE's jsonl split) → `Problem`s
  that carry their files, so a worker on another machine needs no shared filesystem;
- `work.py`: one problem's evaluation (the unit of work a worker runs);
- `engine.py`: where the work runs (Dask `LocalCluster`, a running scheduler, or inline);
- `store.py`: per-program results on disk, written atomically by the driver (resume);
- `metrics.py`: PIE's metrics (% optimized, floored mean speedup, % correct; best@1, best@k);
- `report.py`: the summary table and the speedup-distribution plot (SVG);
- `run.py`: the driver that ties them together, with a progress bar; `cli.py`: the command.

docs/BENCH.md describes the layouts, the metrics, the output and how to run on a cluster.
"""
