"""Benchmark: `pie-lsp bench` wall time with 1 and 2 local Dask workers (and inline), and
the engine's own cost per task.

1. Scaling: the same bench (default: the human reference on the first N problems of
   ../shared/pie-sample, the estimate) with a fresh cache each time, inline (`--workers
   0`, no Dask) and on a LocalCluster of 1 and 2 worker processes.
2. Engine overhead: a no-op task carrying a real problem's payload (its source and tests),
   M times through a LocalCluster of one worker, one at a time (the latency a task pays)
   and all at once (throughput), against calling it in this process; and the time to start
   and stop the LocalCluster itself.

Usage: python benchmarks/bench_scaling.py [DATASET] [--limit N] [--tasks M] [--json]
Nothing is asserted; the figures go to docs/PERFORMANCE.md ("pie-lsp bench").
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pie_lsp.bench.dataset import Task, load_dataset, make_task
from pie_lsp.bench.run import BenchOptions, run_bench
from pie_lsp.settings import Settings

DEFAULT_DATASET = Path(__file__).resolve().parent.parent.parent / "shared" / "pie-sample"


def settings_for(cache: Path) -> Settings:
    settings = Settings()
    settings.simulator.backend = "estimate"
    settings.cache.dir = str(cache)
    return settings


def scaling(dataset: Path, limit: int, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pie-bench-scaling-") as scratch:
        options = BenchOptions(
            dataset=dataset,
            out=Path(scratch) / "out",
            model="reference",
            limit=limit,
            workers=workers,
        )
        started = time.perf_counter()
        run = run_bench(options, settings_for(Path(scratch) / "cache"))
        wall = time.perf_counter() - started
    task_seconds = [r["wall_seconds"] for r in run.records if "wall_seconds" in r]
    return {
        "workers": workers,
        "engine": run.engine,
        "wall_seconds": round(wall, 1),
        "programs": len(task_seconds),
        "task_seconds_sum": round(sum(task_seconds), 1),
        "mean_speedup_k": round(run.summary.bestk.mean_speedup, 3),
    }


def noop(task: Task) -> dict[str, Any]:
    """What a task returns, without the work: the engine's cost alone."""
    return {"id": task.id, "status": "done", "tests": len(task.tests)}


def overhead(task: Task, count: int) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    inline = []
    for _ in range(count):
        started = time.perf_counter()
        noop(task)
        inline.append(time.perf_counter() - started)
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    client.wait_for_workers(1)
    startup = time.perf_counter() - started
    try:
        one_by_one = []
        for i in range(count):
            t0 = time.perf_counter()
            client.submit(noop, task, key=f"serial-{i}", pure=False).result()
            one_by_one.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        futures = [client.submit(noop, task, key=f"batch-{i}", pure=False) for i in range(count)]
        client.gather(futures)
        batch = time.perf_counter() - t0
    finally:
        t0 = time.perf_counter()
        client.close()
        cluster.close()
        shutdown = time.perf_counter() - t0
    return {
        "tasks": count,
        "payload_bytes": len(task.source) + sum(len(t.input) + len(t.output) for t in task.tests),
        "inline_ms_median": round(1000 * statistics.median(inline), 4),
        "serial_ms_median": round(1000 * statistics.median(one_by_one), 2),
        "serial_ms_p90": round(1000 * sorted(one_by_one)[int(0.9 * count)], 2),
        "batch_ms_per_task": round(1000 * batch / count, 2),
        "cluster_start_s": round(startup, 2),
        "cluster_stop_s": round(shutdown, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dataset", type=Path, nargs="?", default=DEFAULT_DATASET)
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    problems = load_dataset(args.dataset).problems
    if not problems:
        print(f"no problems in {args.dataset}", file=sys.stderr)
        return 1
    task = make_task(problems[0])
    assert isinstance(task, Task)
    result: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
        "overhead": overhead(task, args.tasks),
        "scaling": [scaling(args.dataset, args.limit, w) for w in (0, 1, 2)],
        "load_after": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    o = result["overhead"]
    print(f"CPUs {result['cpus']}, load {result['load_before']:.1f} → {result['load_after']:.1f}")
    print(
        f"engine, {o['tasks']} no-op tasks with a {o['payload_bytes']} B payload: inline "
        f"{o['inline_ms_median']} ms, one at a time {o['serial_ms_median']} ms median "
        f"(p90 {o['serial_ms_p90']} ms), all at once {o['batch_ms_per_task']} ms per task; "
        f"LocalCluster start {o['cluster_start_s']} s, stop {o['cluster_stop_s']} s"
    )
    print("| engine | wall time | Σ task time | floored mean |")
    print("|---|---|---|---|")
    for row in result["scaling"]:
        print(
            f"| {row['engine']} | {row['wall_seconds']} s | {row['task_seconds_sum']} s | "
            f"{row['mean_speedup_k']}× |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
