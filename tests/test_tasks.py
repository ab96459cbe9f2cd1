"""task_group: the first failure cancels the rest and comes out as itself."""

from __future__ import annotations

import asyncio

import pytest

from pie_lsp.errors import PieError
from pie_lsp.tasks import task_group


async def test_first_task_error_cancels_the_rest_and_is_raised_unwrapped() -> None:
    started = asyncio.Event()
    never = asyncio.Event()
    cancelled: list[bool] = []

    async def waits() -> None:
        started.set()
        try:
            await never.wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def fails() -> None:
        await started.wait()
        raise PieError("boom", hint="none")

    with pytest.raises(PieError, match="boom"):
        async with task_group() as group:
            waiting = group.create_task(waits())
            group.create_task(fails())
    assert cancelled == [True]
    assert waiting.cancelled()


async def test_error_of_the_block_itself_wins_and_tasks_are_cancelled() -> None:
    never = asyncio.Event()

    with pytest.raises(ValueError, match="own"):
        async with task_group() as group:
            task = group.create_task(never.wait())
            await asyncio.sleep(0)
            raise ValueError("own")
    assert task.cancelled()


async def test_cancelling_the_caller_cancels_the_tasks() -> None:
    inside = asyncio.Event()
    never = asyncio.Event()
    children: list[asyncio.Task[bool]] = []

    async def caller() -> None:
        async with task_group() as group:
            children.append(group.create_task(never.wait()))
            inside.set()
            await never.wait()

    outer = asyncio.ensure_future(caller())
    await inside.wait()
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert children[0].cancelled()


async def test_results_are_kept_when_nothing_fails() -> None:
    async def double(n: int) -> int:
        await asyncio.sleep(0)
        return 2 * n

    async with task_group() as group:
        tasks = [group.create_task(double(n)) for n in range(3)]
    assert [t.result() for t in tasks] == [0, 2, 4]
