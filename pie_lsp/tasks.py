"""Structured concurrency for the pipeline's steps: `task_group()` is an asyncio.TaskGroup
(the first failure cancels the other tasks, a cancellation reaches them all, and the block
ends only when none is left running, so no build, test run or gem5 process outlives it)
that raises the error which ended it as itself, not wrapped in an ExceptionGroup: callers
catch PieError, MeasureFailed and friends as they always have."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


@contextlib.asynccontextmanager
async def task_group() -> AsyncIterator[asyncio.TaskGroup]:
    """`async with task_group() as group: group.create_task(...)`. An error of the block
    itself wins (the tasks are then only cancelled, their errors dropped); else the first
    task's error is raised. Cancellation and KeyboardInterrupt propagate unchanged."""
    own: BaseException | None = None
    try:
        async with asyncio.TaskGroup() as group:
            try:
                yield group
            except BaseException as exc:
                own = exc
                raise
    except BaseExceptionGroup as errors:
        first = own if own is not None and own in errors.exceptions else errors.exceptions[0]
        raise first from None
