"""The completion loop the sampling backends share: k completions of one prompt, each
turned into a candidate or a rejection with the parser's reason.

A sampling backend (`openai`, `transformers`) only says how to build its prompt and how
to get a batch of completions; `SamplingBackend.generate` does the rest the same way for
both: numbering (`openai:sample-3`), descriptions, notes, and telling the parser when a
completion stopped at the model's token limit (with the setting that raises it).
`sample_each` is the loop for a backend that gets one completion per call: it runs at most
`parallel` at once and keeps going when some calls fail with a `ModelError`, which then
becomes a note (only when every call fails is the error raised).

This is its own module rather than part of `completion.py`: that one is pure text (a C++
lexer and the rules for finding a program in a completion, no I/O), this one is async
control flow around backends; keeping them apart lets each be read and tested alone.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Sequence

from attrs import frozen

from pie_lsp.errors import ModelError
from pie_lsp.models.base import Candidate, Generation, ModelBackend, Progress, Rejection
from pie_lsp.models.completion import CompletionRejected, extract_program
from pie_lsp.models.feedback import Attempt, crossover_prompt, feedback_prompt
from pie_lsp.models.focus import FOCUS
from pie_lsp.models.prompts import Prompt
from pie_lsp.program import Program
from pie_lsp.settings import OpenAIApi
from pie_lsp.tasks import task_group


@frozen
class Completion:
    """One completion's text, and why the model stopped ("length": at its token limit)."""

    text: str
    finish_reason: str | None


@frozen
class Sampled:
    """A batch of completions, and what the user should know about how it was got."""

    completions: list[Completion]
    notes: list[str]


def generation_from(
    completions: Sequence[Completion],
    *,
    backend: str,
    source: str,
    limit_hint: str,
    notes: Sequence[str] = (),
    prefix: str = "",
    round_label: str = "",
) -> Generation:
    """The candidates in `completions` (`{backend}:{prefix}sample-{i}`, "sample i from
    {source}"; a feedback round's prefix is "r2-"),
    and a rejection with the parser's reason for each that holds no usable program.
    `limit_hint` (": raise pie.model...") ends the reason of one cut off at the token limit."""
    generation = Generation(notes=list(notes))
    focus = FOCUS.get()  # a long program's hot function asked for: put back in place
    for index, completion in enumerate(completions):
        origin = f"{backend}:{prefix}sample-{index}"
        try:
            source_text = extract_program(
                focus.merge(completion.text) if focus is not None else completion.text,
                truncated=completion.finish_reason == "length",
                limit_hint=limit_hint,
            )
        except CompletionRejected as exc:
            generation.rejected.append(Rejection(origin, exc.reason))
            continue
        what = f"sample {index} from {source}"
        if round_label:
            what = f"{what}, {round_label}"
        generation.candidates.append(Candidate(origin, source_text, what))
    return generation


async def sample_each(
    one: Callable[[int], Awaitable[Sequence[Completion]]],
    count: int,
    *,
    parallel: int = 1,
    got: Sequence[Completion] = (),
) -> Sampled:
    """`got` (completions the backend already has, e.g. from one request for several),
    then those of `one(0)` … `one(count - 1)` in that order, at most `parallel` calls
    running at once (with 1, strictly one after another). A call failing with a
    ModelError is left out and noted ("2 of 5 requests failed: ...", out of all samples
    asked for); when there is no completion at all, the first error is raised. Any other
    exception cancels the calls still running and is raised as it is."""
    results: dict[int, Sequence[Completion]] = {}
    errors: dict[int, ModelError] = {}
    pending = iter(range(count))

    async def worker() -> None:
        for index in pending:  # shared: each index is taken by exactly one worker
            try:
                results[index] = await one(index)
            except ModelError as exc:
                errors[index] = exc

    # a worker's own exception (a bug, not a failed request) comes out as itself
    async with task_group() as group:
        for _ in range(min(max(1, parallel), count)):
            group.create_task(worker())
    completions = [*got, *(c for index in sorted(results) for c in results[index])]
    notes: list[str] = []
    if errors:
        first = errors[min(errors)]
        if not completions:
            raise first
        notes.append(f"{len(errors)} of {len(got) + count} requests failed: {first}")
    return Sampled(completions, notes)


class SamplingBackend(ModelBackend):
    """A backend that samples completions of one prompt (an LLM)."""

    # ": raise pie.model.<backend>.<max tokens setting>", added to a cut-off's reason
    limit_hint: str

    @property
    @abstractmethod
    def source(self) -> str:
        """What the samples come from, for their descriptions (model name, checkpoint)."""

    @abstractmethod
    def prompt_for(self, program: Program) -> Prompt:
        """The prompt asking for a faster `program`; raises ModelError when the backend's
        configuration cannot work at all."""

    @abstractmethod
    async def sample(self, prompt: Prompt, samples: int, progress: Progress) -> Sampled:
        """`samples` completions of `prompt` (fewer when some requests failed, noted)."""

    def prompt_api(self) -> OpenAIApi:
        """The API the prompts are written for (chat: system and turns)."""
        return "completions"

    async def feedback(
        self,
        program: Program,
        attempts: Sequence[Attempt],
        samples: int,
        round_number: int,
        progress: Progress,
        *,
        crossover: bool = False,
    ) -> Generation:
        first = self.prompt_for(program)
        api = self.prompt_api()
        shown = f"round {round_number} (with feedback)"
        requests = [
            (f"r{round_number}-", shown, feedback_prompt(first, program.text, attempts, api))
        ]
        if crossover and samples >= 2:
            combine = crossover_prompt(first, program.text, attempts, api)
            if combine is not None:
                shown = f"round {round_number} (combining the two best)"
                requests.append((f"r{round_number}-x-", shown, combine))
        generation = Generation()
        for index, (prefix, label, prompt) in enumerate(requests):
            # with a crossover request, it takes half of the round's samples
            count = samples - (samples // 2) * (len(requests) - 1) if index == 0 else samples // 2
            sampled = await self.sample(prompt, count, progress)
            part = generation_from(
                sampled.completions,
                backend=self.name,
                source=self.source,
                limit_hint=self.limit_hint,
                notes=sampled.notes,
                prefix=prefix,
                round_label=label,
            )
            generation.candidates.extend(part.candidates)
            generation.rejected.extend(part.rejected)
            generation.notes.extend(part.notes)
        return generation

    async def generate(self, program: Program, samples: int, progress: Progress) -> Generation:
        prompt = self.prompt_for(program)
        sampled = await self.sample(prompt, samples, progress)
        return generation_from(
            sampled.completions,
            backend=self.name,
            source=self.source,
            limit_hint=self.limit_hint,
            notes=[*prompt.notes, *sampled.notes],
        )
