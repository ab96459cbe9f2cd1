"""A second event loop, in its own thread, where the pipeline runs.

The pipeline does short synchronous work between its awaits (writing a static binary into
a scratch directory, storing it in the disk cache, pickling results, diffing); on the
server's own loop every such step would delay the editor's next code action. On this
loop it only competes for the GIL, which file I/O releases. Cancelling the awaiting task
on the server's loop cancels the pipeline's task here, and returns only once that task
has finished, so its processes are gone when the job reports that it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class Worker:
    """Runs coroutines on a private loop; started on first use."""

    def __init__(self, name: str = "pie-pipeline") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name=self.name, daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Await `make()`, run as a task on the worker loop, from the calling loop."""
        caller = asyncio.get_running_loop()
        worker = self.loop
        finished = asyncio.Event()
        box: list[asyncio.Future[T]] = []

        def start() -> None:
            # the coroutine is made here, so nothing in it binds to the caller's loop
            task = asyncio.ensure_future(make(), loop=worker)
            box.append(task)
            task.add_done_callback(lambda _: caller.call_soon_threadsafe(finished.set))

        def cancel() -> None:
            box[0].cancel()  # start() ran first: callbacks run in the order they came

        worker.call_soon_threadsafe(start)
        try:
            await finished.wait()
        except asyncio.CancelledError:
            worker.call_soon_threadsafe(cancel)
            # wait for the task's cleanup (killing its processes) even if cancelled again
            while not finished.is_set():
                try:
                    await finished.wait()
                except asyncio.CancelledError:
                    continue
            raise
        return box[0].result()

    def call(
        self, caller: asyncio.AbstractEventLoop, function: Callable[[T], None]
    ) -> Callable[[T], None]:
        """`function` made safe to call from the worker: it runs on `caller`'s loop."""

        def hop(value: T) -> None:
            caller.call_soon_threadsafe(function, value)

        return hop

    def stop(self) -> None:
        """Cancel what still runs, then end the thread (idempotent)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return

        async def cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        # a task that will not stop must not keep the server alive
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(cancel_all(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()
