"""Long work of the server (optimize, check speedup) as cancellable asyncio tasks.

Jobs are keyed by (kind, document): a new job with the key of a running one supersedes it
(the old one is cancelled, and the new one starts only once the old one has finished
killing its processes). At most `parallel` jobs run at once; the rest wait their turn.

pygls 2.1 does not deliver `$/cancelRequest` to an async command handler, and
`window/workDoneProgress/cancel` only cancels a future nobody awaits, so the server looks
jobs up here by request id or progress token and cancels the task itself. Cancelling the
task cancels `Pipeline.optimize`, which kills every compiler, test and simulator process.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Literal

from attrs import define

StopReason = Literal["cancelled", "superseded", "shutdown"]


@define(eq=False)
class Job:
    """One submitted piece of work."""

    key: Hashable
    task: asyncio.Task[Any]
    request_id: Hashable | None = None
    token: Hashable | None = None
    # why it was stopped, when it was (the task alone cannot say)
    stopped: StopReason | None = None

    def cancel(self, reason: StopReason) -> bool:
        if self.task.done():
            return False
        if self.stopped is None:
            self.stopped = reason
        return self.task.cancel()

    async def wait(self) -> None:
        """Until the job has finished, whatever way (never raises)."""
        await asyncio.wait([self.task])


class Jobs:
    """The running and queued jobs of one server."""

    def __init__(self, parallel: int) -> None:
        self._slots = asyncio.Semaphore(max(1, parallel))
        self.parallel = max(1, parallel)
        self._by_key: dict[Hashable, Job] = {}
        # cancel requests that arrived before their job was submitted (a handler awaits
        # the client, e.g. to create a progress token, before it submits)
        self._early: OrderedDict[Hashable, None] = OrderedDict()

    def set_parallel(self, parallel: int) -> None:
        """Jobs submitted from now on share a pool of this size (running ones finish)."""
        parallel = max(1, parallel)
        if parallel != self.parallel:
            self._slots = asyncio.Semaphore(parallel)
            self.parallel = parallel

    def submit(
        self,
        key: Hashable,
        work: Callable[[], Awaitable[Any]],
        *,
        request_id: Hashable | None = None,
        token: Hashable | None = None,
        on_queued: Callable[[], None] | None = None,
    ) -> Job:
        """Start `work` as a job; a running job with the same key is superseded."""
        previous = self._by_key.get(key)
        if previous is not None:
            previous.cancel("superseded")
        slots = self._slots

        async def run() -> Any:
            if previous is not None:
                await previous.wait()
            if slots.locked() and on_queued is not None:
                on_queued()
            async with slots:
                return await work()

        task = asyncio.ensure_future(run())
        job = Job(key, task, request_id, token)
        self._by_key[key] = job

        def forget(_: asyncio.Task[Any]) -> None:
            if self._by_key.get(key) is job:
                del self._by_key[key]

        task.add_done_callback(forget)
        if request_id is not None and request_id in self._early:
            del self._early[request_id]
            job.cancel("cancelled")
        return job

    def running(self, key: Hashable) -> Job | None:
        return self._by_key.get(key)

    def all(self) -> list[Job]:
        return list(self._by_key.values())

    def cancel_request(self, request_id: Hashable) -> bool:
        """Cancel the job started by request `request_id` ($/cancelRequest); a job not
        submitted yet is cancelled as soon as it is."""
        if self._cancel(lambda job: job.request_id == request_id):
            return True
        self._early[request_id] = None
        while len(self._early) > 256:
            self._early.popitem(last=False)
        return False

    def cancel_token(self, token: Hashable) -> bool:
        """Cancel the job reporting progress under `token` (workDoneProgress/cancel)."""
        return self._cancel(lambda job: job.token is not None and job.token == token)

    def _cancel(self, match: Callable[[Job], bool]) -> bool:
        found = False
        for job in self.all():
            if match(job):
                found = job.cancel("cancelled") or found
        return found

    async def cancel_all(self, reason: StopReason = "shutdown") -> None:
        """Cancel every job and wait until their processes are gone."""
        jobs = self.all()
        for job in jobs:
            job.cancel(reason)
        if jobs:
            await asyncio.wait([job.task for job in jobs])
