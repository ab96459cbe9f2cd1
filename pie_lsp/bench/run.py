"""The bench driver: list the dataset, skip what is on disk (--resume), send the rest to
the engine, write each record as it arrives, then the summary, the table and the plot.

Output folder (--out):
  programs/ID.json    one record per program, written when it finishes (resume reads these)
  results.jsonl       every record, in dataset order (the per-program JSON lines)
  summary.json        PIE's metrics (metrics.Summary) and the run's configuration
  speedups.svg        the speedup distribution, best@1 and best@k
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from attrs import define, evolve
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pie_lsp import __version__
from pie_lsp.bench.dataset import Dataset, Skipped, Task, load_dataset, make_task
from pie_lsp.bench.engine import make_engine
from pie_lsp.bench.metrics import Summary, summarize
from pie_lsp.bench.report import speedup_svg
from pie_lsp.bench.store import Store, atomic_write
from pie_lsp.bench.work import REFERENCE, BenchConfig, skipped_record
from pie_lsp.cache import digest
from pie_lsp.errors import PieError
from pie_lsp.settings import Settings, unstructure

# records of these kinds are final; an "error" record (engine or model failure) is rerun
FINAL = ("done", "skipped")


@define
class BenchOptions:
    dataset: Path
    out: Path
    model: str  # "reference" or the settings' backend
    resume: bool = False
    limit: int | None = None
    workers: int = 0  # 0: inline (no Dask); N: a LocalCluster of N processes
    cluster: str | None = None
    tests_root: Path | None = None


@define
class BenchRun:
    summary: Summary
    records: list[dict[str, Any]]
    out: Path
    engine: str
    reused: int
    ran: int
    seconds: float
    config: dict[str, Any]


def config_key(settings: Settings, model: str) -> str:
    """What makes two runs' records comparable: the model and every setting that changes a
    result (not the parallelism or the cache's place)."""
    data = unstructure(settings)
    for volatile in ("jobs", "cache"):
        data.pop(volatile, None)
    return digest(__version__, model, json.dumps(data, sort_keys=True, default=str))


def worker_settings(settings: Settings, workers: int, cluster: str | None) -> Settings:
    """N local worker processes share this machine's CPUs: each pipeline gets its share
    (unless pie.jobs is set); a cluster node's worker uses its own CPUs."""
    if cluster is None and workers > 1 and settings.jobs == 0:
        return evolve(settings, jobs=max(1, (os.cpu_count() or 1) // workers))
    return settings


def concrete_simulator(settings: Settings) -> Settings:
    """`auto` decided once, here: each worker deciding for itself could measure some
    programs in gem5 and others with the estimate in one run."""
    if settings.simulator.backend != "auto":
        return settings
    from pie_lsp.measure.gem5 import find_gem5

    found = find_gem5(settings.simulator.gem5) is not None
    simulator = evolve(settings.simulator, backend="gem5" if found else "estimate")
    return evolve(settings, simulator=simulator)


class _Bar:
    def __init__(self, enabled: bool, total: int) -> None:
        self.progress: Progress | None = None
        if enabled and total:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.progress.add_task("bench", total=total)

    def __enter__(self) -> _Bar:
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def advance(self, what: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=what[:40])


def _plan(
    dataset: Dataset, limit: int | None, config: BenchConfig, on_disk: dict[str, dict[str, Any]]
) -> tuple[list[str], dict[str, dict[str, Any]], list[Task], int]:
    """(ids in dataset order, records known now, tasks to run, records reused)."""
    entries = dataset.entries[:limit] if limit is not None else dataset.entries
    order: list[str] = []
    records: dict[str, dict[str, Any]] = {}
    pending: list[Task] = []
    reused = 0
    for entry in entries:
        order.append(entry.id)
        made = entry if isinstance(entry, Skipped) else make_task(entry)
        if isinstance(made, Skipped):
            records[entry.id] = skipped_record(made, config)
            continue
        if config.model == REFERENCE and made.reference is None:
            records[entry.id] = skipped_record(
                Skipped(made.id, made.problem_id, made.origin, "no reference fast version"),
                config,
            )
            continue
        old = on_disk.get(made.id)
        if (
            old is not None
            and old.get("config") == config.key
            and old.get("task") == made.digest()
            and old.get("status") in FINAL
        ):
            records[made.id] = old
            reused += 1
        else:
            pending.append(made)
    return order, records, pending, reused


def run_bench(
    options: BenchOptions,
    settings: Settings,
    progress: bool = False,
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> BenchRun:
    """Run (or continue) a bench; raises PieError for a dataset or an output folder that
    cannot be used, never for one problem's faults."""
    started = time.perf_counter()
    dataset = load_dataset(options.dataset, options.tests_root)
    store = Store(options.out)
    on_disk = store.load()
    if on_disk and not options.resume:
        raise PieError(
            f"{options.out} holds {len(on_disk)} results of an earlier run",
            hint="add --resume to continue it, or give another --out DIR",
        )
    settings = concrete_simulator(settings)
    key = config_key(settings, options.model)
    config = BenchConfig(
        worker_settings(settings, options.workers, options.cluster), options.model, key
    )
    order, records, pending, reused = _plan(dataset, options.limit, config, on_disk)
    for record in records.values():
        if record.get("status") == "skipped":
            store.write(record)
    with (
        make_engine(options.workers, options.cluster) as engine,
        _Bar(progress, len(pending)) as bar,
    ):
        stream: Iterator[dict[str, Any]] = engine.run(pending, config) if pending else iter(())
        for record in stream:
            store.write(record)  # on disk before anything else: resume starts from here
            records[str(record["id"])] = record
            bar.advance(str(record["id"]))
            if on_record is not None:
                on_record(record)
        description = engine.description
    ordered = [records[i] for i in order]
    summary = summarize(ordered)
    run_config = {
        "dataset": str(options.dataset),
        "layout": dataset.layout,
        "model": options.model,
        "simulator": next((r["simulator"] for r in ordered if r.get("simulator")), ""),
        "samples": settings.model.samples if options.model != REFERENCE else 1,
        "min_speedup": settings.min_speedup,
        "config": key,
        "engine": description,
        "version": __version__,
    }
    atomic_write(
        options.out / "results.jsonl",
        "".join(json.dumps(r, sort_keys=True) + "\n" for r in ordered),
    )
    atomic_write(
        options.out / "summary.json",
        json.dumps({"summary": summary.to_json(), "run": run_config}, indent=2) + "\n",
    )
    title = f"{options.dataset.name}: {options.model}, {run_config['simulator'] or 'no'} simulator"
    atomic_write(options.out / "speedups.svg", speedup_svg(ordered, title))
    return BenchRun(
        summary,
        ordered,
        options.out,
        description,
        reused,
        len(pending),
        time.perf_counter() - started,
        run_config,
    )
