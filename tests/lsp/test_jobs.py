"""The job queue: supersession, bounded parallelism, cancelling by request id or token."""

from __future__ import annotations

import asyncio
import functools

import pytest

from pie_lsp.lsp.jobs import Jobs


async def test_a_new_job_for_the_same_key_supersedes_and_waits_for_the_old_one() -> None:
    jobs = Jobs(4)
    events: list[str] = []
    release = asyncio.Event()
    started = asyncio.Event()

    async def old() -> str:
        try:
            started.set()
            await release.wait()
            return "old"
        finally:
            # what killing a process group looks like: it takes a moment
            await asyncio.sleep(0.05)
            events.append("old cleaned up")

    async def new() -> str:
        events.append("new started")
        return "new"

    first = jobs.submit(("optimize", "a.cpp"), old)
    await started.wait()  # running when the new one comes
    second = jobs.submit(("optimize", "a.cpp"), new)
    await second.wait()

    assert first.task.cancelled() and first.stopped == "superseded"
    assert second.task.result() == "new" and second.stopped is None
    assert events == ["old cleaned up", "new started"]
    assert jobs.running(("optimize", "a.cpp")) is None


async def test_other_keys_are_not_superseded() -> None:
    jobs = Jobs(4)
    release = asyncio.Event()
    started: list[None] = []
    all_started = asyncio.Event()

    async def work() -> None:
        started.append(None)
        if len(started) == 3:
            all_started.set()
        await release.wait()

    a = jobs.submit(("optimize", "a.cpp"), work)
    b = jobs.submit(("check", "a.cpp"), work)
    c = jobs.submit(("optimize", "b.cpp"), work)
    await all_started.wait()
    assert {job.stopped for job in (a, b, c)} == {None}
    release.set()
    await asyncio.gather(a.wait(), b.wait(), c.wait())
    assert not any(job.task.cancelled() for job in (a, b, c))


async def test_parallelism_is_bounded_and_queued_jobs_are_told() -> None:
    jobs = Jobs(2)
    running = 0
    peak = 0
    queued: list[int] = []
    release = asyncio.Event()
    two_running = asyncio.Event()

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        if running == 2:
            two_running.set()
        await release.wait()
        running -= 1

    submitted = [
        jobs.submit(("optimize", f"{i}.cpp"), work, on_queued=functools.partial(queued.append, i))
        for i in range(5)
    ]
    await two_running.wait()
    for _ in range(10):  # every task that could start has had its turn
        await asyncio.sleep(0)
    assert running == 2 and queued == [2, 3, 4]
    release.set()
    await asyncio.gather(*(job.wait() for job in submitted))
    assert peak == 2


async def test_cancel_by_request_id_and_by_progress_token() -> None:
    jobs = Jobs(4)
    started: list[None] = []
    all_started = asyncio.Event()

    async def forever() -> None:
        started.append(None)
        if len(started) == 3:
            all_started.set()
        await asyncio.Event().wait()

    by_id = jobs.submit(("optimize", "a.cpp"), forever, request_id=7, token="t-a")
    by_token = jobs.submit(("optimize", "b.cpp"), forever, request_id=8, token="t-b")
    untouched = jobs.submit(("optimize", "c.cpp"), forever, request_id=9, token="t-c")
    await all_started.wait()

    assert jobs.cancel_request(7)
    assert jobs.cancel_token("t-b")
    assert not jobs.cancel_token("no-such-token")
    await asyncio.gather(by_id.wait(), by_token.wait())
    assert by_id.stopped == by_token.stopped == "cancelled"
    assert by_id.task.cancelled() and by_token.task.cancelled()
    assert not untouched.task.done()
    await jobs.cancel_all()
    assert untouched.stopped == "shutdown" and untouched.task.cancelled()
    assert jobs.all() == []


async def test_a_cancel_that_arrives_before_its_job_still_cancels_it() -> None:
    jobs = Jobs(1)
    assert not jobs.cancel_request("early")  # the handler has not submitted yet

    async def work() -> None:
        await asyncio.sleep(10)

    job = jobs.submit(("optimize", "a.cpp"), work, request_id="early")
    await job.wait()
    assert job.task.cancelled() and job.stopped == "cancelled"
    # and only once: a later request reusing the id runs
    again = jobs.submit(("optimize", "a.cpp"), lambda: asyncio.sleep(0), request_id="early")
    await again.wait()
    assert not again.task.cancelled()


async def test_a_failing_job_keeps_its_exception() -> None:
    jobs = Jobs(1)

    async def broken() -> None:
        raise ValueError("boom")

    job = jobs.submit(("optimize", "a.cpp"), broken)
    await job.wait()  # never raises
    with pytest.raises(ValueError, match="boom"):
        job.task.result()


async def test_set_parallel_applies_to_new_jobs() -> None:
    jobs = Jobs(1)
    jobs.set_parallel(3)
    running = 0
    release = asyncio.Event()
    three_running = asyncio.Event()

    async def work() -> None:
        nonlocal running
        running += 1
        if running == 3:
            three_running.set()  # only possible with three slots
        await release.wait()

    submitted = [jobs.submit(("k", i), work) for i in range(3)]
    await asyncio.wait_for(three_running.wait(), 60)
    release.set()
    await asyncio.gather(*(job.wait() for job in submitted))
