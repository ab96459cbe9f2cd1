"""Where bench tasks run: Dask distributed (a `LocalCluster` of worker processes on this
machine, or a running scheduler given by address), or inline in this process.

The engine only computes records; the driver writes them. A worker that dies mid-task has
written nothing, and Dask's scheduler hands its task to another worker (up to its
`allowed-failures`); an exception inside a task is retried `RETRIES` times. Each record is
keyed by problem id, so a task that ran twice still yields one record.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Protocol

from pie_lsp.bench.dataset import Task
from pie_lsp.bench.work import BenchConfig, evaluate
from pie_lsp.errors import PieError

RETRIES = 2
# how long to wait for a scheduler given by --cluster before saying it is not there
CONNECT_TIMEOUT = "20s"


def error_record(task: Task, config: BenchConfig, error: str) -> dict[str, Any]:
    """A task the engine could not run (its worker kept dying, or evaluate raised): kept in
    the results with the reason, and run again by --resume."""
    return {
        "id": task.id,
        "problem_id": task.problem_id,
        "origin": task.origin,
        "config": config.key,
        "model": config.model,
        "task": task.digest(),
        "status": "error",
        "reason": error,
    }


class Engine(Protocol):
    workers: int
    description: str

    def run(self, tasks: Iterable[Task], config: BenchConfig) -> Iterator[dict[str, Any]]:
        """Each task's record, in the order they finish."""
        ...

    def close(self) -> None: ...


class InlineEngine:
    """Tasks one after another in this process (`--workers 0`): no Dask needed."""

    workers = 1
    description = "inline (this process)"

    def run(self, tasks: Iterable[Task], config: BenchConfig) -> Iterator[dict[str, Any]]:
        for task in tasks:
            try:
                yield evaluate(task, config)
            except Exception as exc:  # a bug in one task must not end the run
                yield error_record(task, config, _describe(exc))

    def close(self) -> None:
        return None


def _describe(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({last[0].filename}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


class DaskEngine:
    """Tasks on a Dask cluster: a LocalCluster of `workers` processes, or `address`'s."""

    def __init__(self, workers: int, address: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise PieError(
                "pie-lsp bench needs Dask distributed for --workers N and --cluster",
                hint="pip install 'pie-lsp[bench]' (or run with --workers 0: one at a time, "
                "in this process)",
            ) from exc
        self.cluster: Any = None
        if address is not None:
            try:
                self.client: Any = Client(address, timeout=CONNECT_TIMEOUT)
            except OSError as exc:
                raise PieError(
                    f"no Dask scheduler at {address}: {exc}",
                    hint="start one with `dask scheduler` and workers with "
                    "`dask worker ADDRESS --nthreads 1` (docs/BENCH.md)",
                ) from exc
            self.workers = len(self.client.scheduler_info().get("workers", {}))
            self.description = f"Dask cluster at {address} ({self.workers} workers)"
        else:
            # one thread per worker process: the pipeline parallelises inside a task
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                # the scheduler's HTTP server runs even without a dashboard: on a free
                # port, not 8787 (taken by any other cluster on the machine, with a warning)
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
            self.workers = workers
            self.description = f"Dask LocalCluster, {workers} worker processes"

    def run(self, tasks: Iterable[Task], config: BenchConfig) -> Iterator[dict[str, Any]]:
        from distributed import as_completed

        run = uuid.uuid4().hex[:8]  # keys unique to this run on a shared scheduler
        by_key: dict[str, Task] = {}
        futures = []
        for task in tasks:
            key = f"pie-bench-{run}-{task.id}"
            by_key[key] = task
            futures.append(
                self.client.submit(evaluate, task, config, key=key, pure=False, retries=RETRIES)
            )
        for future in as_completed(futures):
            task = by_key[future.key]
            try:
                record: dict[str, Any] = future.result()
            except Exception as exc:  # KilledWorker after too many deaths, or a bug
                record = error_record(task, config, _describe(exc))
            future.release()
            yield record

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class _Closing(AbstractContextManager["Engine"]):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> Engine:
        return self.engine

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.engine.close()


def make_engine(workers: int, address: str | None) -> AbstractContextManager[Engine]:
    """The engine for --workers/--cluster, closed (cluster shut down) on leaving."""
    if address is None and workers <= 0:
        return _Closing(InlineEngine())
    return _Closing(DaskEngine(max(1, workers), address))
