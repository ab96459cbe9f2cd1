"""Bench on a real Dask cluster on loopback (a `dask scheduler` and `dask worker`
processes started here, and only those killed), against a LocalCluster; a worker killed
mid-task; a bench process killed after its first result, then resumed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.bench.conftest import bench_args, outcome, records, run_bench

T = TypeVar("T")
DASK = Path(sys.executable).parent / "dask"


def wait_for(condition: Callable[[], T | None], seconds: float, what: str) -> T:
    """Poll `condition` until it returns something truthy; fail naming `what`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End one process we started (its own session) and everything it started."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


class Cluster:
    def __init__(self, address: str, workers: list[subprocess.Popen[bytes]]) -> None:
        self.address = address
        self.workers = workers


@pytest.fixture
def loopback_cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A scheduler and two single-threaded workers, each its own process on 127.0.0.1."""
    from distributed import Client

    started: list[subprocess.Popen[bytes]] = []
    scheduler_file = tmp_path / "scheduler.json"
    log = (tmp_path / "cluster.log").open("wb")

    def start(*args: str | Path) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [str(DASK), *map(str, args)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            start_new_session=True,  # its own process group: killed alone
        )
        started.append(process)
        return process

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", scheduler_file)  # fmt: skip

        def address() -> str | None:
            try:
                return str(json.loads(scheduler_file.read_text())["address"])
            except (OSError, ValueError, KeyError):
                return None

        where = wait_for(address, 120, "the scheduler's address file")
        worker = ("worker", where, "--nthreads", "1", "--no-nanny", "--no-dashboard")
        workers = [start(*worker, "--host", "127.0.0.1", "--name", f"w{i}") for i in range(2)]
        with Client(where, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield Cluster(where, workers)
    finally:
        for process in reversed(started):
            _stop(process)
        log.close()


def test_the_cluster_gives_the_local_results(
    folder_dataset: Path, tmp_path: Path, loopback_cluster: Cluster
) -> None:
    common = ("--model", "reference")
    _, local, _ = run_bench(
        folder_dataset, *common, "--workers", "2", "--out", tmp_path / "local",
        *bench_args(tmp_path / "cache-local"),
    )  # fmt: skip
    _, remote, _ = run_bench(
        folder_dataset, *common, "--cluster", loopback_cluster.address,
        "--out", tmp_path / "remote", *bench_args(tmp_path / "cache-remote"),
    )  # fmt: skip
    assert local is not None and remote is not None
    assert "LocalCluster" in local["run"]["engine"]
    assert loopback_cluster.address in remote["run"]["engine"]
    here, there = records(tmp_path / "local"), records(tmp_path / "remote")
    assert list(here) == list(there)
    for problem in here:
        assert outcome(here[problem]) == outcome(there[problem]), problem
    # computed by the cluster's worker processes (separate caches: nothing reused)
    pids = {str(w.pid) for w in loopback_cluster.workers}
    for record in there.values():
        if record["status"] == "done":
            assert record["worker"].rsplit(":", 1)[1] in pids
            assert record["cached"] is False
    for at in ("best1", "bestk"):
        assert local["summary"][at] == pytest.approx(remote["summary"][at], rel=1e-3)
    assert local["summary"]["programs"] == remote["summary"]["programs"]


def _done_on_disk(out: Path) -> list[dict[str, Any]]:
    found = []
    for path in (out / "programs").glob("*.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if record.get("status") == "done":
            found.append(record)
    return found


def _bench_process(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pie_lsp", "bench", *map(str, args), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_a_worker_killed_mid_task_loses_and_duplicates_nothing(
    folder_dataset: Path, tmp_path: Path, loopback_cluster: Cluster
) -> None:
    from distributed import Client

    out = tmp_path / "out"
    bench = _bench_process(
        folder_dataset, "--model", "reference", "--cluster", loopback_cluster.address,
        "--out", out, *bench_args(tmp_path / "cache"),
    )  # fmt: skip
    try:
        with Client(loopback_cluster.address, timeout="60s") as client:
            # the worker that is running a bench task now
            def busy() -> str | None:
                for address, keys in client.processing().items():
                    if any(str(k).startswith("pie-bench-") for k in keys):
                        return str(client.scheduler_info()["workers"][address]["name"])
                return None

            name = wait_for(busy, 120, "a worker to start a bench task")
        victim = loopback_cluster.workers[int(name.removeprefix("w"))]
        done_before = {r["id"] for r in _done_on_disk(out)}
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        stdout, stderr = bench.communicate(timeout=280)
    finally:
        _stop(bench)
    assert bench.returncode == 0, stderr.decode()
    answer = json.loads(stdout)
    by_id = records(out)  # asserts each program appears once
    assert {i for i, r in by_id.items() if r["status"] == "done"} == {"pairs", "digits"}
    assert answer["summary"]["errors"] == 0
    assert len(list((out / "programs").glob("*.json"))) == len(by_id)
    survivor = next(w for w in loopback_cluster.workers if w is not victim)
    rerun = [r for i, r in by_id.items() if r["status"] == "done" and i not in done_before]
    assert rerun and all(r["worker"].endswith(f":{survivor.pid}") for r in rerun)


def test_a_killed_bench_resumes_from_its_records(folder_dataset: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    # one at a time in the bench process, in dataset order: broken (its original fails its
    # tests: a skipped record, final), digits, then pairs
    args = (folder_dataset, "--model", "reference", "--workers", "0", "--out", out)
    bench = _bench_process(*args, *bench_args(cache))
    try:
        first = wait_for(lambda: _done_on_disk(out), 240, "the first program's record")
        os.killpg(bench.pid, signal.SIGKILL)
        bench.wait(timeout=30)
    finally:
        _stop(bench)
    assert not (out / "results.jsonl").exists()  # killed before the run finished
    (kept,) = first
    _, answer, _ = run_bench(*args, "--resume", *bench_args(cache))
    assert answer is not None
    assert (answer["reused"], answer["ran"]) == (2, 1)  # broken and digits kept, pairs run
    by_id = records(out)
    assert {i for i, r in by_id.items() if r["status"] == "done"} == {"pairs", "digits"}
    assert by_id[kept["id"]] == kept  # taken from disk, not recomputed
    # a finished run resumed again runs nothing
    _, again, _ = run_bench(*args, "--resume", *bench_args(cache))
    assert again is not None and (again["reused"], again["ran"]) == (3, 0)
    assert again["summary"] == answer["summary"]  # the same records: the same figures
